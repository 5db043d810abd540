//! Generates the Sync Center bindings from `idl/Syncmgr.idl` into OUT_DIR;
//! `src/lib.rs` includes them as `bindings`.

fn main() -> Result<(), comidl::CompileError> {
    comidl::Builder::new()
        .idl("idl/Syncmgr.idl")
        // Methods that answer through their success code (S_OK yes,
        // S_FALSE no): they return Result<bool>.
        .answer("ISyncMgrHandlerInfo::IsActive")
        .answer("ISyncMgrHandlerInfo::IsEnabled")
        .answer("ISyncMgrHandlerInfo::IsConnected")
        .answer("ISyncMgrSyncItemInfo::IsEnabled")
        .answer("ISyncMgrSyncItemInfo::IsConnected")
        .answer("ISyncMgrSyncCallback::CanContinue")
        .compile()
}
