//! The `redflag` binary: all of it is in the library (`redflag::cli`).

// Judging is allocation-heavy (evidence strings per combination); mimalloc more than triples
// single-thread throughput over the system allocator (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    redflag::cli::main()
}
