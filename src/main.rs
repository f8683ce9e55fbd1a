//! The `conflab` binary: the CLI natively, the browser app when compiled to wasm32 (built by Trunk).

#[cfg(target_arch = "wasm32")]
fn main() {
    conflab::ui::run();
}

/// The native CLI's allocator (see Cargo.toml); the wasm app keeps the default one.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    conflab::cli::main()
}
