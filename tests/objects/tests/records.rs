//! Each class's registration travels as a text record (what `comidl reg`
//! reads from a built DLL): the record the derive writes reads back as
//! exactly the registration its attributes say, and the server record of
//! `dll_exports!` gives the scope and lists the classes in order.

use comidl_objects_tests::*;
use comidl_runtime::registration::record::{self, Description, Location, Record};
use comidl_runtime::registration::{Class, ClassRegistration, Icon, Role, Scope, ThreadingModel};
use comidl_runtime::{CoClass, ComObject};
use windows_core::{GUID, Result};

#[derive(Default, ComObject)]
#[com(implements(IPing))]
#[com(
    clsid = "{4d1e0c7b-2a3f-4b5c-9d8e-7f6a5b4c3d2e}",
    description = "Every key",
    progid = "Comidl.Records.1",
    version_independent_progid = "Comidl.Records"
)]
#[com(sync_center_collection(description = "Collection", icon = -101))]
#[com(mobsync_handler(description = "Mobsync = old"))]
struct EveryKey;

/// Defaults: the type's name as description, `Both`; roles in the order written.
#[derive(Default, ComObject)]
#[com(implements(IPing), clsid = "5E2F1D8C-3B40-4C6D-8E9F-0A1B2C3D4E5F")]
#[com(mobsync_handler(description = "  spaces kept  "))]
#[com(sync_center_collection(
    description = "Zoë's \"files\" \\ more",
    icon = "%SystemRoot%\\x.dll,-3"
))]
struct Defaults;

#[derive(Default, ComObject)]
#[com(
    implements(IPing),
    clsid = "00000000-0000-0000-0000-000000000001",
    threading = "Apartment"
)]
struct Apartment;

macro_rules! ping {
    ($($name:ident),+) => {$(
        impl IPing_Impl for $name {
            fn Ping(&self) -> Result<u32> {
                Ok(0)
            }
        }
    )+};
}
ping!(EveryKey, Defaults, Apartment);

comidl_runtime::dll_exports!(scope = Machine, classes = [Defaults, EveryKey, Apartment]);

fn class(clsid: u128, description: &str, threading_model: ThreadingModel) -> Class {
    Class {
        clsid: GUID::from_u128(clsid),
        description: description.into(),
        threading_model,
        progid: None,
        version_independent_progid: None,
    }
}

fn every_key() -> ClassRegistration {
    ClassRegistration {
        class: Class {
            progid: Some("Comidl.Records.1".into()),
            version_independent_progid: Some("Comidl.Records".into()),
            ..class(
                0x4d1e0c7b_2a3f_4b5c_9d8e_7f6a5b4c3d2e,
                "Every key",
                ThreadingModel::Both,
            )
        },
        roles: vec![
            Role::SyncCenterHandlerCollection {
                description: "Collection".into(),
                icon: Some(Icon::InModule(-101)),
            },
            Role::MobsyncHandler {
                description: "Mobsync = old".into(),
            },
        ],
    }
}

fn defaults() -> ClassRegistration {
    ClassRegistration {
        class: class(
            0x5e2f1d8c_3b40_4c6d_8e9f_0a1b2c3d4e5f,
            "Defaults",
            ThreadingModel::Both,
        ),
        roles: vec![
            Role::MobsyncHandler {
                description: "  spaces kept  ".into(),
            },
            Role::SyncCenterHandlerCollection {
                description: "Zoë's \"files\" \\ more".into(),
                icon: Some(Icon::Location("%SystemRoot%\\x.dll,-3".into())),
            },
        ],
    }
}

fn apartment() -> ClassRegistration {
    ClassRegistration {
        class: class(1, "Apartment", ThreadingModel::Apartment),
        roles: vec![],
    }
}

fn read(record: &str) -> Description {
    Description::parse(record).unwrap_or_else(|e| panic!("{e}\n{record}"))
}

#[test]
fn a_class_record_reads_back_as_its_attributes() {
    for (record, expected) in [
        (EveryKey::REGISTRATION, every_key()),
        (Defaults::REGISTRATION, defaults()),
        (Apartment::REGISTRATION, apartment()),
    ] {
        let description = read(record);
        assert_eq!(description.scope, None, "{record}");
        assert_eq!(description.classes, [expected], "{record}");
    }
}

#[test]
fn the_server_record_lists_the_classes_in_order() {
    let mut records = Vec::new();
    for text in SERVER.records() {
        records.extend(record::read(text, Location::Line).unwrap());
    }
    let Record::Server { scope, classes } = &records[0].record else {
        panic!("the server record comes first: {records:?}");
    };
    assert_eq!(*scope, Scope::Machine);
    let listed = [Defaults::CLSID, EveryKey::CLSID, Apartment::CLSID];
    assert_eq!(classes.as_deref(), Some(&listed[..]));
    let description = Description::assemble(&records).unwrap();
    assert_eq!(description.scope, Some(Scope::Machine));
    assert_eq!(description.classes, [defaults(), every_key(), apartment()]);
}
