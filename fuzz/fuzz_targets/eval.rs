//! The evaluator over arbitrary source, with a small step budget: every input must end as a
//! value or a Python exception, never a panic, a hang or a native stack overflow.
//!
//! The engine runs on a large stack, as the native runner does: one worker thread (64 MiB)
//! evaluates the inputs one after another. Building an interpreter costs far more than most
//! inputs, so the worker reuses one for `FUZZ_EVAL_REUSE` inputs (default 64; 1 = a fresh one
//! for every input, the setting to reproduce a crash with). Each input runs in a fresh
//! `__main__` module.
//!
//! The interpreter's memory budget (`FUZZ_EVAL_MEMORY_MIB`, default 512) is well under
//! libFuzzer's `-rss_limit_mb` (3000): a program that keeps big objects alive must end in
//! `MemoryError`, never in an out-of-memory crash. After an input ends in MemoryError the
//! worker drops its interpreter, so that one input's garbage cannot starve the next.
#![no_main]

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Mutex, OnceLock};

use flask_sqlalchemy_playground::python::interp::Interp;
use flask_sqlalchemy_playground::python::value::{Module, Value};
use libfuzzer_sys::fuzz_target;

struct Worker {
    inputs: Sender<String>,
    done: Receiver<()>,
}

fn worker() -> &'static Mutex<Worker> {
    static WORKER: OnceLock<Mutex<Worker>> = OnceLock::new();
    WORKER.get_or_init(|| {
        let (inputs, rx) = channel::<String>();
        let (tx, done) = channel::<()>();
        let reuse: usize = std::env::var("FUZZ_EVAL_REUSE").ok().and_then(|v| v.parse().ok()).unwrap_or(64).max(1);
        let steps: u64 = std::env::var("FUZZ_EVAL_STEPS").ok().and_then(|v| v.parse().ok()).unwrap_or(5_000);
        let memory_mib: usize = std::env::var("FUZZ_EVAL_MEMORY_MIB").ok().and_then(|v| v.parse().ok()).unwrap_or(512);
        std::thread::Builder::new()
            .stack_size(64 * 1024 * 1024)
            .spawn(move || {
                let mut interp: Option<Interp> = None;
                let mut used = 0usize;
                for src in rx {
                    if used >= reuse {
                        // Dropping the interpreter empties its heap (the leak invariant).
                        interp = None;
                        used = 0;
                    }
                    let it = interp.get_or_insert_with(Interp::new);
                    used += 1;
                    it.step_limit = steps;
                    it.memory_limit = memory_mib << 20;
                    it.reset_budget();
                    it.stdout.clear();
                    let main = Module::new("__main__", None);
                    main.set("__builtins__", Value::Module(it.builtins.clone()));
                    let result = it.exec_source(&src, "<console>", &main, true);
                    let out_of_memory = result.is_err_and(|e| it.err_is(&e, "MemoryError"));
                    drop(main);
                    if out_of_memory {
                        interp = None;
                        used = 0;
                    }
                    if tx.send(()).is_err() {
                        break;
                    }
                }
            })
            .expect("spawn");
        Mutex::new(Worker { inputs, done })
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let w = worker().lock().unwrap_or_else(|e| e.into_inner());
    w.inputs.send(src.to_string()).expect("worker alive");
    // A panic in the worker aborts the process (libFuzzer's panic hook), which is the crash.
    w.done.recv().expect("worker alive");
});
