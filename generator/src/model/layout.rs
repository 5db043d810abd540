//! Struct and union layout as MSVC computes it for x64 and x86: natural
//! alignment (8-byte scalars are 8-aligned on both) capped by `#pragma pack`,
//! bit-fields packed into units of their declared type.

use super::Model;
use super::types::*;
use crate::diagnostic::Diagnostic;

/// A storage unit of a record: one field, or a run of bit-fields sharing
/// one unit of their declared type.
#[derive(Clone, Debug)]
pub enum Storage {
    Field(usize),
    Bits { ty: Type, fields: Vec<usize> },
}

impl Record {
    /// The record's fields as stored: consecutive bit-fields of one unit
    /// size share a unit while their widths fit (MSVC's rule).
    pub fn storage(&self, model: &Model) -> Vec<Storage> {
        let mut out = Vec::new();
        let mut open: Option<(Type, u64, u64, Vec<usize>)> = None; // type, unit bits, used, fields
        for (index, field) in self.fields.iter().enumerate() {
            let Some(bits) = field.bits else {
                if let Some((ty, _, _, fields)) = open.take() {
                    out.push(Storage::Bits { ty, fields });
                }
                out.push(Storage::Field(index));
                continue;
            };
            let unit_bits = model
                .layout_of(&field.ty, Arch::X64)
                .map_or(32, |l| l.size * 8);
            let bits = u64::from(bits);
            match &mut open {
                Some((_, size, used, fields))
                    if *size == unit_bits && *used + bits <= *size && bits > 0 =>
                {
                    *used += bits;
                    fields.push(index);
                }
                _ => {
                    if let Some((ty, _, _, fields)) = open.take() {
                        out.push(Storage::Bits { ty, fields });
                    }
                    // A zero-width bit-field only closes the unit.
                    if bits > 0 {
                        open = Some((field.ty.clone(), unit_bits, bits, vec![index]));
                    }
                }
            }
        }
        if let Some((ty, _, _, fields)) = open {
            out.push(Storage::Bits { ty, fields });
        }
        out
    }
}

impl Model {
    /// Size and alignment of a value of type `ty`; `None` for types with
    /// no size (`void`, functions, interfaces by value, unresolved names).
    pub fn layout_of(&self, ty: &Type, arch: Arch) -> Option<Layout> {
        match ty {
            Type::Prim(p) => Some(Layout {
                size: p.size(arch),
                align: p.size(arch),
            }),
            Type::Pointer { .. } => Some(Layout {
                size: arch.pointer_size(),
                align: arch.pointer_size(),
            }),
            Type::Array { of, len } => {
                let element = self.layout_of(of, arch)?;
                Some(Layout {
                    size: element.size * len.unwrap_or(1),
                    align: element.align,
                })
            }
            Type::Named(id) => match &self.items[*id].kind {
                ItemKind::Enum(_) => Some(Layout { size: 4, align: 4 }),
                ItemKind::Record(record) if record.complete => {
                    Some(record.layout_on(arch)).filter(|l| l.align > 0)
                }
                ItemKind::Alias(alias) => self.layout_of(&alias.ty, arch),
                _ => None,
            },
            Type::Void | Type::Function(_) | Type::Error => None,
        }
    }
}

impl Record {
    /// The record's layout on `arch` (zero until computed).
    pub fn layout_on(&self, arch: Arch) -> Layout {
        let index = Arch::ALL
            .iter()
            .position(|&a| a == arch)
            .expect("every arch is listed");
        self.layout[index]
    }
}

/// Fills in every record's layout, records used by value first.
pub(super) fn compute(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    let mut state = vec![State::Todo; model.items.len()];
    for id in 0..model.items.len() {
        visit(model, id, &mut state, diagnostics);
    }
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Todo,
    Busy,
    Done,
}

fn visit(model: &mut Model, id: ItemId, state: &mut [State], diagnostics: &mut Vec<Diagnostic>) {
    if state[id] != State::Todo {
        if state[id] == State::Busy {
            let item = &model.items[id];
            let (problem, help) = match item.kind {
                ItemKind::Alias(_) => (
                    "is defined in terms of itself",
                    "a chain of typedefs must end in a type that is not a typedef",
                ),
                _ => (
                    "contains itself by value",
                    "a member that refers back to its own type must be a pointer",
                ),
            };
            let mut d = Diagnostic::error(format!("`{}` {problem}", item.name));
            if let Some(span) = item.span.clone() {
                d = d.at(span, "defined here");
            }
            diagnostics.push(d.help(help));
        }
        return;
    }
    state[id] = State::Busy;
    // First the records this one holds by value.
    let mut inner = Vec::new();
    match &model.items[id].kind {
        ItemKind::Record(record) => {
            for field in &record.fields {
                by_value(model, &field.ty, &mut inner);
            }
        }
        ItemKind::Alias(alias) => by_value(model, &alias.ty, &mut inner),
        _ => {}
    }
    for i in inner {
        visit(model, i, state, diagnostics);
    }
    if let ItemKind::Record(record) = &model.items[id].kind {
        let storage = record.storage(model);
        let layouts = Arch::ALL.map(|arch| record_layout(model, record, &storage, arch));
        if let ItemKind::Record(record) = &mut model.items[id].kind {
            record.layout = layouts;
        }
    }
    state[id] = State::Done;
}

/// Records that `ty` contains by value (through arrays and typedefs).
fn by_value(model: &Model, ty: &Type, out: &mut Vec<ItemId>) {
    match ty {
        Type::Named(id) => match &model.items[*id].kind {
            ItemKind::Record(_) => out.push(*id),
            ItemKind::Alias(_) => out.push(*id),
            _ => {}
        },
        Type::Array { of, .. } => by_value(model, of, out),
        _ => {}
    }
}

fn record_layout(model: &Model, record: &Record, storage: &[Storage], arch: Arch) -> Layout {
    let mut size = 0;
    let mut align = 1;
    for unit in storage {
        let ty = match unit {
            Storage::Field(i) => &record.fields[*i].ty,
            Storage::Bits { ty, .. } => ty,
        };
        // Unsized members were reported when their type failed to resolve.
        let Some(mut layout) = model.layout_of(ty, arch) else {
            continue;
        };
        if let Some(pack) = record.pack {
            layout.align = layout.align.min(pack);
        }
        align = align.max(layout.align);
        if record.union {
            size = size.max(layout.size);
        } else {
            size = size.next_multiple_of(layout.align) + layout.size;
        }
    }
    Layout {
        size: size.next_multiple_of(align),
        align,
    }
}
