//! The `comidl` binary: everything lives in [`comidl::cli`].

use std::process::ExitCode;

// Code generation allocates many small token trees; the system allocator
// spent a quarter of `comidl generate`'s time in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let code = comidl::cli::run(
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
