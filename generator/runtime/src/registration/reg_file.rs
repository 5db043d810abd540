//! Rendering a plan as a `.reg` file for regedit.
//!
//! Choices: lines end in CRLF as regedit writes them; `hex(2):` data is kept
//! on one line rather than wrapped at regedit's width (regedit imports both,
//! and one line per value keeps golden files and diffs simple).

use super::{Data, KeyEntry, Plan, Value};
use core::fmt::Write;
use std::string::String;
use std::vec::Vec;

const HEADER: &str = "Windows Registry Editor Version 5.00\r\n";

impl Plan {
    /// The plan as a `.reg` file that, imported, registers it. Shared keys
    /// appear as sections too: importing creates them if missing.
    pub fn to_reg_file(&self) -> String {
        let mut out = String::from(HEADER);
        for entry in &self.entries {
            section(&mut out, entry, "");
            for value in &entry.values {
                value_name(&mut out, value);
                out.push('=');
                match &value.data {
                    Data::Sz(text) => quoted(&mut out, text),
                    Data::ExpandSz(text) => expand_sz(&mut out, text),
                    Data::Dword(number) => {
                        let _ = write!(out, "dword:{number:08x}");
                    }
                }
                out.push_str("\r\n");
            }
        }
        out
    }

    /// A `.reg` file that, imported, unregisters the plan: owned keys are
    /// deleted (`[-...]`, the outermost one of each tree only) and values the
    /// plan writes into shared keys are deleted (`"Name"=-`).
    ///
    /// A `.reg` file cannot say "delete if empty" or "delete if unchanged", so
    /// unlike [`Plan::unregister`] it also removes whatever others added inside
    /// owned keys, and shared values whatever they hold by then.
    pub fn to_unregister_reg_file(&self) -> String {
        let mut out = String::from(HEADER);
        for entry in &self.entries {
            if entry.owned {
                if !self.inside_owned_key(entry) {
                    section(&mut out, entry, "-");
                }
            } else if !entry.values.is_empty() {
                section(&mut out, entry, "");
                for value in &entry.values {
                    value_name(&mut out, value);
                    out.push_str("=-\r\n");
                }
            }
        }
        out
    }

    /// Whether deleting another owned key's tree already deletes `entry`.
    fn inside_owned_key(&self, entry: &KeyEntry) -> bool {
        self.entries.iter().any(|other| {
            other.owned
                && other.root == entry.root
                && entry.path.len() > other.path.len()
                && entry.path.as_bytes()[other.path.len()] == b'\\'
                && entry.path[..other.path.len()].eq_ignore_ascii_case(&other.path)
        })
    }
}

/// The file as regedit writes it: UTF-16LE with a byte-order mark, which is
/// what "Version 5.00" files are read as whatever the system code page.
pub fn reg_file_bytes(text: &str) -> Vec<u8> {
    let mut bytes = Vec::from([0xFF, 0xFE]);
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

fn section(out: &mut String, entry: &KeyEntry, sign: &str) {
    let _ = write!(out, "\r\n[{sign}{}\\{}]\r\n", entry.root.name(), entry.path);
}

fn value_name(out: &mut String, value: &Value) {
    match &value.name {
        Some(name) => quoted(out, name),
        None => out.push('@'),
    }
}

/// `"..."` with `\` and `"` escaped by a backslash, the only escapes regedit knows.
fn quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        if matches!(c, '\\' | '"') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// REG_EXPAND_SZ has no quoted form: regedit writes its UTF-16LE bytes,
/// terminating NUL included.
fn expand_sz(out: &mut String, text: &str) {
    out.push_str("hex(2):");
    let units = text.encode_utf16().chain([0]);
    for (i, byte) in units.flat_map(u16::to_le_bytes).enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{byte:02x}");
    }
}
