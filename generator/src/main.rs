//! The `comidl` binary: everything lives in [`comidl::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = comidl::cli::run(
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
