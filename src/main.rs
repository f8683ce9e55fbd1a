//! The `conflab` binary: the CLI natively, the browser app when compiled to wasm32 (built by Trunk).

#[cfg(target_arch = "wasm32")]
fn main() {
    conflab::ui::run();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    conflab::cli::main()
}
