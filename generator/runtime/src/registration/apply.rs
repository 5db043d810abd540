//! Applying a plan to a registry, all or nothing.

use super::{Data, Error, Hive, Plan};
use std::boxed::Box;
use std::string::String;
use std::vec::Vec;

/// The registry operations a plan needs. Paths are relative to `root`,
/// components separated by `\`; a value name of `None` is the default value.
///
/// There is deliberately no recursive delete: register and unregister only
/// ever remove keys they have emptied themselves, so a tree delete could only
/// take away something they did not write.
pub trait Registry {
    fn key_exists(&self, root: Hive, path: &str) -> Result<bool, Error>;
    /// Creates a key whose parent exists.
    fn create_key(&mut self, root: Hive, path: &str) -> Result<(), Error>;
    /// Deletes a key that has no values and no subkeys.
    fn delete_key(&mut self, root: Hive, path: &str) -> Result<(), Error>;
    /// Whether an existing key has neither values nor subkeys.
    fn key_is_empty(&self, root: Hive, path: &str) -> Result<bool, Error>;
    /// The value, or `None` if the key or the value does not exist.
    fn get_value(&self, root: Hive, path: &str, name: Option<&str>) -> Result<Option<Data>, Error>;
    fn set_value(
        &mut self,
        root: Hive,
        path: &str,
        name: Option<&str>,
        data: &Data,
    ) -> Result<(), Error>;
    /// Deletes a value that exists.
    fn delete_value(&mut self, root: Hive, path: &str, name: Option<&str>) -> Result<(), Error>;
}

/// One change made by the current run, recorded so it can be taken back.
enum Change {
    CreatedKey {
        root: Hive,
        path: String,
    },
    DeletedKey {
        root: Hive,
        path: String,
    },
    /// A value was set or deleted; `old` is what was there before.
    Value {
        root: Hive,
        path: String,
        name: Option<String>,
        old: Option<Data>,
    },
}

/// The changes of one run, applied through it so none goes unrecorded.
struct Journal<'r, R: Registry + ?Sized> {
    registry: &'r mut R,
    changes: Vec<Change>,
}

impl<'r, R: Registry + ?Sized> Journal<'r, R> {
    /// Runs `steps` against `registry`; if they fail, undoes every change
    /// they made before returning the error.
    fn run(
        registry: &'r mut R,
        steps: impl FnOnce(&mut Self) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut journal = Journal {
            registry,
            changes: Vec::new(),
        };
        steps(&mut journal).map_err(|cause| journal.roll_back(cause))
    }

    /// Creates `path` and each missing ancestor, one level at a time, so that
    /// every key this run creates is known and can be removed again.
    fn ensure_key(&mut self, root: Hive, path: &str) -> Result<(), Error> {
        let mut end = 0;
        for component in path.split('\\') {
            end += component.len();
            let prefix = &path[..end];
            if !self.registry.key_exists(root, prefix)? {
                self.registry.create_key(root, prefix)?;
                self.changes.push(Change::CreatedKey {
                    root,
                    path: prefix.into(),
                });
            }
            end += 1;
        }
        Ok(())
    }

    fn set_value(
        &mut self,
        root: Hive,
        path: &str,
        name: Option<&str>,
        data: &Data,
    ) -> Result<(), Error> {
        let old = self.registry.get_value(root, path, name)?;
        // Skipping equal values keeps a second register free of writes.
        if old.as_ref() != Some(data) {
            self.registry.set_value(root, path, name, data)?;
            self.changes.push(Change::Value {
                root,
                path: path.into(),
                name: name.map(Into::into),
                old,
            });
        }
        Ok(())
    }

    fn delete_value(
        &mut self,
        root: Hive,
        path: &str,
        name: Option<&str>,
        old: Data,
    ) -> Result<(), Error> {
        self.registry.delete_value(root, path, name)?;
        self.changes.push(Change::Value {
            root,
            path: path.into(),
            name: name.map(Into::into),
            old: Some(old),
        });
        Ok(())
    }

    fn delete_key(&mut self, root: Hive, path: &str) -> Result<(), Error> {
        self.registry.delete_key(root, path)?;
        self.changes.push(Change::DeletedKey {
            root,
            path: path.into(),
        });
        Ok(())
    }

    /// Takes back every recorded change, newest first. It keeps going after a
    /// failure so as much as possible is restored, and reports the first one.
    fn roll_back(self, cause: Error) -> Error {
        let mut first_failure = None;
        for change in self.changes.into_iter().rev() {
            let undone = match &change {
                Change::CreatedKey { root, path } => self.registry.delete_key(*root, path),
                Change::DeletedKey { root, path } => self.registry.create_key(*root, path),
                Change::Value {
                    root,
                    path,
                    name,
                    old: Some(old),
                } => self.registry.set_value(*root, path, name.as_deref(), old),
                Change::Value {
                    root,
                    path,
                    name,
                    old: None,
                } => self.registry.delete_value(*root, path, name.as_deref()),
            };
            if let Err(error) = undone {
                first_failure.get_or_insert(error);
            }
        }
        match first_failure {
            None => cause,
            Some(rollback) => Error::RollbackFailed {
                cause: Box::new(cause),
                rollback: Box::new(rollback),
            },
        }
    }
}

impl Plan {
    /// Writes the plan. Running it again changes nothing. If any operation
    /// fails, every change this run made is undone (keys it created deleted,
    /// values it overwrote restored) before the error is returned.
    pub fn register<R: Registry + ?Sized>(&self, registry: &mut R) -> Result<(), Error> {
        Journal::run(registry, |journal| self.write(journal))
    }

    /// Removes what [`Plan::register`] wrote and nothing else:
    /// - every value the plan names is deleted from the plan's owned keys;
    ///   in shared keys only if it still holds the data the plan wrote
    ///   (otherwise someone else has taken it over);
    /// - an owned key is deleted once it is empty. If someone added a value or
    ///   subkey inside it, the key stays with just their additions: deleting
    ///   it would destroy data the plan never wrote, and leaving it costs
    ///   nothing since the plan's own values (the ones COM reads) are gone;
    /// - shared keys, and the keys above the plan's keys, are deleted when
    ///   they are left empty, so that unregistering from a registry that
    ///   lacked them leaves it as it was: an empty key holds nothing another
    ///   program could rely on (`RegCreateKeyEx` makes it again). One still
    ///   holding something stays, and so does each hive's top-level key
    ///   (`Software`).
    ///
    /// Keys and values already gone are skipped, so running it again changes
    /// nothing. A failure undoes this run's deletions, as for register.
    pub fn unregister<R: Registry + ?Sized>(&self, registry: &mut R) -> Result<(), Error> {
        Journal::run(registry, |journal| self.erase(journal))
    }

    fn write<R: Registry + ?Sized>(&self, journal: &mut Journal<'_, R>) -> Result<(), Error> {
        for entry in &self.entries {
            journal.ensure_key(entry.root, &entry.path)?;
            for value in &entry.values {
                journal.set_value(entry.root, &entry.path, value.name.as_deref(), &value.data)?;
            }
        }
        Ok(())
    }

    fn erase<R: Registry + ?Sized>(&self, journal: &mut Journal<'_, R>) -> Result<(), Error> {
        // Children come after their parents in a plan: walk backwards.
        for entry in self.entries.iter().rev() {
            let (root, path) = (entry.root, entry.path.as_str());
            if !journal.registry.key_exists(root, path)? {
                continue;
            }
            for value in &entry.values {
                let name = value.name.as_deref();
                match journal.registry.get_value(root, path, name)? {
                    Some(current) if entry.owned || current == value.data => {
                        journal.delete_value(root, path, name, current)?
                    }
                    _ => {}
                }
            }
            if entry.owned && journal.registry.key_is_empty(root, path)? {
                journal.delete_key(root, path)?;
            }
        }
        // Deepest first, so a parent is looked at once its children are gone.
        let mut emptied: Vec<(usize, Hive, &str)> = self
            .entries
            .iter()
            .flat_map(|entry| {
                let path = entry.path.as_str();
                path.match_indices('\\')
                    .map(|(end, _)| &path[..end])
                    .chain([path])
                    .map(move |key| (key.matches('\\').count(), entry.root, key))
            })
            .filter(|&(depth, _, _)| depth > 0)
            .collect();
        emptied.sort_unstable_by(|a, b| b.cmp(a));
        emptied.dedup();
        for (_, root, path) in emptied {
            if journal.registry.key_exists(root, path)?
                && journal.registry.key_is_empty(root, path)?
            {
                journal.delete_key(root, path)?;
            }
        }
        Ok(())
    }
}
