//! Memory handed back between build phases. A leaf module: the phases in
//! `index/` and `render/` call it without reaching into `lib.rs`.

/// Gives memory the allocator holds but no longer uses back to the system
/// (glibc keeps freed blocks of its per-thread arenas otherwise). Called
/// between phases, so each phase's leftovers do not add to the peak.
pub(crate) fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: malloc_trim only returns unused heap pages to the system.
        unsafe {
            malloc_trim(0);
        }
    }
}
