//! The interpreter's memory budget. A failed allocation aborts the process (natively) and
//! kills the page (in wasm), so no Python program may make the allocator fail: the library's
//! global allocator counts the bytes currently allocated, and the interpreter raises CPython's
//! bare `MemoryError` (what CPython raises when malloc fails) past [`Interp::memory_limit`]:
//! before an operation that would make one big block ([`Interp::reserve`]), and at the step
//! check for programs that grow bit by bit (see [`Interp::tick`]). Once the program drops its
//! objects the count falls and it can go on.
//!
//! The counter is process-wide (one relaxed atomic add per allocation; in the single-threaded
//! wasm build that is a plain load and store).
//!
//! [`Interp::memory_limit`]: super::interp::Interp::memory_limit
//! [`Interp::reserve`]: super::interp::Interp::reserve
//! [`Interp::tick`]: super::interp::Interp

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator (natively; `dlmalloc` in wasm), counting the bytes it has out.
pub struct CountingAlloc;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        ALLOCATED.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                ALLOCATED.fetch_add(new_size - layout.size(), Ordering::Relaxed);
            } else {
                ALLOCATED.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// The bytes currently allocated by the whole process.
pub fn allocated() -> usize {
    ALLOCATED.load(Ordering::Relaxed)
}

/// The default budget: 1 GiB natively. In wasm the page's memory is at most 4 GiB (2 GiB in
/// some browsers) and never shrinks, so the budget leaves room for the step check's slack,
/// a growing vector's old and new blocks, and fragmentation.
#[cfg(not(target_arch = "wasm32"))]
pub const DEFAULT_MEMORY_LIMIT: usize = 1 << 30;
/// See the native constant.
#[cfg(target_arch = "wasm32")]
pub const DEFAULT_MEMORY_LIMIT: usize = 768 << 20;
