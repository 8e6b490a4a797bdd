//! The allocator and the memory handed back between build phases. A leaf
//! module: the phases in `index/` and `render/` call it without reaching
//! into `lib.rs`.
//!
//! gongbu allocates with jemalloc (where it builds: not with MSVC). A build
//! makes and frees millions of small strings (facts of notes, pieces of
//! pages); measured on 10,000 generated notes, glibc's malloc spent about a
//! tenth more CPU on them, and after a phase freed a million of them
//! (`SiteIndex::drop_index_only_facts`) every later allocation got slower
//! still (the render took a third longer), which jemalloc's size classes do
//! not. BENCHMARKS.md, "Round three".

#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Gives memory the allocator holds but no longer uses back to the system
/// (jemalloc otherwise keeps freed pages for a while, to reuse them).
/// Called between phases, so each phase's leftovers do not add to the peak.
pub(crate) fn release_free_memory() {
    #[cfg(not(target_env = "msvc"))]
    {
        // `arena.<all>.purge`: every arena (4096 is MALLCTL_ARENAS_ALL).
        const PURGE_ALL: &[u8] = b"arena.4096.purge\0";
        // SAFETY: a NUL-terminated name of a void control, called with no
        // old or new value, as jemalloc's mallctl(3) documents for it.
        unsafe {
            tikv_jemalloc_sys::mallctl(
                PURGE_ALL.as_ptr().cast(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                0,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn freed_memory_is_given_back() {
        // Touch and free 64 MB, then purge: the purge must not fail or
        // leave the allocator unusable.
        let big: Vec<Vec<u8>> = (0..64).map(|_| vec![1u8; 1 << 20]).collect();
        drop(big);
        super::release_free_memory();
        let again = vec![2u8; 1 << 20];
        assert_eq!(again.iter().map(|&b| u64::from(b)).sum::<u64>(), 2 << 20);
    }
}
