//! Registration records: what a DLL registers, as text the DLL carries.
//!
//! A built DLL is code `comidl reg` cannot run (it is Windows code, and
//! `comidl reg` may run anywhere), so `#[derive(ComObject)]` writes each
//! class's registration as a record, `dll_exports!` lays the server's record
//! and its classes' records end to end in one string the exports use (see
//! [`Server::new`](crate::server::Server::new)), and
//! `comidl reg` finds that string in the file's bytes ([`scan`]). A
//! description file written by hand is the same text; one parser
//! ([`Description::parse`]) reads both:
//!
//! ```text
//! comidl-registration/1
//! scope=user
//! end
//! comidl-registration/1
//! clsid={9A2B1C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D}
//! threading=Both
//! description=Folder sync handler
//! sync_center_collection=Folder sync
//! sync_center_collection_icon=-101
//! end
//! ```
//!
//! Each record is a version line, `key=value` lines (the value is the rest
//! of the line, verbatim) and an `end` line. The server record holds
//! `scope` alone; a class record the keys of [`CLASS_KEYS`]. Roles are
//! registered in the order of their lines. Between and inside records, blank
//! lines and lines starting with `#` are skipped.

use core::fmt;
use std::borrow::ToOwned;
use std::format;
use std::string::String;
use std::vec::Vec;
use windows_core::GUID;

use super::{Class, ClassRegistration, Icon, Role, Scope, ThreadingModel};

/// The version line is this prefix and [`VERSION`]. The two are kept apart
/// so that the parser's own constants never read as a record in a binary.
const PREFIX: &str = "comidl-registration/";
/// The format version this parser reads and the derive writes.
pub const VERSION: u32 = 1;
const END: &str = "end";

/// The keys of a class record, for messages.
pub const CLASS_KEYS: &str = "clsid, description, threading, progid, version_independent_progid, sync_center_collection, sync_center_collection_icon, mobsync_handler";

/// What a DLL registers: where (its server record, if it has one) and which
/// classes, in order.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Description {
    pub scope: Option<Scope>,
    pub classes: Vec<ClassRegistration>,
}

/// A malformed record: what is wrong, on which line of the text (from 1).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RecordError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl core::error::Error for RecordError {}

/// The server record of `dll_exports!`. Written out whole because a `const`
/// context cannot format.
pub const fn server_record(scope: Scope) -> &'static str {
    match scope {
        Scope::User => "comidl-registration/1\nscope=user\nend\n",
        Scope::Machine => "comidl-registration/1\nscope=machine\nend\n",
    }
}

/// Every run of records end to end in `bytes` (a DLL, a shared library, an
/// rlib), with its byte offset. Only complete records count: a version line
/// through an `end` line, all of it text; whether they are well formed is
/// [`Description::parse`]'s business.
pub fn scan(bytes: &[u8]) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = find(&bytes[from..], PREFIX.as_bytes()).map(|at| from + at) {
        let mut end = start;
        while let Some(len) = record_len(&bytes[end..]) {
            end += len;
        }
        if end == start {
            from = start + PREFIX.len();
            continue;
        }
        if let Ok(text) = core::str::from_utf8(&bytes[start..end]) {
            found.push((start, text));
        }
        from = end;
    }
    found
}

/// The length of the complete record `bytes` starts with, if it does.
/// Records in binaries end their lines with `\n` alone (the derive and
/// [`server_record`] write them so).
fn record_len(bytes: &[u8]) -> Option<usize> {
    if !bytes.starts_with(PREFIX.as_bytes()) {
        return None;
    }
    let text = bytes
        .iter()
        .position(|&b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f)
        .map_or(bytes, |len| &bytes[..len]);
    let terminator = format!("\n{END}\n");
    find(text, terminator.as_bytes()).map(|at| at + terminator.len())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

impl Description {
    /// Reads records one after another: at most one server record, and
    /// class records (each CLSID once).
    pub fn parse(text: &str) -> Result<Description, RecordError> {
        let mut lines = text
            .split('\n')
            .enumerate()
            .map(|(i, line)| (i + 1, line.strip_suffix('\r').unwrap_or(line)))
            .filter(|(_, line)| !skipped(line));
        let mut description = Description {
            scope: None,
            classes: Vec::new(),
        };
        let mut server_at = None;
        let mut class_at: Vec<usize> = Vec::new();
        while let Some((start, line)) = lines.next() {
            version_line(line).map_err(|message| RecordError {
                line: start,
                message,
            })?;
            let mut fields: Vec<Field> = Vec::new();
            loop {
                let Some((number, line)) = lines.next() else {
                    return Err(RecordError {
                        line: start,
                        message: format!("the record has no `{END}` line"),
                    });
                };
                if line == END {
                    break;
                }
                if line.starts_with(PREFIX) {
                    return Err(RecordError {
                        line: number,
                        message: format!(
                            "a new record starts before the one of line {start} has its `{END}` line"
                        ),
                    });
                }
                let field = Field::parse(number, line)?;
                if let Some(first) = fields.iter().find(|f| f.key == field.key) {
                    return Err(field.error(format!(
                        "`{}` is given twice (first on line {})",
                        field.key, first.line
                    )));
                }
                fields.push(field);
            }
            match record(start, &fields)? {
                Record::Server(scope) => {
                    if let Some(first) = server_at {
                        return Err(RecordError {
                            line: start,
                            message: format!(
                                "a second server record (the first is on line {first})"
                            ),
                        });
                    }
                    server_at = Some(start);
                    description.scope = Some(scope);
                }
                Record::Class(registration) => {
                    let clsid = registration.class.clsid;
                    let twice = description
                        .classes
                        .iter()
                        .zip(&class_at)
                        .find_map(|(other, &at)| (other.class.clsid == clsid).then_some(at));
                    if let Some(first) = twice {
                        return Err(RecordError {
                            line: start,
                            message: format!(
                                "class {} is described twice (first on line {first})",
                                super::guid_string(&clsid)
                            ),
                        });
                    }
                    class_at.push(start);
                    description.classes.push(registration);
                }
            }
        }
        Ok(description)
    }
}

fn skipped(line: &str) -> bool {
    line.trim().is_empty() || line.starts_with('#')
}

fn version_line(line: &str) -> Result<(), String> {
    let Some(version) = line.strip_prefix(PREFIX) else {
        return Err(format!(
            "expected a record, which starts with a `{PREFIX}{VERSION}` line"
        ));
    };
    match version.parse::<u32>() {
        Ok(VERSION) => Ok(()),
        Ok(other) => Err(format!(
            "record format version {other} is not supported (this version of comidl reads {VERSION})"
        )),
        Err(_) => Err(format!("`{line}`: the version line is `{PREFIX}{VERSION}`")),
    }
}

struct Field<'t> {
    line: usize,
    key: &'t str,
    value: &'t str,
}

impl<'t> Field<'t> {
    fn parse(line: usize, text: &'t str) -> Result<Self, RecordError> {
        match text.split_once('=') {
            Some((key, value)) => Ok(Field { line, key, value }),
            None => Err(RecordError {
                line,
                message: format!("expected `key=value` or `{END}`, found `{text}`"),
            }),
        }
    }

    fn error(&self, message: String) -> RecordError {
        RecordError {
            line: self.line,
            message,
        }
    }
}

enum Record {
    Server(Scope),
    Class(ClassRegistration),
}

fn record(start: usize, fields: &[Field]) -> Result<Record, RecordError> {
    if let Some(scope) = fields.iter().find(|f| f.key == "scope") {
        if let Some(other) = fields.iter().find(|f| f.key != "scope") {
            return Err(other.error(format!(
                "`{}` in the server record: it holds `scope` alone, classes have records of their own",
                other.key
            )));
        }
        return match scope.value {
            "user" => Ok(Record::Server(Scope::User)),
            "machine" => Ok(Record::Server(Scope::Machine)),
            other => Err(scope.error(format!(
                "unknown scope `{other}`: write `user` or `machine`"
            ))),
        };
    }
    class(start, fields).map(Record::Class)
}

fn class(start: usize, fields: &[Field]) -> Result<ClassRegistration, RecordError> {
    let mut clsid = None;
    let mut description = None;
    let mut threading_model = ThreadingModel::Both;
    let mut progid = None;
    let mut version_independent_progid: Option<&Field> = None;
    let mut roles = Vec::new();
    let mut icon: Option<&Field> = None;
    for field in fields {
        let value = || field.value.to_owned();
        match field.key {
            "clsid" => clsid = Some(guid(field)?),
            "description" => description = Some(value()),
            "threading" => threading_model = threading(field)?,
            "progid" => progid = Some(value()),
            "version_independent_progid" => version_independent_progid = Some(field),
            "sync_center_collection" => roles.push(Role::SyncCenterHandlerCollection {
                description: value(),
                icon: None,
            }),
            "sync_center_collection_icon" => icon = Some(field),
            "mobsync_handler" => roles.push(Role::MobsyncHandler {
                description: value(),
            }),
            other => {
                return Err(field.error(format!(
                    "unknown key `{other}`; a class record has {CLASS_KEYS}, the server record has scope"
                )));
            }
        }
    }
    if let Some(field) = icon {
        let Some(Role::SyncCenterHandlerCollection { icon, .. }) = roles
            .iter_mut()
            .find(|r| matches!(r, Role::SyncCenterHandlerCollection { .. }))
        else {
            return Err(field
                .error("`sync_center_collection_icon` needs `sync_center_collection`".to_owned()));
        };
        // An integer is an index into the DLL's icons; anything else a location.
        *icon = Some(match field.value.parse::<i32>() {
            Ok(index) => Icon::InModule(index),
            Err(_) => Icon::Location(field.value.to_owned()),
        });
    }
    if let Some(field) = version_independent_progid
        && progid.is_none()
    {
        return Err(field.error(
            "`version_independent_progid` needs `progid` (its CurVer key names the versioned one)"
                .to_owned(),
        ));
    }
    let missing = |key: &str| RecordError {
        line: start,
        message: format!(
            "the record has no `{key}`: a class record needs `clsid` and `description`, a server record `scope`"
        ),
    };
    Ok(ClassRegistration {
        class: Class {
            clsid: clsid.ok_or_else(|| missing("clsid"))?,
            description: description.ok_or_else(|| missing("description"))?,
            threading_model,
            progid,
            version_independent_progid: version_independent_progid.map(|f| f.value.to_owned()),
        },
        roles,
    })
}

/// `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}`, braces optional, either case.
fn guid(field: &Field) -> Result<GUID, RecordError> {
    let value = field.value;
    let inner = value
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .unwrap_or(value);
    GUID::try_from(inner).map_err(|_| {
        field.error(format!(
            "`{value}` is not a GUID: write 32 hexadecimal digits grouped 8-4-4-4-12, as {{9A2B1C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D}}"
        ))
    })
}

fn threading(field: &Field) -> Result<ThreadingModel, RecordError> {
    [
        ThreadingModel::Both,
        ThreadingModel::Apartment,
        ThreadingModel::Free,
        ThreadingModel::Neutral,
    ]
    .into_iter()
    .find(|model| model.as_str() == field.value)
    .ok_or_else(|| {
        field.error(format!(
            "unknown threading model `{}`: write Both, Apartment, Free or Neutral",
            field.value
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;

    fn error(text: &str) -> RecordError {
        Description::parse(text).unwrap_err()
    }

    #[test]
    fn server_records_parse_back_to_their_scope() {
        for scope in [Scope::User, Scope::Machine] {
            let description = Description::parse(server_record(scope)).unwrap();
            assert_eq!(description.scope, Some(scope));
            assert!(description.classes.is_empty());
        }
    }

    #[test]
    fn a_hand_written_description_with_comments_and_crlf() {
        let text = "# Contoso\r\n\r\ncomidl-registration/1\r\nscope=machine\r\nend\r\n\
            comidl-registration/1\r\n# the collection\r\nclsid=0a1b2c3d-4e5f-4a6b-8c9d-0e1f2a3b4c5d\r\n\
            sync_center_collection_icon=%SystemRoot%\\x.dll,-3\r\ndescription= spaced = kept \r\n\
            mobsync_handler=Old\r\nsync_center_collection=New\r\nend\r\n";
        let description = Description::parse(text).unwrap();
        assert_eq!(description.scope, Some(Scope::Machine));
        assert_eq!(
            description.classes,
            vec![ClassRegistration {
                class: Class {
                    clsid: GUID::from_u128(0x0a1b2c3d_4e5f_4a6b_8c9d_0e1f2a3b4c5d),
                    description: " spaced = kept ".into(),
                    threading_model: ThreadingModel::Both,
                    progid: None,
                    version_independent_progid: None,
                },
                roles: vec![
                    Role::MobsyncHandler {
                        description: "Old".into()
                    },
                    Role::SyncCenterHandlerCollection {
                        description: "New".into(),
                        icon: Some(Icon::Location("%SystemRoot%\\x.dll,-3".into())),
                    },
                ],
            }]
        );
    }

    #[test]
    fn every_malformed_record_names_its_line() {
        let class =
            "comidl-registration/1\nclsid={0A1B2C3D-4E5F-4A6B-8C9D-0E1F2A3B4C5D}\ndescription=x\n";
        let orphan_icon = format!("{class}sync_center_collection_icon=1\nend\n");
        let orphan_independent = format!("{class}version_independent_progid=A.B\nend\n");
        let twice = format!("{class}end\n\n{class}end\n");
        for (text, line, message) in [
            (
                "scope=user\n",
                1,
                "expected a record, which starts with a `comidl-registration/1` line",
            ),
            (
                "comidl-registration/2\nend\n",
                1,
                "record format version 2 is not supported (this version of comidl reads 1)",
            ),
            (
                "comidl-registration/x\nend\n",
                1,
                "`comidl-registration/x`: the version line is `comidl-registration/1`",
            ),
            (
                "comidl-registration/1\nscope=user\n",
                1,
                "the record has no `end` line",
            ),
            (
                "comidl-registration/1\nscope=user\ncomidl-registration/1\n",
                3,
                "a new record starts before the one of line 1 has its `end` line",
            ),
            (
                "comidl-registration/1\nscope user\nend\n",
                2,
                "expected `key=value` or `end`, found `scope user`",
            ),
            (
                "comidl-registration/1\nscope=user\nscope=user\nend\n",
                3,
                "`scope` is given twice (first on line 2)",
            ),
            (
                "comidl-registration/1\nscope=all\nend\n",
                2,
                "unknown scope `all`: write `user` or `machine`",
            ),
            (
                "comidl-registration/1\nscope=user\nclsid={}\nend\n",
                3,
                "`clsid` in the server record: it holds `scope` alone, classes have records of their own",
            ),
            (
                "comidl-registration/1\nscope=user\nend\ncomidl-registration/1\nscope=machine\nend\n",
                4,
                "a second server record (the first is on line 1)",
            ),
            (
                "comidl-registration/1\nend\n",
                1,
                "the record has no `clsid`: a class record needs `clsid` and `description`, a server record `scope`",
            ),
            (
                "comidl-registration/1\nclsid={0A1B2C3D-4E5F-4A6B-8C9D-0E1F2A3B4C5D}\nend\n",
                1,
                "the record has no `description`: a class record needs `clsid` and `description`, a server record `scope`",
            ),
            (
                "comidl-registration/1\nclsid=0A1B2C3D-4E5F-4A6B-8C9D\nend\n",
                2,
                "`0A1B2C3D-4E5F-4A6B-8C9D` is not a GUID: write 32 hexadecimal digits grouped 8-4-4-4-12, as {9A2B1C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D}",
            ),
            (
                "comidl-registration/1\nthreading=both\nend\n",
                2,
                "unknown threading model `both`: write Both, Apartment, Free or Neutral",
            ),
            (
                "comidl-registration/1\nicon=1\nend\n",
                2,
                "unknown key `icon`; a class record has clsid, description, threading, progid, version_independent_progid, sync_center_collection, sync_center_collection_icon, mobsync_handler, the server record has scope",
            ),
            (
                orphan_icon.as_str(),
                4,
                "`sync_center_collection_icon` needs `sync_center_collection`",
            ),
            (
                orphan_independent.as_str(),
                4,
                "`version_independent_progid` needs `progid` (its CurVer key names the versioned one)",
            ),
            (
                twice.as_str(),
                6,
                "class {0A1B2C3D-4E5F-4A6B-8C9D-0E1F2A3B4C5D} is described twice (first on line 1)",
            ),
        ] {
            let error = error(text);
            assert_eq!(
                (error.line, error.message.as_str()),
                (line, message),
                "{text}"
            );
        }
    }

    #[test]
    fn scan_finds_complete_runs_of_records_in_bytes() {
        let server = server_record(Scope::User);
        let class = "comidl-registration/1\nclsid={0A1B2C3D-4E5F-4A6B-8C9D-0E1F2A3B4C5D}\ndescription=x\nend\n";
        let mut bytes = b"\x00\x01comidl-registration/\x00".to_vec();
        let first = bytes.len();
        bytes.extend_from_slice(server.as_bytes());
        bytes.extend_from_slice(class.as_bytes());
        bytes.extend_from_slice(b"trailing text\x00comidl-registration/1\nscope=user\x00end\n");
        let second = bytes.len();
        bytes.extend_from_slice(class.as_bytes());
        let run = std::format!("{server}{class}");
        assert_eq!(scan(&bytes), vec![(first, run.as_str()), (second, class)]);
        assert!(scan(b"no records here").is_empty());
    }
}
