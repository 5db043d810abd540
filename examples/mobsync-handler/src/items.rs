//! The items: one per folder pair, identified by a GUID derived from the
//! pair's name.

#![forbid(unsafe_code)]

use comidl_runtime::ComObject;
use comidl_syncmgr::mobsync::{
    ISyncMgrEnumItems, ISyncMgrEnumItems_Impl, SYNCMGRITEM, SYNCMGRITEMSTATE,
};
use folder_mirror::{Cursor, Pair};
use windows_core::{GUID, Result};

/// The item ID of the pair called `name`: the 128-bit FNV-1a hash of the
/// name's UTF-8 bytes, made a version 8 (custom) UUID with the RFC 9562
/// variant bits. The same name always gives the same ID; renaming a pair
/// makes it a new item.
pub fn item_id(name: &str) -> GUID {
    const OFFSET_BASIS: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let hash = name.bytes().fold(OFFSET_BASIS, |hash, byte| {
        (hash ^ u128::from(byte)).wrapping_mul(PRIME)
    });
    let version = (hash & !(0xf << 76)) | (0x8 << 76);
    GUID::from_u128((version & !(0b11 << 62)) | (0b10 << 62))
}

/// `text` in a fixed-size UTF-16 buffer, cut to leave room for the NUL.
pub(crate) fn fixed_text<const N: usize>(text: &str) -> [u16; N] {
    let mut buffer = [0; N];
    for (slot, unit) in buffer[..N - 1].iter_mut().zip(text.encode_utf16()) {
        *slot = unit;
    }
    buffer
}

fn item(pair: &Pair) -> SYNCMGRITEM {
    SYNCMGRITEM {
        cbSize: size_of::<SYNCMGRITEM>() as u32,
        ItemID: item_id(&pair.name),
        dwItemState: SYNCMGRITEMSTATE::SYNCMGRITEMSTATE_CHECKED.0 as u32,
        wszItemName: fixed_text(&pair.name),
        ..SYNCMGRITEM::default()
    }
}

#[derive(ComObject)]
#[com(implements(ISyncMgrEnumItems))]
pub struct Items(pub Cursor<Pair>);

impl ISyncMgrEnumItems_Impl for Items {
    fn Next(&self, out: &mut [SYNCMGRITEM]) -> Result<u32> {
        let pairs = self.0.next(out.len());
        for (slot, pair) in out.iter_mut().zip(&pairs) {
            *slot = item(pair);
        }
        Ok(pairs.len() as u32) // at most `out.len()`, which came from a u32
    }

    fn Skip(&self, count: u32) -> Result<()> {
        self.0.skip(count as usize);
        Ok(())
    }

    fn Reset(&self) -> Result<()> {
        self.0.reset();
        Ok(())
    }

    fn Clone(&self) -> Result<ISyncMgrEnumItems> {
        Ok(Items(self.0.duplicate()).into())
    }
}
