//! The `redflag` command line on the system allocator: valgrind's DHAT counts the allocations
//! it sees through `malloc`, and the binary's mimalloc (src/main.rs) makes its own, so
//! `benches/allocations.sh` counts a build of this instead. Nothing else differs.

fn main() -> std::process::ExitCode {
    redflag::cli::main()
}
