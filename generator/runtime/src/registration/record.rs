//! Registration records: what a DLL registers, as text the DLL carries.
//!
//! A built DLL is code `comidl reg` cannot run (it is Windows code, and
//! `comidl reg` may run anywhere), so the registration travels as data:
//! `#[derive(ComObject)]` writes each class's record as a string literal,
//! `dll_exports!` writes the server's record at compile time, and the
//! exports use them (`DllRegisterServer` reads them back with
//! [`Description::parse`]'s parser), which keeps them in the built file.
//! `comidl reg` finds them in the file's bytes ([`scan`]). A description
//! file written by hand is the same records; one parser reads both:
//!
//! ```text
//! comidl-registration/1
//! scope=user
//! classes={9A2B1C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D}
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
//! of the line, verbatim) and an `end` line. The server record has `scope`
//! and optionally `classes`, the CLSIDs it serves in order (without it:
//! every class record, in order); a class record has the keys of
//! [`CLASS_KEYS`], roles registered in the order of their lines. Between
//! and inside records, blank lines and lines starting with `#` are skipped.
//! Where a binary holds copies of a record (or records of classes its server
//! does not list), copies must agree and the unlisted are not registered.

use core::fmt;
use std::borrow::ToOwned;
use std::format;
use std::string::String;
use std::vec::Vec;
use windows_core::GUID;

use super::{Class, ClassRegistration, Icon, Role, Scope, ThreadingModel};

/// The version line is this prefix and [`VERSION`]. The two are kept apart
/// so that the parser's own constants never read as a record in a binary.
pub(crate) const PREFIX: &str = "comidl-registration/";
/// The format version this parser reads and the derive writes.
pub(crate) const VERSION: &str = "1";
pub(crate) const END: &str = "end";

/// The keys of a class record, for messages.
pub const CLASS_KEYS: &str = "clsid, description, threading, progid, version_independent_progid, sync_center_collection, sync_center_collection_icon, mobsync_handler";

/// What a DLL registers: where (if a server record says) and which classes,
/// in order.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Description {
    pub scope: Option<Scope>,
    pub classes: Vec<ClassRegistration>,
}

/// One record, as read.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Record {
    Server {
        scope: Scope,
        /// The classes served, in order, when the record lists them.
        classes: Option<Vec<GUID>>,
    },
    Class(ClassRegistration),
}

/// A record and where it was read.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Located {
    pub at: Location,
    pub record: Record,
}

/// Where a line is: in a description file, or in a record found at a byte
/// offset of a binary.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Location {
    Line(usize),
    InBinary { offset: usize, line: usize },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(line) => write!(f, "line {line}"),
            Location::InBinary { offset, line } => {
                write!(f, "line {line} of the record at byte {offset}")
            }
        }
    }
}

/// A malformed record or description: what is wrong, and where.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RecordError {
    pub at: Location,
    pub message: String,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

impl core::error::Error for RecordError {}

/// Text of a length known at compile time, written by `const fn`s: the
/// server record that `dll_exports!` makes. With `N` = 0 nothing is stored
/// and [`Text::written`] measures what would be written: the same code measures
/// and writes.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct Text<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Text<N> {
    pub const EMPTY: Self = Text {
        bytes: [0; N],
        len: 0,
    };

    pub const fn push(mut self, text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if N > 0 {
                self.bytes[self.len + i] = bytes[i];
            }
            i += 1;
        }
        self.len += bytes.len();
        self
    }

    /// `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`, upper case, as Windows writes CLSIDs.
    pub const fn guid(self, guid: &GUID) -> Self {
        let d4 = guid.data4;
        self.push("{")
            .hex(guid.data1 as u64, 8)
            .push("-")
            .hex(guid.data2 as u64, 4)
            .push("-")
            .hex(guid.data3 as u64, 4)
            .push("-")
            .hex(((d4[0] as u64) << 8) | d4[1] as u64, 4)
            .push("-")
            .hex(
                u64::from_be_bytes([0, 0, d4[2], d4[3], d4[4], d4[5], d4[6], d4[7]]),
                12,
            )
            .push("}")
    }

    const fn hex(mut self, value: u64, digits: usize) -> Self {
        const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
        let mut i = 0;
        while i < digits {
            if N > 0 {
                let nibble = (value >> (4 * (digits - 1 - i))) & 0xf;
                self.bytes[self.len + i] = DIGITS[nibble as usize];
            }
            i += 1;
        }
        self.len += digits;
        self
    }

    /// How long the text is (what `Text::<0>` measures).
    pub const fn written(&self) -> usize {
        self.len
    }

    /// The text, which fills the array exactly.
    pub const fn into_bytes(self) -> [u8; N] {
        assert!(self.len == N, "N is what Text::<0> measured");
        self.bytes
    }
}

/// Bytes a [`Text`] wrote, as the text they are.
#[doc(hidden)]
pub const fn as_text(bytes: &'static [u8]) -> &'static str {
    match core::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => panic!("Text writes whole strings"),
    }
}

/// The record of a server in `scope` serving `clsids` in order.
#[doc(hidden)]
pub const fn server_record<const N: usize>(scope: Scope, clsids: &[GUID]) -> Text<N> {
    let mut text = Text::EMPTY
        .push(PREFIX)
        .push(VERSION)
        .push("\nscope=")
        .push(scope.keyword())
        .push("\nclasses=");
    let mut i = 0;
    while i < clsids.len() {
        if i > 0 {
            text = text.push(",");
        }
        text = text.guid(&clsids[i]);
        i += 1;
    }
    text.push("\n").push(END).push("\n")
}

/// Every complete record in `bytes` (a DLL, a shared library, an rlib),
/// with its byte offset: a version line through an `end` line, all of it
/// text. Whether they are well formed is [`read`]'s business.
pub fn scan(bytes: &[u8]) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = find(&bytes[from..], PREFIX.as_bytes()).map(|at| from + at) {
        from = start + PREFIX.len();
        if let Some(len) = record_len(&bytes[start..])
            && let Ok(text) = core::str::from_utf8(&bytes[start..start + len])
        {
            found.push((start, text));
            from = start + len;
        }
    }
    found
}

/// The length of the complete record `bytes` starts with, if it does.
/// Records in binaries end their lines with `\n` alone (the derive and
/// [`server_record`] write them so).
fn record_len(bytes: &[u8]) -> Option<usize> {
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
    /// Reads a description: records one after another, lines numbered from 1.
    pub fn parse(text: &str) -> Result<Description, RecordError> {
        Description::assemble(&read(text, Location::Line)?)
    }

    /// What `records` register together: the scope of the server record
    /// (one, or copies of it) and the classes it lists, in its order.
    pub fn assemble(records: &[Located]) -> Result<Description, RecordError> {
        let mut server: Option<(&Located, Scope, &Option<Vec<GUID>>)> = None;
        let mut classes: Vec<(&Located, &ClassRegistration)> = Vec::new();
        for located in records {
            match &located.record {
                Record::Server {
                    scope,
                    classes: listed,
                } => match server {
                    Some((first, ..)) if first.record != located.record => {
                        return Err(RecordError {
                            at: located.at,
                            message: format!(
                                "a second server record (the first is at {})",
                                first.at
                            ),
                        });
                    }
                    Some(_) => {}
                    None => server = Some((located, *scope, listed)),
                },
                Record::Class(class) => {
                    let clsid = class.class.clsid;
                    match classes.iter().find(|(_, c)| c.class.clsid == clsid) {
                        Some((first, other)) if *other != class => {
                            return Err(RecordError {
                                at: located.at,
                                message: format!(
                                    "class {} is described twice, differently (first at {})",
                                    super::guid_string(&clsid),
                                    first.at
                                ),
                            });
                        }
                        Some(_) => {}
                        None => classes.push((located, class)),
                    }
                }
            }
        }
        let served = match server {
            Some((at, _, Some(listed))) => listed
                .iter()
                .map(|clsid| {
                    let found = classes.iter().find(|(_, c)| c.class.clsid == *clsid);
                    found.map(|(_, c)| (*c).clone()).ok_or_else(|| RecordError {
                        at: at.at,
                        message: format!(
                            "the server lists class {}, which has no class record",
                            super::guid_string(clsid)
                        ),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => classes.into_iter().map(|(_, c)| c.clone()).collect(),
        };
        Ok(Description {
            scope: server.map(|(_, scope, _)| scope),
            classes: served,
        })
    }
}

/// Reads the records of `text`, one after another; `place` says where its
/// line `n` (from 1) is.
pub fn read(text: &str, place: impl Fn(usize) -> Location) -> Result<Vec<Located>, RecordError> {
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line.strip_suffix('\r').unwrap_or(line)))
        .filter(|(_, line)| !skipped(line));
    let error = |line: usize, message: String| RecordError {
        at: place(line),
        message,
    };
    let mut records = Vec::new();
    while let Some((start, line)) = lines.next() {
        version_line(line).map_err(|message| error(start, message))?;
        let mut fields: Vec<Field> = Vec::new();
        loop {
            let Some((number, line)) = lines.next() else {
                return Err(error(start, format!("the record has no `{END}` line")));
            };
            if line == END {
                break;
            }
            if line.starts_with(PREFIX) {
                return Err(error(
                    number,
                    format!(
                        "a new record starts before the one of line {start} has its `{END}` line"
                    ),
                ));
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(error(
                    number,
                    format!("expected `key=value` or `{END}`, found `{line}`"),
                ));
            };
            if let Some(first) = fields.iter().find(|f| f.key == key) {
                return Err(error(
                    number,
                    format!("`{key}` is given twice (first on line {})", first.line),
                ));
            }
            fields.push(Field {
                line: number,
                key,
                value,
            });
        }
        let record = record(start, &fields).map_err(|(line, message)| error(line, message))?;
        records.push(Located {
            at: place(start),
            record,
        });
    }
    Ok(records)
}

fn skipped(line: &str) -> bool {
    line.trim().is_empty() || line.starts_with('#')
}

fn version_line(line: &str) -> Result<(), String> {
    match line.strip_prefix(PREFIX) {
        Some(VERSION) => Ok(()),
        Some(other) if other.parse::<u32>().is_ok() => Err(format!(
            "record format version {other} is not supported (this version of comidl reads {VERSION})"
        )),
        Some(_) => Err(format!("`{line}`: the version line is `{PREFIX}{VERSION}`")),
        None => Err(format!(
            "expected a record, which starts with a `{PREFIX}{VERSION}` line"
        )),
    }
}

struct Field<'t> {
    line: usize,
    key: &'t str,
    value: &'t str,
}

/// A problem on a line of a record.
type LineError = (usize, String);

impl Field<'_> {
    fn error(&self, message: String) -> LineError {
        (self.line, message)
    }
}

fn record(start: usize, fields: &[Field]) -> Result<Record, LineError> {
    if !fields.iter().any(|f| f.key == "scope") {
        return class(start, fields).map(Record::Class);
    }
    let mut scope = None;
    let mut classes = None;
    for field in fields {
        match field.key {
            "scope" => {
                let found = [Scope::User, Scope::Machine]
                    .into_iter()
                    .find(|scope| scope.keyword() == field.value);
                scope = Some(found.ok_or_else(|| {
                    field.error(format!(
                        "unknown scope `{}`: write `user` or `machine`",
                        field.value
                    ))
                })?);
            }
            "classes" => {
                let mut list: Vec<GUID> = Vec::new();
                for item in field.value.split(',') {
                    let clsid = guid(field, item)?;
                    if list.contains(&clsid) {
                        return Err(field.error(format!(
                            "`classes` lists {} twice",
                            super::guid_string(&clsid)
                        )));
                    }
                    list.push(clsid);
                }
                classes = Some(list);
            }
            other => {
                return Err(field.error(format!(
                    "`{other}` in the server record, which has `scope` and `classes`: a class has a record of its own"
                )));
            }
        }
    }
    Ok(Record::Server {
        scope: scope.ok_or_else(|| (start, "the server record has no `scope`".to_owned()))?,
        classes,
    })
}

fn class(start: usize, fields: &[Field]) -> Result<ClassRegistration, LineError> {
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
            "clsid" => clsid = Some(guid(field, field.value)?),
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
                    "unknown key `{other}`; a class record has {CLASS_KEYS}, the server record scope and classes"
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
    let missing = |key: &str| {
        (
            start,
            format!(
                "the record has no `{key}`: a class record needs `clsid` and `description`, a server record `scope`"
            ),
        )
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
fn guid(field: &Field, text: &str) -> Result<GUID, LineError> {
    let inner = text
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .unwrap_or(text);
    GUID::try_from(inner).map_err(|_| {
        field.error(format!(
            "`{text}` is not a GUID: write 32 hexadecimal digits grouped 8-4-4-4-12, as {{9A2B1C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D}}"
        ))
    })
}

fn threading(field: &Field) -> Result<ThreadingModel, LineError> {
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

    const A: GUID = GUID::from_u128(0x0a1b2c3d_4e5f_4a6b_8c9d_0e1f2a3b4c5d);
    const B: GUID = GUID::from_u128(0xfedcba98_7654_4321_a0b1_c2d3e4f5a6b7);
    const CLASS_A: &str =
        "comidl-registration/1\nclsid={0A1B2C3D-4E5F-4A6B-8C9D-0E1F2A3B4C5D}\ndescription=a\nend\n";
    const CLASS_B: &str =
        "comidl-registration/1\nclsid={FEDCBA98-7654-4321-A0B1-C2D3E4F5A6B7}\ndescription=b\nend\n";

    fn class(clsid: GUID, description: &str) -> ClassRegistration {
        ClassRegistration {
            class: Class {
                clsid,
                description: description.into(),
                threading_model: ThreadingModel::Both,
                progid: None,
                version_independent_progid: None,
            },
            roles: vec![],
        }
    }

    fn server_text(scope: Scope, clsids: &[GUID]) -> String {
        let len = server_record::<0>(scope, clsids).written();
        // A buffer longer than needed, as `into_bytes` would refuse it.
        let written = server_record::<256>(scope, clsids);
        String::from_utf8(written.bytes[..len].to_vec()).unwrap()
    }

    #[test]
    fn server_records_read_back_as_written() {
        assert_eq!(
            server_text(Scope::User, &[A, B]),
            "comidl-registration/1\nscope=user\nclasses={0A1B2C3D-4E5F-4A6B-8C9D-0E1F2A3B4C5D},{FEDCBA98-7654-4321-A0B1-C2D3E4F5A6B7}\nend\n"
        );
        for (scope, clsids) in [(Scope::User, vec![A, B]), (Scope::Machine, vec![B])] {
            let records = read(&server_text(scope, &clsids), Location::Line).unwrap();
            assert_eq!(
                records,
                [Located {
                    at: Location::Line(1),
                    record: Record::Server {
                        scope,
                        classes: Some(clsids),
                    },
                }]
            );
        }
    }

    #[test]
    fn a_measured_text_fills_its_array() {
        const LEN: usize = Text::<0>::EMPTY.push("ab").guid(&A).written();
        const BYTES: [u8; LEN] = Text::<LEN>::EMPTY.push("ab").guid(&A).into_bytes();
        assert_eq!(as_text(&BYTES), "ab{0A1B2C3D-4E5F-4A6B-8C9D-0E1F2A3B4C5D}");
        assert_eq!(&as_text(&BYTES)[2..], super::super::guid_string(&A));
    }

    #[test]
    fn a_hand_written_description_with_comments_and_crlf() {
        let text = "# Contoso\r\n\r\ncomidl-registration/1\r\nscope=machine\r\nend\r\n\
            comidl-registration/1\r\n# the collection\r\nclsid=0a1b2c3d-4e5f-4a6b-8c9d-0e1f2a3b4c5d\r\n\
            sync_center_collection_icon=%SystemRoot%\\x.dll,-3\r\ndescription= spaced = kept \r\n\
            mobsync_handler=Old\r\nsync_center_collection=New\r\nend\r\n";
        let description = Description::parse(text).unwrap();
        assert_eq!(description.scope, Some(Scope::Machine));
        let mut expected = class(A, " spaced = kept ");
        expected.roles = vec![
            Role::MobsyncHandler {
                description: "Old".into(),
            },
            Role::SyncCenterHandlerCollection {
                description: "New".into(),
                icon: Some(Icon::Location("%SystemRoot%\\x.dll,-3".into())),
            },
        ];
        assert_eq!(description.classes, [expected]);
    }

    #[test]
    fn the_server_list_picks_and_orders_the_classes() {
        let listed = format!(
            "{CLASS_A}{CLASS_B}{CLASS_A}{}",
            server_text(Scope::User, &[B])
        );
        let description = Description::parse(&listed).unwrap();
        assert_eq!(description.scope, Some(Scope::User));
        assert_eq!(description.classes, [class(B, "b")]);
        // Without a list: every class, in order; without a server: no scope.
        let description = Description::parse(&format!("{CLASS_B}{CLASS_A}")).unwrap();
        assert_eq!(description.scope, None);
        assert_eq!(description.classes, [class(B, "b"), class(A, "a")]);
    }

    #[test]
    fn every_malformed_record_names_its_line() {
        let open = CLASS_A.strip_suffix("end\n").unwrap();
        let orphan_icon = format!("{open}sync_center_collection_icon=1\nend\n");
        let orphan_independent = format!("{open}version_independent_progid=A.B\nend\n");
        let changed = format!("{CLASS_A}\n{}", CLASS_A.replace("=a", "=c"));
        let unlisted = format!("{CLASS_A}{}", server_text(Scope::User, &[A, B]));
        let servers = format!(
            "{}{}",
            server_text(Scope::User, &[A]),
            server_text(Scope::Machine, &[A])
        );
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
                "comidl-registration/1\nclasses={}\nscope=user\nend\n",
                2,
                "`{}` is not a GUID: write 32 hexadecimal digits grouped 8-4-4-4-12, as {9A2B1C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D}",
            ),
            (
                "comidl-registration/1\nscope=user\nclasses=0A1B2C3D-4E5F-4A6B-8C9D-0E1F2A3B4C5D,{0a1b2c3d-4e5f-4a6b-8c9d-0e1f2a3b4c5d}\nend\n",
                3,
                "`classes` lists {0A1B2C3D-4E5F-4A6B-8C9D-0E1F2A3B4C5D} twice",
            ),
            (
                "comidl-registration/1\nscope=user\nclsid={}\nend\n",
                3,
                "`clsid` in the server record, which has `scope` and `classes`: a class has a record of its own",
            ),
            (
                servers.as_str(),
                5,
                "a second server record (the first is at line 1)",
            ),
            (
                unlisted.as_str(),
                5,
                "the server lists class {FEDCBA98-7654-4321-A0B1-C2D3E4F5A6B7}, which has no class record",
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
                "unknown key `icon`; a class record has clsid, description, threading, progid, version_independent_progid, sync_center_collection, sync_center_collection_icon, mobsync_handler, the server record scope and classes",
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
                changed.as_str(),
                6,
                "class {0A1B2C3D-4E5F-4A6B-8C9D-0E1F2A3B4C5D} is described twice, differently (first at line 1)",
            ),
        ] {
            let error = Description::parse(text).unwrap_err();
            assert_eq!(error.at, Location::Line(line), "{text}");
            assert_eq!(error.message, message, "{text}");
        }
    }

    #[test]
    fn identical_copies_are_one_record() {
        let copies = format!("{CLASS_A}{CLASS_A}");
        assert_eq!(
            Description::parse(&copies).unwrap().classes,
            [class(A, "a")]
        );
    }

    #[test]
    fn scan_finds_each_complete_record_in_bytes() {
        let mut bytes = b"\x00\x01comidl-registration/\x00".to_vec();
        let first = bytes.len();
        bytes.extend_from_slice(CLASS_A.as_bytes());
        let second = bytes.len();
        bytes.extend_from_slice(CLASS_B.as_bytes());
        bytes.extend_from_slice(b"text\x00comidl-registration/1\nscope=user\x00end\n");
        let third = bytes.len();
        bytes.extend_from_slice(CLASS_A.as_bytes());
        assert_eq!(
            scan(&bytes),
            [(first, CLASS_A), (second, CLASS_B), (third, CLASS_A)]
        );
        assert!(scan(b"no records here").is_empty());
    }
}
