//! Self-test of `comidl_tests::winmd`: what it reads from Microsoft's
//! `Windows.Win32.winmd` for the Sync Center API must match facts copied by
//! hand from the reference data (`syncmgr-api.json`, not in the repository).

use std::sync::OnceLock;

use comidl_tests::winmd::{Direction, Facts, Layout, Param, Winmd};

const SHELL: &str = "Windows.Win32.UI.Shell";

/// syncmgr.h's and mobsync.h's interfaces, enums, structs and constants.
const NAMES: &[&str] = &[
    // syncmgr.h
    "ISyncMgrHandlerCollection",
    "ISyncMgrHandler",
    "ISyncMgrHandlerInfo",
    "ISyncMgrSyncItemContainer",
    "ISyncMgrSyncItem",
    "ISyncMgrSyncItemInfo",
    "IEnumSyncMgrSyncItems",
    "ISyncMgrSessionCreator",
    "ISyncMgrSyncCallback",
    "ISyncMgrUIOperation",
    "ISyncMgrEventLinkUIOperation",
    "ISyncMgrScheduleWizardUIOperation",
    "ISyncMgrSyncResult",
    "ISyncMgrControl",
    "ISyncMgrEventStore",
    "ISyncMgrEvent",
    "IEnumSyncMgrEvents",
    "ISyncMgrConflictStore",
    "IEnumSyncMgrConflict",
    "ISyncMgrConflict",
    "ISyncMgrResolutionHandler",
    "ISyncMgrConflictPresenter",
    "ISyncMgrConflictResolveInfo",
    "ISyncMgrConflictFolder",
    "ISyncMgrConflictItems",
    "ISyncMgrConflictResolutionItems",
    "SYNCMGR_HANDLER_CAPABILITIES",
    "SYNCMGR_HANDLER_POLICIES",
    "SYNCMGR_HANDLER_TYPE",
    "SYNCMGR_ITEM_CAPABILITIES",
    "SYNCMGR_ITEM_POLICIES",
    "SYNCMGR_PROGRESS_STATUS",
    "SYNCMGR_CANCEL_REQUEST",
    "SYNCMGR_EVENT_LEVEL",
    "SYNCMGR_EVENT_FLAGS",
    "SYNCMGR_CONTROL_FLAGS",
    "SYNCMGR_SYNC_CONTROL_FLAGS",
    "SYNCMGR_UPDATE_REASON",
    "SYNCMGR_CONFLICT_ITEM_TYPE",
    "SYNCMGR_RESOLUTION_ABILITIES",
    "SYNCMGR_RESOLUTION_FEEDBACK",
    "SYNCMGR_PRESENTER_NEXT_STEP",
    "SYNCMGR_PRESENTER_CHOICE",
    "SYNCMGR_CONFLICT_ID_INFO",
    "CONFIRM_CONFLICT_ITEM",
    "CONFIRM_CONFLICT_RESULT_INFO",
    "MAX_SYNCMGR_ID",
    "MAX_SYNCMGR_PROGRESSTEXT",
    "MAX_SYNCMGR_NAME",
    // mobsync.h
    "ISyncMgrSynchronizeCallback",
    "ISyncMgrEnumItems",
    "ISyncMgrSynchronize",
    "ISyncMgrSynchronizeInvoke",
    "ISyncMgrRegister",
    "SYNCMGRSTATUS",
    "SYNCMGRLOGLEVEL",
    "SYNCMGRERRORFLAGS",
    "SYNCMGRITEMFLAGS",
    "SYNCMGRFLAG",
    "SYNCMGRHANDLERFLAGS",
    "SYNCMGRITEMSTATE",
    "SYNCMGRINVOKEFLAGS",
    "SYNCMGRREGISTERFLAGS",
    "SYNCMGRPROGRESSITEM",
    "SYNCMGRLOGERRORINFO",
    "SYNCMGRITEM",
    "SYNCMGRHANDLERINFO",
    "S_SYNCMGR_MISSINGITEMS",
    "S_SYNCMGR_RETRYSYNC",
    "S_SYNCMGR_CANCELITEM",
    "S_SYNCMGR_CANCELALL",
    "S_SYNCMGR_ITEMDELETED",
    "S_SYNCMGR_ENUMITEMS",
    "SYNCMGRPROGRESSITEM_STATUSTEXT",
    "SYNCMGRPROGRESSITEM_STATUSTYPE",
    "SYNCMGRPROGRESSITEM_PROGVALUE",
    "SYNCMGRPROGRESSITEM_MAXVALUE",
    "SYNCMGRLOGERROR_ERRORFLAGS",
    "SYNCMGRLOGERROR_ERRORID",
    "SYNCMGRLOGERROR_ITEMID",
    "SYNCMGRITEM_ITEMFLAGMASK",
    "MAX_SYNCMGRITEMNAME",
    "SYNCMGRHANDLERFLAG_MASK",
    "MAX_SYNCMGRHANDLERNAME",
    "SYNCMGRREGISTERFLAGS_MASK",
];

fn winmd() -> &'static Winmd {
    static WINMD: OnceLock<Winmd> = OnceLock::new();
    WINMD.get_or_init(|| Winmd::load().unwrap_or_else(|e| panic!("{e}")))
}

fn facts() -> &'static Facts {
    static FACTS: OnceLock<Facts> = OnceLock::new();
    FACTS.get_or_init(|| {
        winmd()
            .facts(SHELL, NAMES)
            .unwrap_or_else(|e| panic!("{e}"))
    })
}

fn param(name: &str, ty: &str, is_const: bool, direction: Direction) -> Param {
    Param {
        name: name.to_string(),
        ty: ty.to_string(),
        is_const,
        direction,
        optional: false,
        retval: false,
    }
}

#[test]
fn every_name_is_found_and_sorted() {
    let facts = facts();
    assert_eq!(facts.interfaces.len(), 31);
    assert_eq!(facts.enums.len(), 26);
    assert_eq!(facts.structs.len(), 7);
    assert_eq!(facts.constants.len(), 21);
    assert!(
        facts
            .interfaces
            .iter()
            .all(|i| i.methods.iter().all(|m| m.return_type == "HRESULT"))
    );
}

#[test]
fn interfaces() {
    let facts = facts();
    let find = |name| facts.interfaces.iter().find(|i| i.name == name).unwrap();

    let collection = find("ISyncMgrHandlerCollection");
    assert_eq!(collection.iid, "a7f337a3-d20b-45cb-9ed7-87d094ca5045");
    assert_eq!(collection.base.as_deref(), Some("IUnknown"));
    let methods: Vec<_> = collection.methods.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(methods, ["GetHandlerEnumerator", "BindToHandler"]);
    assert_eq!(
        collection.methods[0].params,
        [param("ppenum", "IEnumString*", false, Direction::Out)]
    );
    assert_eq!(
        collection.methods[1].params,
        [
            param("pszHandlerID", "PWSTR", true, Direction::In),
            param("riid", "Guid*", true, Direction::In),
            param("ppv", "void**", false, Direction::Out),
        ]
    );

    let callback = find("ISyncMgrSynchronizeCallback");
    assert_eq!(callback.iid, "6295df41-35ee-11d1-8707-00c04fd93327");
    assert_eq!(callback.methods.len(), 9);
    let log_error = &callback.methods[6];
    assert_eq!(log_error.name, "LogError");
    assert_eq!(
        log_error.params,
        [
            param("dwErrorLevel", "u32", false, Direction::In),
            param("pszErrorText", "PWSTR", true, Direction::In),
            param("pSyncLogError", "SYNCMGRLOGERRORINFO*", true, Direction::In),
        ]
    );
    assert_eq!(
        callback.methods[4].params,
        [param("fEnable", "BOOL", false, Direction::In)]
    );

    let link = find("ISyncMgrEventLinkUIOperation");
    assert_eq!(link.iid, "64522e52-848b-4015-89ce-5a36f00b94ff");
    assert_eq!(link.base.as_deref(), Some("ISyncMgrUIOperation"));
    assert_eq!(
        link.methods[0].params,
        [
            param("rguidEventID", "Guid*", true, Direction::In),
            param("pEvent", "ISyncMgrEvent", false, Direction::In),
        ]
    );
}

#[test]
fn vtable_includes_the_bases() {
    let vtable = winmd()
        .vtable(SHELL, "ISyncMgrEventLinkUIOperation")
        .unwrap();
    let names: Vec<_> = vtable.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["QueryInterface", "AddRef", "Release", "Run", "Init"]
    );
    let vtable = winmd()
        .vtable(SHELL, "ISyncMgrSynchronizeCallback")
        .unwrap();
    assert_eq!(vtable.len(), 12);
}

#[test]
fn enums() {
    let facts = facts();
    let find = |name| facts.enums.iter().find(|e| e.name == name).unwrap();
    let members = |name| -> Vec<(&str, i64)> {
        find(name)
            .members
            .iter()
            .map(|(name, value)| (name.as_str(), *value))
            .collect()
    };
    assert!(facts.enums.iter().all(|e| e.underlying == "i32"));
    assert_eq!(
        members("SYNCMGR_HANDLER_TYPE"),
        [
            ("SYNCMGR_HT_UNSPECIFIED", 0),
            ("SYNCMGR_HT_APPLICATION", 1),
            ("SYNCMGR_HT_DEVICE", 2),
            ("SYNCMGR_HT_FOLDER", 3),
            ("SYNCMGR_HT_SERVICE", 4),
            ("SYNCMGR_HT_COMPUTER", 5),
            ("SYNCMGR_HT_MIN", 0),
            ("SYNCMGR_HT_MAX", 5),
        ]
    );
    assert_eq!(
        members("SYNCMGRFLAG"),
        [
            ("SYNCMGRFLAG_CONNECT", 1),
            ("SYNCMGRFLAG_PENDINGDISCONNECT", 2),
            ("SYNCMGRFLAG_MANUAL", 3),
            ("SYNCMGRFLAG_IDLE", 4),
            ("SYNCMGRFLAG_INVOKE", 5),
            ("SYNCMGRFLAG_SCHEDULED", 6),
            ("SYNCMGRFLAG_EVENTMASK", 0xff),
            ("SYNCMGRFLAG_SETTINGS", 0x100),
            ("SYNCMGRFLAG_MAYBOTHERUSER", 0x200),
        ]
    );
    assert_eq!(
        find("SYNCMGR_HANDLER_CAPABILITIES").members.last().unwrap(),
        &("SYNCMGR_HCM_VALID_MASK".to_string(), 0xf30017)
    );
}

#[test]
fn structs_and_their_layout() {
    let facts = facts();
    let find = |name| facts.structs.iter().find(|s| s.name == name).unwrap();
    let fields = |name| -> Vec<(&str, &str, bool)> {
        find(name)
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.ty.as_str(), f.is_const))
            .collect()
    };
    assert_eq!(
        fields("SYNCMGRITEM"),
        [
            ("cbSize", "u32", false),
            ("dwFlags", "u32", false),
            ("ItemID", "Guid", false),
            ("dwItemState", "u32", false),
            ("hIcon", "HICON", false),
            ("wszItemName", "char16[128]", false),
            ("ftLastUpdate", "FILETIME", false),
        ]
    );
    assert_eq!(
        fields("CONFIRM_CONFLICT_ITEM"),
        [
            ("pShellItem", "IShellItem2", false),
            ("pszOriginalName", "PWSTR", false),
            ("pszAlternateName", "PWSTR", false),
            ("pszLocationShort", "PWSTR", false),
            ("pszLocationFull", "PWSTR", false),
            ("nType", "SYNCMGR_CONFLICT_ITEM_TYPE", false),
        ]
    );
    assert_eq!(
        fields("SYNCMGRPROGRESSITEM")[2],
        ("lpcStatusText", "PWSTR", true)
    );

    let layouts: Vec<_> = facts
        .structs
        .iter()
        .map(|s| (s.name.as_str(), s.is_union, s.layout.size, s.layout.align))
        .collect();
    assert_eq!(
        layouts,
        [
            ("SYNCMGR_CONFLICT_ID_INFO", false, 16, 8),
            ("CONFIRM_CONFLICT_ITEM", false, 48, 8),
            ("CONFIRM_CONFLICT_RESULT_INFO", false, 16, 8),
            ("SYNCMGRPROGRESSITEM", false, 32, 8),
            ("SYNCMGRLOGERRORINFO", false, 44, 4),
            ("SYNCMGRITEM", false, 304, 8),
            ("SYNCMGRHANDLERINFO", false, 88, 8),
        ]
    );
}

/// Well-known x64 sizes: nested unions (PROPVARIANT), padding (STATSTG),
/// `#pragma pack` (ITEMIDLIST is packed to 1, BITMAPFILEHEADER to 2).
#[test]
fn layout_of_well_known_types() {
    let cases = [
        ("Windows.Win32.Foundation", "FILETIME", 8, 4),
        ("System", "Guid", 16, 4),
        (
            "Windows.Win32.System.Com.StructuredStorage",
            "PROPVARIANT",
            24,
            8,
        ),
        ("Windows.Win32.System.Com", "STATSTG", 80, 8),
        ("Windows.Win32.UI.Shell.Common", "ITEMIDLIST", 3, 1),
        ("Windows.Win32.Graphics.Gdi", "BITMAPFILEHEADER", 14, 2),
        ("Windows.Win32.UI.Shell", "SHELLEXECUTEINFOW", 112, 8),
        (SHELL, "SYNCMGR_HANDLER_TYPE", 4, 4),
    ];
    for (namespace, name, size, align) in cases {
        assert_eq!(
            winmd().layout(namespace, name),
            Ok(Layout { size, align }),
            "{namespace}.{name}"
        );
    }
}

#[test]
fn constants() {
    let facts = facts();
    let find = |name| facts.constants.iter().find(|c| c.name == name).unwrap();
    let constant = |name| (find(name).ty.as_str(), find(name).value);
    assert_eq!(constant("MAX_SYNCMGR_ID"), ("u32", 64));
    assert_eq!(constant("MAX_SYNCMGRITEMNAME"), ("u32", 128));
    assert_eq!(constant("S_SYNCMGR_MISSINGITEMS"), ("HRESULT", 0x40201));
    assert_eq!(constant("SYNCMGRITEM_ITEMFLAGMASK"), ("u32", 0x7f));
}

#[test]
fn missing_names_are_errors() {
    let error = winmd()
        .facts(
            SHELL,
            &["ISyncMgrHandler", "ISyncMgrNoSuchThing", "NO_SUCH_CONSTANT"],
        )
        .unwrap_err();
    assert!(
        error.contains("ISyncMgrNoSuchThing: not in the metadata"),
        "{error}"
    );
    assert!(
        error.contains("NO_SUCH_CONSTANT: not in the metadata"),
        "{error}"
    );
    assert!(winmd().layout(SHELL, "NO_SUCH_STRUCT").is_err());
    assert!(winmd().vtable(SHELL, "NO_SUCH_INTERFACE").is_err());
}
