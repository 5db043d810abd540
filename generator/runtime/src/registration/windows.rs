//! The real registry, through the `windows-registry` crate.

use super::{Data, Error, Hive, Registry};
use std::format;
use std::string::ToString;
use windows_core::HRESULT;
use windows_registry::{CURRENT_USER, Key, LOCAL_MACHINE, Type};

/// The Windows registry of the current process (its user, its elevation).
#[derive(Clone, Copy, Debug, Default)]
pub struct WindowsRegistry;

const ERROR_FILE_NOT_FOUND: u32 = 2;

fn root_key(root: Hive) -> &'static Key {
    match root {
        Hive::CurrentUser => CURRENT_USER,
        Hive::LocalMachine => LOCAL_MACHINE,
    }
}

fn not_found(error: &windows_core::Error) -> bool {
    error.code() == HRESULT::from_win32(ERROR_FILE_NOT_FOUND)
}

fn failed(
    operation: &'static str,
    root: Hive,
    path: &str,
) -> impl FnOnce(windows_core::Error) -> Error {
    move |error| Error::Registry {
        operation,
        root,
        path: path.to_string(),
        detail: error.message().to_string(),
    }
}

fn open(operation: &'static str, root: Hive, path: &str, write: bool) -> Result<Key, Error> {
    let mut options = root_key(root).options();
    options.read();
    if write {
        options.write();
    }
    options.open(path).map_err(failed(operation, root, path))
}

impl Registry for WindowsRegistry {
    fn key_exists(&self, root: Hive, path: &str) -> Result<bool, Error> {
        match root_key(root).open(path) {
            Ok(_) => Ok(true),
            Err(error) if not_found(&error) => Ok(false),
            Err(error) => Err(failed("open", root, path)(error)),
        }
    }

    fn create_key(&mut self, root: Hive, path: &str) -> Result<(), Error> {
        root_key(root)
            .create(path)
            .map(drop)
            .map_err(failed("create", root, path))
    }

    fn delete_key(&mut self, root: Hive, path: &str) -> Result<(), Error> {
        // Checked first: RegDeleteTreeW would take subkeys along.
        if !self.key_is_empty(root, path)? {
            return Err(Error::Registry {
                operation: "delete",
                root,
                path: path.to_string(),
                detail: "key is not empty".to_string(),
            });
        }
        root_key(root)
            .remove_tree(path)
            .map_err(failed("delete", root, path))
    }

    fn key_is_empty(&self, root: Hive, path: &str) -> Result<bool, Error> {
        let key = open("inspect", root, path, false)?;
        let no_subkeys = key
            .keys()
            .map_err(failed("inspect", root, path))?
            .next()
            .is_none();
        Ok(no_subkeys
            && key
                .values()
                .map_err(failed("inspect", root, path))?
                .next()
                .is_none())
    }

    fn get_value(&self, root: Hive, path: &str, name: Option<&str>) -> Result<Option<Data>, Error> {
        const OP: &str = "read";
        let key = match root_key(root).open(path) {
            Ok(key) => key,
            Err(error) if not_found(&error) => return Ok(None),
            Err(error) => return Err(failed(OP, root, path)(error)),
        };
        let name = name.unwrap_or("");
        let kind = match key.get_type(name) {
            Ok(kind) => kind,
            Err(error) if not_found(&error) => return Ok(None),
            Err(error) => return Err(failed(OP, root, path)(error)),
        };
        let data = match kind {
            Type::String => Data::Sz(key.get_string(name).map_err(failed(OP, root, path))?),
            Type::ExpandString => {
                Data::ExpandSz(key.get_string(name).map_err(failed(OP, root, path))?)
            }
            Type::U32 => Data::Dword(key.get_u32(name).map_err(failed(OP, root, path))?),
            // Overwriting a value of another type could not be undone.
            other => {
                return Err(Error::Registry {
                    operation: OP,
                    root,
                    path: path.to_string(),
                    detail: format!(
                        "value {name:?} has type {other:?}, which registration does not handle"
                    ),
                });
            }
        };
        Ok(Some(data))
    }

    fn set_value(
        &mut self,
        root: Hive,
        path: &str,
        name: Option<&str>,
        data: &Data,
    ) -> Result<(), Error> {
        const OP: &str = "write";
        let key = open(OP, root, path, true)?;
        let name = name.unwrap_or("");
        match data {
            Data::Sz(text) => key.set_string(name, text),
            Data::ExpandSz(text) => key.set_expand_string(name, text),
            Data::Dword(number) => key.set_u32(name, *number),
        }
        .map_err(failed(OP, root, path))
    }

    fn delete_value(&mut self, root: Hive, path: &str, name: Option<&str>) -> Result<(), Error> {
        const OP: &str = "delete value";
        let key = open(OP, root, path, true)?;
        key.remove_value(name.unwrap_or(""))
            .map_err(failed(OP, root, path))
    }
}
