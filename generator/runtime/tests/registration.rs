//! Registration plans: their keys, their `.reg` rendering (golden files under
//! `tests/golden/`, `BLESS=1` rewrites them), and register/unregister on an
//! in-memory registry: idempotence, exact undo, and rollback at every step.

use comidl_runtime::registration::{
    Class, ClassRegistration, Data, Error, Hive, Icon, KeyEntry, MemoryRegistry, Plan, Registry,
    Role, Scope, ThreadingModel, Value,
};
use comidl_runtime::windows_core::GUID;
use std::path::PathBuf;

const COLLECTION: GUID = GUID::from_u128(0x0a1b2c3d_4e5f_4a6b_8c9d_0e1f2a3b4c5d);
const HANDLER: GUID = GUID::from_u128(0xfedcba98_7654_4321_a0b1_c2d3e4f5a6b7);
const MODULE: &str = "C:\\Program Files\\Contoso Sync\\contoso sync.dll";

fn class(clsid: GUID, description: &str) -> Class {
    Class {
        clsid,
        description: description.into(),
        threading_model: ThreadingModel::Apartment,
        progid: None,
        version_independent_progid: None,
    }
}

/// A Sync Center handler: the collection Sync Center lists, and the handler
/// class it binds to.
fn sync_center() -> Vec<ClassRegistration> {
    vec![
        ClassRegistration {
            class: class(COLLECTION, "Contoso \"Devices\" collection"),
            roles: vec![Role::SyncCenterHandlerCollection {
                description: "Contoso devices \\ phones".into(),
                icon: Some(Icon::InModule(-50)),
            }],
        },
        ClassRegistration {
            class: Class {
                progid: Some("Contoso.SyncHandler.1".into()),
                version_independent_progid: Some("Contoso.SyncHandler".into()),
                threading_model: ThreadingModel::Both,
                ..class(HANDLER, "Contoso sync handler")
            },
            roles: vec![],
        },
    ]
}

fn mobsync() -> Vec<ClassRegistration> {
    vec![ClassRegistration {
        class: class(HANDLER, "Contoso offline files"),
        roles: vec![Role::MobsyncHandler {
            description: "Contoso \"offline\" files".into(),
        }],
    }]
}

fn sz(text: &str) -> Data {
    Data::Sz(text.into())
}

fn entry(root: Hive, path: &str, owned: bool, values: &[(Option<&str>, Data)]) -> KeyEntry {
    KeyEntry {
        root,
        path: path.into(),
        values: values
            .iter()
            .map(|(name, data)| Value {
                name: name.map(Into::into),
                data: data.clone(),
            })
            .collect(),
        owned,
    }
}

const C: &str = "Software\\Classes";
const S: &str = "Software\\Microsoft\\Windows\\CurrentVersion\\SyncMgr";
const COLLECTION_ID: &str = "{0A1B2C3D-4E5F-4A6B-8C9D-0E1F2A3B4C5D}";
const HANDLER_ID: &str = "{FEDCBA98-7654-4321-A0B1-C2D3E4F5A6B7}";

#[test]
fn sync_center_plan() {
    let plan = Plan::for_classes(&sync_center(), MODULE, Scope::Machine).unwrap();
    let m = Hive::LocalMachine;
    let module = || Data::ExpandSz(MODULE.into());
    let expected = [
        entry(m, &format!("{C}\\CLSID"), false, &[]),
        entry(
            m,
            &format!("{C}\\CLSID\\{COLLECTION_ID}"),
            true,
            &[(None, sz("Contoso \"Devices\" collection"))],
        ),
        entry(
            m,
            &format!("{C}\\CLSID\\{COLLECTION_ID}\\InprocServer32"),
            true,
            &[(None, module()), (Some("ThreadingModel"), sz("Apartment"))],
        ),
        entry(m, &format!("{S}\\HandlerCollections"), false, &[]),
        entry(
            m,
            &format!("{S}\\HandlerCollections\\{COLLECTION_ID}"),
            true,
            &[(None, sz("Contoso devices \\ phones"))],
        ),
        entry(
            m,
            &format!("{S}\\HandlerCollections\\{COLLECTION_ID}\\DefaultIcon"),
            true,
            &[(None, Data::ExpandSz(format!("{MODULE},-50")))],
        ),
        entry(
            m,
            &format!("{C}\\CLSID\\{HANDLER_ID}"),
            true,
            &[(None, sz("Contoso sync handler"))],
        ),
        entry(
            m,
            &format!("{C}\\CLSID\\{HANDLER_ID}\\InprocServer32"),
            true,
            &[(None, module()), (Some("ThreadingModel"), sz("Both"))],
        ),
        entry(
            m,
            &format!("{C}\\CLSID\\{HANDLER_ID}\\ProgID"),
            true,
            &[(None, sz("Contoso.SyncHandler.1"))],
        ),
        entry(
            m,
            &format!("{C}\\CLSID\\{HANDLER_ID}\\VersionIndependentProgID"),
            true,
            &[(None, sz("Contoso.SyncHandler"))],
        ),
        entry(
            m,
            &format!("{C}\\Contoso.SyncHandler.1"),
            true,
            &[(None, sz("Contoso sync handler"))],
        ),
        entry(
            m,
            &format!("{C}\\Contoso.SyncHandler.1\\CLSID"),
            true,
            &[(None, sz(HANDLER_ID))],
        ),
        entry(
            m,
            &format!("{C}\\Contoso.SyncHandler"),
            true,
            &[(None, sz("Contoso sync handler"))],
        ),
        entry(
            m,
            &format!("{C}\\Contoso.SyncHandler\\CLSID"),
            true,
            &[(None, sz(HANDLER_ID))],
        ),
        entry(
            m,
            &format!("{C}\\Contoso.SyncHandler\\CurVer"),
            true,
            &[(None, sz("Contoso.SyncHandler.1"))],
        ),
    ];
    assert_eq!(
        plan.entries().len(),
        expected.len(),
        "{:#?}",
        plan.entries()
    );
    for (actual, expected) in plan.entries().iter().zip(&expected) {
        assert_eq!(actual, expected);
    }
}

#[test]
fn mobsync_plan_per_user() {
    let plan = Plan::for_classes(&mobsync(), MODULE, Scope::User).unwrap();
    let u = Hive::CurrentUser;
    let expected = [
        entry(u, &format!("{C}\\CLSID"), false, &[]),
        entry(
            u,
            &format!("{C}\\CLSID\\{HANDLER_ID}"),
            true,
            &[(None, sz("Contoso offline files"))],
        ),
        entry(
            u,
            &format!("{C}\\CLSID\\{HANDLER_ID}\\InprocServer32"),
            true,
            &[
                (None, Data::ExpandSz(MODULE.into())),
                (Some("ThreadingModel"), sz("Apartment")),
            ],
        ),
        entry(u, &format!("{S}\\Handlers"), false, &[]),
        entry(
            u,
            &format!("{S}\\Handlers\\{HANDLER_ID}"),
            true,
            &[(None, sz("Contoso \"offline\" files"))],
        ),
    ];
    assert_eq!(plan.entries(), &expected);
}

#[test]
fn bad_input_is_an_error() {
    let with = |progid: &str, independent: Option<&str>| {
        let mut registration = mobsync();
        registration[0].class.progid = Some(progid.into());
        registration[0].class.version_independent_progid = independent.map(Into::into);
        Plan::for_classes(&registration, MODULE, Scope::User)
    };
    assert!(with("Contoso.Handler.1", Some("Contoso.Handler")).is_ok());
    for bad in [
        "",
        "1Contoso",
        "Contoso\\Handler",
        "Contoso_Handler",
        &"x".repeat(40),
    ] {
        assert!(matches!(with(bad, None), Err(Error::Invalid(_))), "{bad:?}");
    }
    assert!(matches!(
        with("Contoso.Handler", Some("contoso.handler")),
        Err(Error::Invalid(_))
    ));
    assert!(Plan::for_classes(&mobsync(), "", Scope::User).is_err());
    assert!(Plan::for_classes(&mobsync(), "C:\\a\nb.dll", Scope::User).is_err());
    let mut registration = mobsync();
    registration[0].roles.push(Role::MobsyncHandler {
        description: "nul\0".into(),
    });
    assert!(Plan::for_classes(&registration, MODULE, Scope::User).is_err());
    for path in ["", "a\\\\b", "a\\", "a]b"] {
        assert!(
            Plan::from_entries(vec![entry(Hive::CurrentUser, path, true, &[])]).is_err(),
            "{path:?}"
        );
    }
    let empty_name = entry(Hive::CurrentUser, "a", true, &[(Some(""), sz("x"))]);
    assert!(Plan::from_entries(vec![empty_name]).is_err());
    // No role needs the version-independent ProgID without the versioned one.
    let mut registration = mobsync();
    registration[0].class.version_independent_progid = Some("Contoso.Handler".into());
    assert!(Plan::for_classes(&registration, MODULE, Scope::User).is_err());
}

/// A plan writing into a shared key, which no built-in role does.
fn shared_value_plan() -> Plan {
    let u = Hive::CurrentUser;
    Plan::from_entries(vec![
        entry(
            u,
            "Software\\Contoso",
            false,
            &[(Some("Installed \"by\""), Data::Dword(10))],
        ),
        entry(u, "Software\\Contoso\\Sync", true, &[(None, sz("x"))]),
        entry(u, "Software\\Contoso\\Sync\\Sub", true, &[]),
    ])
    .unwrap()
}

fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_default();
    assert!(
        expected == actual.as_bytes(),
        "{} differs (BLESS=1 to accept):\n{actual}",
        path.display()
    );
}

#[test]
fn reg_files() {
    let sync_center = Plan::for_classes(&sync_center(), MODULE, Scope::Machine).unwrap();
    golden("sync-center.reg", &sync_center.to_reg_file());
    golden(
        "sync-center-unregister.reg",
        &sync_center.to_unregister_reg_file(),
    );
    let mobsync = Plan::for_classes(&mobsync(), MODULE, Scope::User).unwrap();
    golden("mobsync-user.reg", &mobsync.to_reg_file());
    golden(
        "mobsync-user-unregister.reg",
        &mobsync.to_unregister_reg_file(),
    );
    golden("shared-value.reg", &shared_value_plan().to_reg_file());
    golden(
        "shared-value-unregister.reg",
        &shared_value_plan().to_unregister_reg_file(),
    );
}

#[test]
fn reg_file_bytes_are_utf16_with_bom() {
    let bytes = comidl_runtime::registration::reg_file_bytes("W\u{e9}");
    assert_eq!(bytes, [0xFF, 0xFE, b'W', 0, 0xE9, 0]);
}

#[test]
fn guid_format() {
    assert_eq!(
        comidl_runtime::registration::guid_string(&COLLECTION),
        COLLECTION_ID
    );
}

/// A registry as found on a machine: the shared parents exist and hold
/// entries of other software.
fn machine(root: Hive) -> MemoryRegistry {
    let mut registry = MemoryRegistry::new();
    let mut path = String::new();
    for component in format!("{S}\\Handlers").split('\\') {
        if !path.is_empty() {
            path.push('\\');
        }
        path.push_str(component);
        registry.create_key(root, &path).unwrap();
    }
    for key in [
        "Software\\Classes",
        "Software\\Classes\\CLSID",
        "Software\\Classes\\CLSID\\{00000000-1111-2222-3333-444444444444}",
        &format!("{S}\\HandlerCollections"),
        &format!("{S}\\HandlerCollections\\{{00000000-1111-2222-3333-444444444444}}"),
        &format!("{S}\\Handlers\\{{00000000-1111-2222-3333-444444444444}}"),
    ] {
        registry.create_key(root, key).unwrap();
    }
    registry
        .set_value(
            root,
            &format!("{S}\\Handlers"),
            None,
            &sz("OneStop Reg Key"),
        )
        .unwrap();
    registry
}

fn plans() -> Vec<(Plan, MemoryRegistry)> {
    vec![
        (
            Plan::for_classes(&sync_center(), MODULE, Scope::Machine).unwrap(),
            machine(Hive::LocalMachine),
        ),
        (
            Plan::for_classes(&mobsync(), MODULE, Scope::User).unwrap(),
            machine(Hive::CurrentUser),
        ),
        (shared_value_plan(), MemoryRegistry::new()),
    ]
}

#[test]
fn register_is_idempotent_and_unregister_undoes_it() {
    for (plan, mut registry) in plans() {
        let before = registry.snapshot();
        plan.register(&mut registry).unwrap();
        let registered = registry.snapshot();
        assert_ne!(before, registered);
        for entry in plan.entries() {
            for value in &entry.values {
                let actual = registry.get_value(entry.root, &entry.path, value.name.as_deref());
                assert_eq!(actual.unwrap().as_ref(), Some(&value.data));
            }
        }
        plan.register(&mut registry).unwrap();
        assert_eq!(registry.snapshot(), registered);

        plan.unregister(&mut registry).unwrap();
        let after = registry.snapshot();
        if before.is_empty() {
            // Keys register had to create go again, but the hive's top-level key.
            assert_eq!(after, "HKEY_CURRENT_USER\\Software\n");
        } else {
            assert_eq!(after, before);
        }
        plan.unregister(&mut registry).unwrap();
        assert_eq!(registry.snapshot(), after);
    }
}

#[test]
fn unregister_leaves_what_others_added() {
    let root = Hive::CurrentUser;
    let mut registration = mobsync();
    registration[0]
        .roles
        .push(Role::SyncCenterHandlerCollection {
            description: "c".into(),
            icon: None,
        });
    let plan = Plan::for_classes(&registration, MODULE, Scope::User).unwrap();
    let mut registry = machine(root);
    plan.register(&mut registry).unwrap();

    // Others' additions under the shared parents, and inside keys we own.
    let clsid = format!("{C}\\CLSID");
    let ours = format!("{clsid}\\{HANDLER_ID}");
    registry
        .set_value(root, &clsid, Some("Extra"), &sz("someone else's"))
        .unwrap();
    registry
        .set_value(
            root,
            &format!("{S}\\Handlers"),
            Some("Extra"),
            &Data::Dword(1),
        )
        .unwrap();
    registry
        .create_key(root, &format!("{S}\\Handlers\\Other"))
        .unwrap();
    registry
        .set_value(
            root,
            &format!("{ours}\\InprocServer32"),
            Some("Extra"),
            &sz("x"),
        )
        .unwrap();
    registry
        .create_key(root, &format!("{ours}\\Implemented Categories"))
        .unwrap();
    let mut expected = machine(root);
    expected
        .set_value(root, &clsid, Some("Extra"), &sz("someone else's"))
        .unwrap();
    expected
        .set_value(
            root,
            &format!("{S}\\Handlers"),
            Some("Extra"),
            &Data::Dword(1),
        )
        .unwrap();
    expected
        .create_key(root, &format!("{S}\\Handlers\\Other"))
        .unwrap();
    expected.create_key(root, &ours).unwrap();
    expected
        .create_key(root, &format!("{ours}\\InprocServer32"))
        .unwrap();
    expected
        .set_value(
            root,
            &format!("{ours}\\InprocServer32"),
            Some("Extra"),
            &sz("x"),
        )
        .unwrap();
    expected
        .create_key(root, &format!("{ours}\\Implemented Categories"))
        .unwrap();

    plan.unregister(&mut registry).unwrap();
    assert_eq!(registry.snapshot(), expected.snapshot());
}

/// The price of leaving a registry that lacked the shared keys as it was:
/// unregister cannot tell a key register created from one that was there
/// already, empty, and deletes both. An empty key holds nothing.
#[test]
fn unregister_deletes_shared_keys_left_empty() {
    let plan = Plan::for_classes(&sync_center(), MODULE, Scope::User).unwrap();
    let mut registry = MemoryRegistry::new();
    let collections = format!("{S}\\HandlerCollections");
    let mut path = String::new();
    for component in collections.split('\\') {
        if !path.is_empty() {
            path.push('\\');
        }
        path.push_str(component);
        registry.create_key(Hive::CurrentUser, &path).unwrap();
    }
    plan.register(&mut registry).unwrap();
    plan.unregister(&mut registry).unwrap();
    assert_eq!(registry.snapshot(), "HKEY_CURRENT_USER\\Software\n");
}

#[test]
fn unregister_keeps_shared_values_someone_changed() {
    let plan = shared_value_plan();
    let mut registry = MemoryRegistry::new();
    plan.register(&mut registry).unwrap();
    let (root, shared) = (Hive::CurrentUser, "Software\\Contoso");
    registry
        .set_value(root, shared, Some("installed \"BY\""), &Data::Dword(11))
        .unwrap();
    plan.unregister(&mut registry).unwrap();
    assert_eq!(
        registry
            .get_value(root, shared, Some("Installed \"by\""))
            .unwrap(),
        Some(Data::Dword(11))
    );
    assert!(
        !registry
            .key_exists(root, "Software\\Contoso\\Sync")
            .unwrap()
    );
}

#[test]
fn register_overwrites_and_restores_on_failure() {
    // A stale registration of the same class, pointing elsewhere.
    let plan = Plan::for_classes(&mobsync(), MODULE, Scope::User).unwrap();
    let root = Hive::CurrentUser;
    let mut registry = machine(root);
    let server = format!("{C}\\CLSID\\{HANDLER_ID}\\InprocServer32");
    registry
        .create_key(root, &format!("{C}\\CLSID\\{HANDLER_ID}"))
        .unwrap();
    registry.create_key(root, &server).unwrap();
    registry
        .set_value(root, &server, None, &Data::ExpandSz("D:\\old.dll".into()))
        .unwrap();
    registry
        .set_value(root, &server, Some("threadingmodel"), &sz("Free"))
        .unwrap();
    every_failure_rolls_back(&plan, &registry, Plan::register);
    plan.register(&mut registry).unwrap();
    assert_eq!(
        registry.get_value(root, &server, None).unwrap(),
        Some(Data::ExpandSz(MODULE.into()))
    );
}

/// Fails operation N of `run` for every N it performs and checks that each
/// time the registry ends up exactly as it started.
fn every_failure_rolls_back(
    plan: &Plan,
    start: &MemoryRegistry,
    run: fn(&Plan, &mut MemoryRegistry) -> Result<(), Error>,
) {
    let mut dry = start.clone();
    let first = dry.operations();
    run(plan, &mut dry).unwrap();
    let count = dry.operations() - first;
    assert!(count > 0);
    for n in 0..count {
        let mut registry = start.clone();
        registry.fail_operation(first + n);
        let error = run(plan, &mut registry).unwrap_err();
        assert!(matches!(error, Error::Registry { .. }), "step {n}: {error}");
        assert!(
            error.to_string().contains("injected failure"),
            "step {n}: {error}"
        );
        assert_eq!(registry.snapshot(), start.snapshot(), "step {n} of {count}");
    }
}

#[test]
fn failure_at_any_step_rolls_back() {
    for (plan, registry) in plans() {
        every_failure_rolls_back(&plan, &registry, Plan::register);
        let mut registered = registry.clone();
        plan.register(&mut registered).unwrap();
        every_failure_rolls_back(&plan, &registered, Plan::unregister);
    }
}

#[test]
fn failed_rollback_is_reported() {
    // Writes are allowed twice, then refused, the undo writes included.
    let plan = Plan::for_classes(&mobsync(), MODULE, Scope::User).unwrap();
    struct Refusing(MemoryRegistry, usize);
    impl Registry for Refusing {
        fn key_exists(&self, r: Hive, p: &str) -> Result<bool, Error> {
            self.0.key_exists(r, p)
        }
        fn create_key(&mut self, r: Hive, p: &str) -> Result<(), Error> {
            self.check(r, p)?;
            self.0.create_key(r, p)
        }
        fn delete_key(&mut self, r: Hive, p: &str) -> Result<(), Error> {
            self.check(r, p)?;
            self.0.delete_key(r, p)
        }
        fn key_is_empty(&self, r: Hive, p: &str) -> Result<bool, Error> {
            self.0.key_is_empty(r, p)
        }
        fn get_value(&self, r: Hive, p: &str, n: Option<&str>) -> Result<Option<Data>, Error> {
            self.0.get_value(r, p, n)
        }
        fn set_value(&mut self, r: Hive, p: &str, n: Option<&str>, d: &Data) -> Result<(), Error> {
            self.check(r, p)?;
            self.0.set_value(r, p, n, d)
        }
        fn delete_value(&mut self, r: Hive, p: &str, n: Option<&str>) -> Result<(), Error> {
            self.check(r, p)?;
            self.0.delete_value(r, p, n)
        }
    }
    impl Refusing {
        /// Allows this many writes, then refuses every one.
        fn check(&mut self, root: Hive, path: &str) -> Result<(), Error> {
            if self.1 == 0 {
                let detail = "refused".into();
                return Err(Error::Registry {
                    operation: "write",
                    root,
                    path: path.into(),
                    detail,
                });
            }
            self.1 -= 1;
            Ok(())
        }
    }
    let mut refusing = Refusing(machine(Hive::CurrentUser), 2);
    let error = plan.register(&mut refusing).unwrap_err();
    assert!(matches!(error, Error::RollbackFailed { .. }), "{error}");
}
