//! The state of a COM enumerator (`IEnumXxx`): a shared list and a
//! position, safe to use from several threads.

use std::sync::{Arc, Mutex, PoisonError};

pub struct Cursor<T> {
    items: Arc<[T]>,
    position: Mutex<usize>,
}

impl<T: Clone> Cursor<T> {
    pub fn new(items: impl Into<Arc<[T]>>) -> Self {
        Self {
            items: items.into(),
            position: Mutex::new(0),
        }
    }

    /// The next `count` items (fewer at the end), moving past them.
    pub fn next(&self, count: usize) -> Vec<T> {
        let mut position = self.position();
        let taken = self.items[*position..]
            .iter()
            .take(count)
            .cloned()
            .collect::<Vec<_>>();
        *position += taken.len();
        taken
    }

    /// Moves past `count` items (or to the end).
    pub fn skip(&self, count: usize) {
        let mut position = self.position();
        *position = position.saturating_add(count).min(self.items.len());
    }

    pub fn reset(&self) {
        *self.position() = 0;
    }

    /// A cursor over the same items, at the same position.
    pub fn duplicate(&self) -> Self {
        Self {
            items: Arc::clone(&self.items),
            position: Mutex::new(*self.position()),
        }
    }

    fn position(&self) -> std::sync::MutexGuard<'_, usize> {
        // A panic elsewhere cannot leave a position out of range.
        self.position.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
