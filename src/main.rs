//! The `redflag` binary: everything lives in the library; see `cli`.

fn main() -> std::process::ExitCode {
    redflag::cli::main()
}
