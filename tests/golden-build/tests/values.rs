//! The generated values and layouts against what C gives for the fixtures'
//! IDL, worked out by hand (the generated code checks only sizes and
//! alignments, against comidl's own layout).

use core::mem::{offset_of, size_of};

use comidl_golden::{consts, enums, flags, iid_is, inheritance, size_is, structs, unions};
use windows_core::{GUID, Interface};

#[test]
fn enum_values_count_on_as_in_c() {
    use enums::enums::{ANONYMOUS_SECOND, COLOR, DIRECTION};
    assert_eq!(COLOR::COLOR_CYAN, COLOR(6));
    assert_eq!(COLOR::COLOR_OFF, COLOR(-1));
    assert_eq!(COLOR::COLOR_DEFAULT, COLOR::COLOR_GREEN);
    assert_eq!(COLOR::COLOR_LAST, COLOR(7));
    assert_eq!(DIRECTION::DIRECTION_WEST, DIRECTION(0x13));
    assert_eq!(ANONYMOUS_SECOND, 101);
    assert_eq!(size_of::<COLOR>(), 4);
}

#[test]
fn flags_combine() {
    use flags::flags::LOAD_FLAGS;
    let mut loaded = LOAD_FLAGS::LOAD_NAME | LOAD_FLAGS::LOAD_ICON;
    assert_eq!(loaded, LOAD_FLAGS::LOAD_NAME_AND_ICON);
    assert!(loaded.contains(LOAD_FLAGS::LOAD_ICON));
    assert!(!loaded.contains(LOAD_FLAGS::LOAD_SIZE));
    loaded |= LOAD_FLAGS::LOAD_SIZE;
    assert_eq!(loaded, LOAD_FLAGS::LOAD_ALL);
    loaded &= !LOAD_FLAGS::LOAD_NAME;
    assert_eq!(loaded, LOAD_FLAGS::LOAD_ICON | LOAD_FLAGS::LOAD_SIZE);
    assert_eq!(
        LOAD_FLAGS::LOAD_ALL & LOAD_FLAGS::LOAD_SHIFTED,
        LOAD_FLAGS::LOAD_NONE
    );
    assert_eq!(LOAD_FLAGS::LOAD_TOP_BIT.0 as u32, 0x8000_0000);
}

#[test]
fn constants_evaluate_as_in_c() {
    use consts::consts::*;
    assert_eq!(TWENTY, 20);
    assert_eq!(PRECEDENCE, 11);
    assert_eq!(TRUNCATED, -3);
    assert_eq!(SHIFTED, 0xA3);
    assert_eq!(MASKED, 0xF000);
    assert_eq!(ALL_BITS, u32::MAX);
    assert_eq!(HIGH_NIBBLES, 0x0FFF_FFFF);
    assert_eq!(TOP_BIT, i32::MIN);
    assert_eq!(OCTAL, 0o755);
    assert_eq!((COMPARED, CHOSEN, LOGICAL), (2, 100, 1));
    assert_eq!(
        (WRAPPED_BYTE, WRAPPED_SHORT, CAST),
        (0xFF, i16::MIN, u32::MAX)
    );
    assert_eq!((LETTER, WIDE_LETTER), (b'A' as i8, u16::from(b'z')));
    assert_eq!(BIG, 3 << 32);
    assert_eq!(MOST_NEGATIVE, i64::MIN);
    assert_eq!(HALF, 0.5);
    assert_eq!(DEFAULT_MODE, MODE(3));
    assert_eq!(E_NOT_READY.0 as u32, 0x8004_0200);
    assert!(YES.as_bool());
}

#[test]
fn iids_are_the_uuids_in_the_idl() {
    let uuid = |text: &str| GUID::try_from(text).expect("a GUID");
    assert_eq!(
        inheritance::inheritance::IAnimal::IID,
        uuid("11111111-2222-4333-8444-555555555555")
    );
    assert_eq!(
        inheritance::inheritance::IDog::IID,
        uuid("33333333-4444-4555-8666-777777777777")
    );
    assert_eq!(
        inheritance::objidl::IPersist::IID,
        uuid("0000010c-0000-0000-c000-000000000046")
    );
    assert_eq!(
        iid_is::iid_is::IProvider::IID,
        uuid("b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e")
    );
    assert_eq!(
        size_is::size_is::IStore::IID,
        uuid("c2d3e4f5-a6b7-4c8d-9eaf-1a2b3c4d5e6f")
    );
}

#[test]
fn vtables_hold_the_bases_slots_first() {
    use inheritance::inheritance::{IAnimal, IDog, IDog_Vtbl, IMammal, IPersistDog_Vtbl};
    let slot = size_of::<usize>();
    // IUnknown's 3, IAnimal's 1, IMammal's 1, IDog's 2.
    assert_eq!(size_of::<IDog_Vtbl>(), 7 * slot);
    assert_eq!(offset_of!(IDog_Vtbl, Bark), 5 * slot);
    // IUnknown's 3, IPersist's 1, its own 1.
    assert_eq!(size_of::<IPersistDog_Vtbl>(), 5 * slot);
    // Upcasts compile: by conversion, and through Deref.
    let _: fn(&IDog) -> (&IAnimal, &IMammal, &IAnimal) = |dog| (dog.into(), dog, dog);
}

#[test]
#[cfg(target_pointer_width = "64")]
fn struct_layouts_match_c_on_x64() {
    use structs::structs::{NODE, RECORD};
    assert_eq!(size_of::<RECORD>(), 112);
    assert_eq!(offset_of!(RECORD, name), 4);
    assert_eq!(offset_of!(RECORD, grid), 68);
    assert_eq!(offset_of!(RECORD, pOrigin), 80);
    assert_eq!(offset_of!(RECORD, corners), 88);
    assert_eq!(offset_of!(RECORD, weight), 104);
    assert_eq!(offset_of!(NODE, next), 8);
    assert_eq!(size_of::<size_is::size_is::BUFFER>(), 16);
    assert_eq!(offset_of!(unions::unions::MESSAGE, payload), 8);
}

#[test]
fn packing_and_bit_fields_match_c() {
    use structs::structs::{BITS, PACKED1, PACKED2, UNPACKED};
    assert_eq!(
        (
            size_of::<PACKED1>(),
            offset_of!(PACKED1, value),
            offset_of!(PACKED1, extra)
        ),
        (7, 1, 5)
    );
    assert_eq!((size_of::<PACKED2>(), offset_of!(PACKED2, value)), (6, 2));
    assert_eq!((size_of::<UNPACKED>(), offset_of!(UNPACKED, value)), (8, 4));
    // `low` and `high` share one DWORD.
    assert_eq!((size_of::<BITS>(), offset_of!(BITS, after)), (8, 4));
    // A conformant array is declared with one element, as MIDL's header does.
    assert_eq!(size_of::<size_is::size_is::BLOCK>(), 8);
}

#[test]
fn unions_overlay_their_arms() {
    use unions::unions::{SCALAR, VALUE, VALUE_0};
    // The encapsulated union follows its discriminant at the union's alignment.
    assert_eq!((size_of::<VALUE>(), offset_of!(VALUE, u)), (24, 8));
    assert_eq!(size_of::<VALUE_0>(), 16);
    let mut value = VALUE {
        kind: 2,
        u: VALUE_0 { real: 1.5 },
    };
    value.u.number = -1;
    assert_eq!(unsafe { &value.u.bytes[..4] }, [0xFF; 4]);
    let scalar = SCALAR { ll: 0x0102 };
    assert_eq!(unsafe { scalar.b }, 0x02);
}
