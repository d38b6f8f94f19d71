//! Standard output for the tables. A reader that stops early (`ontschot run ... | head`) is
//! not an error: what is left to print is dropped, files asked for are still written, and the
//! command ends as it would have. Any other failure to write (a full disk) is reported once and
//! makes the command fail.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Standard output is closed or failed: nothing more is written to it.
static GONE: AtomicBool = AtomicBool::new(false);
/// Writing failed for another reason than a reader that stopped.
static FAILED: AtomicBool = AtomicBool::new(false);

/// Writes `args` to standard output, unless it is gone.
pub(crate) fn write(args: std::fmt::Arguments<'_>) {
    if GONE.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args) {
        GONE.store(true, Ordering::Relaxed);
        if e.kind() != ErrorKind::BrokenPipe {
            FAILED.store(true, Ordering::Relaxed);
            eprintln!("error: writing to standard output: {e}");
        }
    }
}

/// True when something could not be written for another reason than a reader that stopped.
pub(crate) fn failed() -> bool {
    FAILED.load(Ordering::Relaxed)
}

/// `print!` to standard output, quiet when the reader has gone.
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::write(format_args!($($arg)*)) };
}

/// `println!` to standard output, quiet when the reader has gone.
macro_rules! outln {
    () => { $crate::output::write(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::write(format_args!("{}\n", format_args!($($arg)*))) };
}

pub(crate) use {out, outln};
