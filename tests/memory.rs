//! The memory budget (`python::memory`): a program that keeps big objects alive gets CPython's
//! `MemoryError` instead of the process aborting on a failed allocation (which kills the page
//! in wasm), and once it drops them it can go on. One test function: the allocator's counter
//! is process-wide, so nothing else may run beside it.

use std::rc::Rc;

use flask_sqlalchemy_playground::flask::case::with_engine_stack;
use flask_sqlalchemy_playground::python::interp::Interp;
use flask_sqlalchemy_playground::python::memory::allocated;
use flask_sqlalchemy_playground::python::value::{Module, Value};

const MIB: usize = 1 << 20;

/// Runs `src` as the shell would; the class name of the exception it ends with, if any.
fn run(it: &mut Interp, main: &Rc<Module>, src: &str) -> Option<String> {
    it.reset_budget();
    match it.exec_source(src, "<console>", main, true) {
        Ok(()) => None,
        Err(e) => Some(if it.err_is(&e, "MemoryError") { "MemoryError".into() } else { it.type_name(&e.exc) }),
    }
}

#[test]
fn a_program_past_the_memory_budget_gets_memory_error_and_can_go_on() {
    with_engine_stack(|| {
        let mut it = Interp::new();
        let main = Module::new("__main__", None);
        main.set("__builtins__", Value::Module(it.builtins.clone()));
        let base = allocated();
        it.memory_limit = base + 512 * MIB;

        // Many 10-million-item lists kept alive: each is one big block, refused before it is made.
        let keep = "keep = []\nfor k in range(100):\n    keep.append([0] * 10_000_000)\n";
        assert_eq!(run(&mut it, &main, keep).as_deref(), Some("MemoryError"));
        assert!(allocated() <= it.memory_limit, "the refused list was never allocated");
        assert_eq!(run(&mut it, &main, "assert 2 <= len(keep) < 100, len(keep)"), None);
        // Until they are dropped, another such list is refused; after `del`, it is made.
        assert_eq!(run(&mut it, &main, "x = [0] * 10_000_000").as_deref(), Some("MemoryError"));
        assert_eq!(run(&mut it, &main, "del keep").as_deref(), None);
        assert!(allocated() < base + 64 * MIB, "the lists are freed");
        assert_eq!(run(&mut it, &main, "x = [0] * 10_000_000\nassert len(x) == 10_000_000\ndel x"), None);

        // Growth bit by bit (no single big block) is stopped at the step check, with room for the
        // handler to drop what it built.
        let small = "keep = []\ntry:\n    while True:\n        keep.append([k for k in range(1000)])\n\
                     except MemoryError:\n    n = len(keep)\n    keep = None\n";
        assert_eq!(run(&mut it, &main, small), None);
        assert!(allocated() < base + 64 * MIB, "the handler freed the lists");
        assert_eq!(run(&mut it, &main, "assert n > 1000, n\nx = [0] * 10_000_000\ndel x"), None);

        // Several big strings, bytes and joins alive at once.
        let strings = "keep = []\nfor k in range(100):\n    keep.append('ab' * 50_000_000)\n    \
                       keep.append(bytes(100_000_000))\n    keep.append(' '.join(['x'] * 10_000_000))\n";
        assert_eq!(run(&mut it, &main, strings).as_deref(), Some("MemoryError"));
        assert!(allocated() <= it.memory_limit);
        assert_eq!(run(&mut it, &main, "del keep\ns = 'ab' * 50_000_000\ndel s"), None);

        // One call that would turn a 100 MB string into 100 million one-character strings.
        assert_eq!(run(&mut it, &main, "s = 'ab' * 50_000_000\nx = list(s)").as_deref(), Some("MemoryError"));
        assert_eq!(run(&mut it, &main, "b = bytes(100_000_000)\nx = list(b)").as_deref(), Some("MemoryError"));
        assert_eq!(run(&mut it, &main, "del s, b\nx = list('ab' * 1000)\nassert len(x) == 2000"), None);
    });
}
