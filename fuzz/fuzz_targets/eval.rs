//! The evaluator over arbitrary source, with a small step budget: every input must end as a
//! value or a Python exception, never a panic, a hang or a native stack overflow.
#![no_main]

use flask_sqlalchemy_playground::python::interp::Interp;
use flask_sqlalchemy_playground::python::value::{Module, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let src = src.to_string();
    // The engine runs on a large stack, as the native runner does.
    let handle = std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            let mut interp = Interp::new();
            interp.step_limit = 20_000;
            interp.reset_budget();
            let main = Module::new("__main__", None);
            main.set("__builtins__", Value::Module(interp.builtins.clone()));
            let _ = interp.exec_source(&src, "<console>", &main, true);
        })
        .expect("spawn");
    if let Err(p) = handle.join() {
        std::panic::resume_unwind(p);
    }
});
