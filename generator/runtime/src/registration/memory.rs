//! A registry held in memory, for tests and dry runs.

use super::{Data, Error, Hive, Registry};
use core::cell::Cell;
use core::fmt::Write;
use std::collections::BTreeMap;
use std::format;
use std::string::{String, ToString};

/// An in-memory [`Registry`]. Like the Windows registry it compares key paths
/// and value names without regard to (ASCII) case and keeps the spelling they
/// were created with. It can be told to fail one chosen operation, to test
/// what happens when the real registry refuses something half-way.
#[derive(Clone, Debug, Default)]
pub struct MemoryRegistry {
    /// Keyed by root and case-folded path.
    keys: BTreeMap<(Hive, String), Key>,
    /// Operations (reads included) performed so far.
    operations: Cell<usize>,
    fail_at: Option<usize>,
}

#[derive(Clone, Debug)]
struct Key {
    path: String,
    /// Keyed by case-folded name, `""` for the default value.
    values: BTreeMap<String, (Option<String>, Data)>,
}

fn fold(text: &str) -> String {
    text.to_ascii_lowercase()
}

impl MemoryRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many operations have been performed so far.
    pub fn operations(&self) -> usize {
        self.operations.get()
    }

    /// Makes the operation with this index (counting from the first ever,
    /// see [`MemoryRegistry::operations`]) fail; later ones succeed again so
    /// that a rollback can run.
    pub fn fail_operation(&mut self, index: usize) {
        self.fail_at = Some(index);
    }

    /// Every key and value, one per line, in a stable order: two registries
    /// with the same contents (spelling included) have the same snapshot.
    pub fn snapshot(&self) -> String {
        let mut out = String::new();
        for ((root, _), key) in &self.keys {
            let _ = writeln!(out, "{}\\{}", root.name(), key.path);
            for (name, data) in key.values.values() {
                let name = name.as_deref().unwrap_or("@");
                let _ = writeln!(out, "    {name} = {data:?}");
            }
        }
        out
    }

    /// Counts an operation and fails it if it is the chosen one.
    fn operation(&self, operation: &'static str, root: Hive, path: &str) -> Result<(), Error> {
        let index = self.operations.get();
        self.operations.set(index + 1);
        if self.fail_at == Some(index) {
            return Err(failure(
                operation,
                root,
                path,
                format!("injected failure at operation {index}"),
            ));
        }
        Ok(())
    }

    fn key(&self, operation: &'static str, root: Hive, path: &str) -> Result<&Key, Error> {
        self.keys
            .get(&(root, fold(path)))
            .ok_or_else(|| failure(operation, root, path, "no such key".to_string()))
    }

    fn has_subkeys(&self, root: Hive, path: &str) -> bool {
        let prefix = format!("{}\\", fold(path));
        self.keys
            .range((root, prefix.clone())..)
            .next()
            .is_some_and(|((r, p), _)| *r == root && p.starts_with(&prefix))
    }
}

fn failure(operation: &'static str, root: Hive, path: &str, detail: String) -> Error {
    Error::Registry {
        operation,
        root,
        path: path.to_string(),
        detail,
    }
}

impl Registry for MemoryRegistry {
    fn key_exists(&self, root: Hive, path: &str) -> Result<bool, Error> {
        self.operation("open", root, path)?;
        Ok(self.keys.contains_key(&(root, fold(path))))
    }

    fn create_key(&mut self, root: Hive, path: &str) -> Result<(), Error> {
        const OP: &str = "create";
        self.operation(OP, root, path)?;
        if path.split('\\').any(str::is_empty) {
            return Err(failure(OP, root, path, "empty path component".to_string()));
        }
        if let Some((parent, _)) = path.rsplit_once('\\') {
            self.key(OP, root, parent)?;
        }
        let folded = fold(path);
        if self.keys.contains_key(&(root, folded.clone())) {
            return Err(failure(OP, root, path, "key exists".to_string()));
        }
        self.keys.insert(
            (root, folded),
            Key {
                path: path.to_string(),
                values: BTreeMap::new(),
            },
        );
        Ok(())
    }

    fn delete_key(&mut self, root: Hive, path: &str) -> Result<(), Error> {
        const OP: &str = "delete";
        self.operation(OP, root, path)?;
        if !self.key(OP, root, path)?.values.is_empty() || self.has_subkeys(root, path) {
            return Err(failure(OP, root, path, "key is not empty".to_string()));
        }
        self.keys.remove(&(root, fold(path)));
        Ok(())
    }

    fn key_is_empty(&self, root: Hive, path: &str) -> Result<bool, Error> {
        const OP: &str = "inspect";
        self.operation(OP, root, path)?;
        Ok(self.key(OP, root, path)?.values.is_empty() && !self.has_subkeys(root, path))
    }

    fn get_value(&self, root: Hive, path: &str, name: Option<&str>) -> Result<Option<Data>, Error> {
        self.operation("read", root, path)?;
        let Some(key) = self.keys.get(&(root, fold(path))) else {
            return Ok(None);
        };
        Ok(key
            .values
            .get(&fold(name.unwrap_or("")))
            .map(|(_, data)| data.clone()))
    }

    fn set_value(
        &mut self,
        root: Hive,
        path: &str,
        name: Option<&str>,
        data: &Data,
    ) -> Result<(), Error> {
        const OP: &str = "write";
        self.operation(OP, root, path)?;
        let key = self
            .keys
            .get_mut(&(root, fold(path)))
            .ok_or_else(|| failure(OP, root, path, "no such key".to_string()))?;
        let folded = fold(name.unwrap_or(""));
        // Like Windows, overwriting keeps the name's first spelling.
        let spelling = key
            .values
            .get(&folded)
            .map_or(name.map(str::to_string), |(n, _)| n.clone());
        key.values.insert(folded, (spelling, data.clone()));
        Ok(())
    }

    fn delete_value(&mut self, root: Hive, path: &str, name: Option<&str>) -> Result<(), Error> {
        const OP: &str = "delete value";
        self.operation(OP, root, path)?;
        let key = self
            .keys
            .get_mut(&(root, fold(path)))
            .ok_or_else(|| failure(OP, root, path, "no such key".to_string()))?;
        key.values
            .remove(&fold(name.unwrap_or("")))
            .map(drop)
            .ok_or_else(|| {
                failure(
                    OP,
                    root,
                    path,
                    format!("no value {:?}", name.unwrap_or("@")),
                )
            })
    }
}
