//! The client of the Wine test (`scripts/test-wine.sh`): a Windows program
//! that plays Sync Center or mobsync against the example handlers through
//! the COM runtime, creating them by CLSID from their registration. It
//! prints every call it makes and every callback it receives, checks what
//! it gets, and exits non-zero with the reason on the first failure.
//!
//! Usage: `comidl-wine-client sync-center|mobsync --clsid {GUID} [--leak-reference]`
//! (`--leak-reference` keeps one reference to the handler alive, which the
//! test uses to show that the unload check fails then).

#[cfg(windows)]
mod com;
#[cfg(windows)]
mod mobsync;
#[cfg(windows)]
mod sync_center;

// The examples' folder helpers (which allow their unused parts themselves)
// and fakes, shared with their tests; each user needs its own part.
#[cfg(windows)]
#[path = "../../../../examples/test-support/folders.rs"]
mod folders;
#[cfg(windows)]
#[allow(dead_code)]
#[path = "../../../../examples/mobsync-handler/tests/fakes/mod.rs"]
mod mobsync_fakes;
#[cfg(windows)]
#[allow(dead_code)]
#[path = "../../../../examples/sync-center-handler/tests/fakes/mod.rs"]
mod sync_center_fakes;

use std::process::ExitCode;

const USAGE: &str =
    "usage: comidl-wine-client sync-center|mobsync --clsid {GUID} [--leak-reference]";

/// What the command line asks for.
#[cfg_attr(not(windows), allow(dead_code))]
struct Args {
    handler: Handler,
    clsid: String,
    leak_reference: bool,
}

#[derive(Clone, Copy)]
enum Handler {
    SyncCenter,
    Mobsync,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let handler = match args.next().as_deref() {
        Some("sync-center") => Handler::SyncCenter,
        Some("mobsync") => Handler::Mobsync,
        Some(other) => return Err(format!("unknown handler kind `{other}`; {USAGE}")),
        None => return Err(USAGE.into()),
    };
    let mut clsid = None;
    let mut leak_reference = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--clsid" => clsid = Some(args.next().ok_or("--clsid needs a value")?),
            "--leak-reference" => leak_reference = true,
            other => return Err(format!("unknown argument `{other}`; {USAGE}")),
        }
    }
    let clsid = clsid.ok_or_else(|| format!("--clsid is required; {USAGE}"))?;
    Ok(Args {
        handler,
        clsid,
        leak_reference,
    })
}

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)).and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(windows)]
fn run(args: Args) -> Result<(), String> {
    let clsid = com::parse_clsid(&args.clsid)?;
    let mut trace = com::Trace::default();
    let summary = match args.handler {
        Handler::SyncCenter => sync_center::run(&mut trace, clsid, args.leak_reference),
        Handler::Mobsync => mobsync::run(&mut trace, clsid, args.leak_reference),
    }?;
    // One line for the harness's summary.
    println!(
        "summary: {} calls, {} callbacks, {} files synced",
        trace.calls, trace.callbacks, summary.files_synced
    );
    Ok(())
}

#[cfg(not(windows))]
fn run(_: Args) -> Result<(), String> {
    Err("this client runs on Windows (or Wine) only: build it for x86_64-pc-windows-gnu".into())
}
