//! The enumerators' cursor.

use folder_mirror::Cursor;

#[test]
fn walks_skips_resets_and_duplicates() {
    let cursor = Cursor::new(vec![1, 2, 3, 4, 5]);
    assert_eq!(cursor.next(2), [1, 2]);
    cursor.skip(1);
    let copy = cursor.duplicate();
    assert_eq!(cursor.next(5), [4, 5]);
    assert!(cursor.next(1).is_empty());
    assert_eq!(copy.next(1), [4], "a duplicate keeps its own position");
    copy.skip(usize::MAX);
    assert!(copy.next(1).is_empty());
    cursor.reset();
    assert_eq!(cursor.next(1), [1]);
}
