//! COM server registration as data.
//!
//! [`Plan::for_classes`] turns a description of the classes a DLL serves
//! (and the roles they play for Sync Center or the legacy mobsync
//! Synchronization Manager) into an ordered list of registry keys and values.
//! The plan is pure data: it can be rendered as a `.reg` file on any host
//! ([`Plan::to_reg_file`]), applied to any [`Registry`] ([`Plan::register`],
//! [`Plan::unregister`]), tried out on a [`MemoryRegistry`], and on Windows
//! applied to the real registry through `WindowsRegistry`. A DLL carries
//! its classes' registration as text, in [`record`]s.

mod apply;
mod memory;
pub mod record;
mod reg_file;
#[cfg(windows)]
mod windows;

pub use apply::Registry;
pub use memory::MemoryRegistry;
pub use reg_file::reg_file_bytes;
#[cfg(windows)]
pub use windows::WindowsRegistry;

use core::fmt;
use std::borrow::ToOwned;
use std::boxed::Box;
use std::format;
use std::string::String;
use std::vec::Vec;
use windows_core::GUID;

/// Where a plan writes: for the current user only, or for every user.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Scope {
    /// `HKEY_CURRENT_USER\Software\...`; needs no elevation.
    User,
    /// `HKEY_LOCAL_MACHINE\Software\...`; needs an elevated process.
    Machine,
}

impl Scope {
    /// The scope's name in registration records and on comidl's command line.
    pub const fn keyword(self) -> &'static str {
        match self {
            Scope::User => "user",
            Scope::Machine => "machine",
        }
    }

    fn hive(self) -> Hive {
        match self {
            Scope::User => Hive::CurrentUser,
            Scope::Machine => Hive::LocalMachine,
        }
    }
}

/// A registry root key.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Hive {
    CurrentUser,
    LocalMachine,
}

impl Hive {
    /// The root's name as regedit spells it.
    pub fn name(self) -> &'static str {
        match self {
            Hive::CurrentUser => "HKEY_CURRENT_USER",
            Hive::LocalMachine => "HKEY_LOCAL_MACHINE",
        }
    }
}

/// The `ThreadingModel` value of an in-process server.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ThreadingModel {
    Apartment,
    Free,
    Both,
    Neutral,
}

impl ThreadingModel {
    fn as_str(self) -> &'static str {
        match self {
            ThreadingModel::Apartment => "Apartment",
            ThreadingModel::Free => "Free",
            ThreadingModel::Both => "Both",
            ThreadingModel::Neutral => "Neutral",
        }
    }
}

/// A COM class served by the module.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Class {
    pub clsid: GUID,
    pub description: String,
    pub threading_model: ThreadingModel,
    /// Versioned ProgID, e.g. `Contoso.SyncHandler.1`.
    pub progid: Option<String>,
    /// Version-independent ProgID, e.g. `Contoso.SyncHandler`; needs `progid`
    /// because its `CurVer` key names the versioned one.
    pub version_independent_progid: Option<String>,
}

/// Where a Sync Center handler collection's icon comes from.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Icon {
    /// An icon in the module itself: `<module path>,<index>` (a negative
    /// index names a resource id, as `-50` names icon resource 50).
    InModule(i32),
    /// Any icon location, written as given (environment variables allowed).
    Location(String),
}

/// What a class is registered as, beyond an ordinary in-process class.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Role {
    /// A Sync Center (Vista and later) handler collection: Sync Center finds
    /// handlers only through the collections listed under `SyncMgr\HandlerCollections`.
    SyncCenterHandlerCollection {
        description: String,
        icon: Option<Icon>,
    },
    /// A handler for the Windows 2000/XP Synchronization Manager (mobsync),
    /// listed under `SyncMgr\Handlers`. That program reads the machine-wide
    /// key; a [`Scope::User`] registration of this role is written but
    /// mobsync may not look there.
    MobsyncHandler { description: String },
}

/// A class and the roles it is registered for.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ClassRegistration {
    pub class: Class,
    pub roles: Vec<Role>,
}

/// The data of a registry value.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Data {
    /// `REG_SZ`.
    Sz(String),
    /// `REG_EXPAND_SZ`: environment variables are expanded by the reader.
    ExpandSz(String),
    /// `REG_DWORD`.
    Dword(u32),
}

/// A named value; `name: None` is the key's default value (`@`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Value {
    pub name: Option<String>,
    pub data: Data,
}

/// One key of a plan and the values register writes into it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct KeyEntry {
    pub root: Hive,
    /// Path below the root, components separated by `\`.
    pub path: String,
    pub values: Vec<Value>,
    /// The key exists for this registration alone: unregister removes it once
    /// the plan's values are gone and nobody else left anything in it. A key
    /// that is not owned is shared (`CLSID`, `SyncMgr\Handlers`): register
    /// creates it if missing, unregister never deletes it.
    pub owned: bool,
}

/// An ordered list of keys; parents come before their children.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Plan {
    entries: Vec<KeyEntry>,
}

/// Why a plan could not be built or applied.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Error {
    /// The input to a plan is not something the registry or a `.reg` file can hold.
    Invalid(String),
    /// The registry refused an operation.
    Registry {
        operation: &'static str,
        root: Hive,
        path: String,
        detail: String,
    },
    /// An operation failed, and so did undoing the changes made before it:
    /// the registry is left partly changed.
    RollbackFailed {
        cause: Box<Error>,
        rollback: Box<Error>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(why) => write!(f, "invalid registration: {why}"),
            Error::Registry {
                operation,
                root,
                path,
                detail,
            } => {
                write!(f, "{operation} {}\\{path}: {detail}", root.name())
            }
            Error::RollbackFailed { cause, rollback } => {
                write!(
                    f,
                    "{cause}; undoing the earlier changes failed too: {rollback}"
                )
            }
        }
    }
}

impl core::error::Error for Error {}

const CLASSES: &str = "Software\\Classes";
const SYNCMGR: &str = "Software\\Microsoft\\Windows\\CurrentVersion\\SyncMgr";

/// `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`, upper case, as Windows writes CLSIDs.
pub fn guid_string(guid: &GUID) -> String {
    let text = record::Text::<38>::EMPTY.guid(guid).into_bytes();
    text.iter().copied().map(char::from).collect()
}

impl Plan {
    /// The keys and values that register `classes`, served by the DLL at
    /// `module_path`, in `scope`.
    pub fn for_classes(
        classes: &[ClassRegistration],
        module_path: &str,
        scope: Scope,
    ) -> Result<Plan, Error> {
        if module_path.is_empty() {
            return Err(Error::Invalid("the module path is empty".to_owned()));
        }
        let mut builder = Builder {
            root: scope.hive(),
            entries: Vec::new(),
        };
        for registration in classes {
            builder.class(&registration.class, module_path)?;
            let clsid = guid_string(&registration.class.clsid);
            for role in &registration.roles {
                match role {
                    Role::SyncCenterHandlerCollection { description, icon } => {
                        let collections = format!("{SYNCMGR}\\HandlerCollections");
                        let key = format!("{collections}\\{clsid}");
                        builder.shared(collections);
                        builder.owned(key.clone(), [default(Data::Sz(description.clone()))]);
                        if let Some(icon) = icon {
                            let location = match icon {
                                Icon::InModule(index) => format!("{module_path},{index}"),
                                Icon::Location(location) => location.clone(),
                            };
                            builder.owned(
                                format!("{key}\\DefaultIcon"),
                                [default(Data::ExpandSz(location))],
                            );
                        }
                    }
                    Role::MobsyncHandler { description } => {
                        let handlers = format!("{SYNCMGR}\\Handlers");
                        let key = format!("{handlers}\\{clsid}");
                        builder.shared(handlers);
                        builder.owned(key, [default(Data::Sz(description.clone()))]);
                    }
                }
            }
        }
        Plan::from_entries(builder.entries)
    }

    /// A plan from explicit entries, checked for what the registry and
    /// `.reg` files cannot hold.
    pub fn from_entries(entries: Vec<KeyEntry>) -> Result<Plan, Error> {
        for entry in &entries {
            check_path(&entry.path)?;
            for value in &entry.values {
                if let Some(name) = &value.name {
                    check_text("value name", name)?;
                    if name.is_empty() {
                        // The empty name is the default value; say so with `None`.
                        return Err(Error::Invalid(format!(
                            "a value under {} has an empty name",
                            entry.path
                        )));
                    }
                }
                match &value.data {
                    Data::Sz(text) | Data::ExpandSz(text) => check_text("value", text)?,
                    Data::Dword(_) => {}
                }
            }
        }
        Ok(Plan { entries })
    }

    pub fn entries(&self) -> &[KeyEntry] {
        &self.entries
    }
}

fn default(data: Data) -> Value {
    Value { name: None, data }
}

fn named(name: &str, data: Data) -> Value {
    Value {
        name: Some(name.to_owned()),
        data,
    }
}

struct Builder {
    root: Hive,
    entries: Vec<KeyEntry>,
}

impl Builder {
    fn class(&mut self, class: &Class, module_path: &str) -> Result<(), Error> {
        let clsid = guid_string(&class.clsid);
        let description = || Data::Sz(class.description.clone());
        if let Some(progid) = &class.progid {
            check_progid(progid)?;
        }
        if let Some(independent) = &class.version_independent_progid {
            check_progid(independent)?;
            if class
                .progid
                .as_deref()
                .is_none_or(|p| p.eq_ignore_ascii_case(independent))
            {
                return Err(Error::Invalid(format!(
                    "version-independent ProgID {independent} needs a different, versioned ProgID"
                )));
            }
        }

        let clsid_parent = format!("{CLASSES}\\CLSID");
        let key = format!("{clsid_parent}\\{clsid}");
        self.shared(clsid_parent);
        self.owned(key.clone(), [default(description())]);
        self.owned(
            format!("{key}\\InprocServer32"),
            [
                default(Data::ExpandSz(module_path.to_owned())),
                named(
                    "ThreadingModel",
                    Data::Sz(class.threading_model.as_str().to_owned()),
                ),
            ],
        );
        if let Some(progid) = &class.progid {
            self.owned(
                format!("{key}\\ProgID"),
                [default(Data::Sz(progid.clone()))],
            );
        }
        if let Some(independent) = &class.version_independent_progid {
            self.owned(
                format!("{key}\\VersionIndependentProgID"),
                [default(Data::Sz(independent.clone()))],
            );
        }
        if let Some(progid) = &class.progid {
            self.owned(format!("{CLASSES}\\{progid}"), [default(description())]);
            self.owned(
                format!("{CLASSES}\\{progid}\\CLSID"),
                [default(Data::Sz(clsid.clone()))],
            );
            if let Some(independent) = &class.version_independent_progid {
                self.owned(
                    format!("{CLASSES}\\{independent}"),
                    [default(description())],
                );
                self.owned(
                    format!("{CLASSES}\\{independent}\\CLSID"),
                    [default(Data::Sz(clsid.clone()))],
                );
                self.owned(
                    format!("{CLASSES}\\{independent}\\CurVer"),
                    [default(Data::Sz(progid.clone()))],
                );
            }
        }
        Ok(())
    }

    fn owned<const N: usize>(&mut self, path: String, values: [Value; N]) {
        let root = self.root;
        self.entries.push(KeyEntry {
            root,
            path,
            values: values.into(),
            owned: true,
        });
    }

    /// A shared parent, listed once however many classes need it.
    fn shared(&mut self, path: String) {
        if !self.has(&path) {
            let root = self.root;
            self.entries.push(KeyEntry {
                root,
                path,
                values: Vec::new(),
                owned: false,
            });
        }
    }

    fn has(&self, path: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.path.eq_ignore_ascii_case(path))
    }
}

/// The documented ProgID rules: at most 39 characters, letters, digits and
/// periods only, not starting with a digit.
fn check_progid(progid: &str) -> Result<(), Error> {
    let valid = !progid.is_empty()
        && progid.len() <= 39
        && progid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.')
        && !progid.starts_with(|c: char| c.is_ascii_digit());
    if valid {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "ProgID {progid:?}: at most 39 letters, digits or periods, not starting with a digit"
        )))
    }
}

fn check_path(path: &str) -> Result<(), Error> {
    check_text("key path", path)?;
    // `]` would end a `.reg` section header early.
    if path.split('\\').any(str::is_empty) || path.contains(']') {
        return Err(Error::Invalid(format!(
            "key path {path:?} has an empty component or a `]`"
        )));
    }
    Ok(())
}

/// Registry readers stop at NUL, and a `.reg` file cannot quote line breaks:
/// control characters are refused rather than silently mangled.
fn check_text(what: &str, text: &str) -> Result<(), Error> {
    if text.chars().any(char::is_control) {
        return Err(Error::Invalid(format!(
            "{what} {text:?} contains a control character"
        )));
    }
    Ok(())
}
