//! Facts from Microsoft's Win32 metadata (`Windows.Win32.winmd`), the oracle
//! that comidl's model of the Sync Center IDL files is compared against:
//! interfaces with IIDs and vtables, enums, structs with their x64 layout, and
//! constants, with types spelled as in `syncmgr-api.json`'s `winmd_type`.

use std::path::{Path, PathBuf};
use std::process::Command;

use windows_metadata::reader::{
    Field as FieldRow, File, HasAttributes, Index, Item, ParamDirection, TypeCategory, TypeDef,
};
use windows_metadata::{FieldAttributes, Type, TypeAttributes, TypeName, Value};

/// `SupportedArchitectureAttribute`'s bit for x64: structs that differ per
/// architecture are read in their x64 form.
const X64: i32 = 2;

/// An interface: its own methods in vtable order (see [`Winmd::vtable`] for
/// the whole vtable).
#[derive(Debug, Clone, PartialEq)]
pub struct Interface {
    pub name: String,
    /// Lowercase, as in `a7f337a3-d20b-45cb-9ed7-87d094ca5045`.
    pub iid: String,
    /// `None` for `IUnknown` itself.
    pub base: Option<String>,
    pub methods: Vec<Method>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Method {
    pub name: String,
    pub params: Vec<Param>,
    pub return_type: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    /// In `winmd_type` notation, e.g. `PWSTR`, `Guid*`, `IEnumString*`.
    pub ty: String,
    /// `ConstAttribute` (or a `const` modifier) on the parameter.
    pub is_const: bool,
    pub direction: Direction,
    pub optional: bool,
    pub retval: bool,
}

/// From the `Param` row's flags; neither flag counts as `in`, MIDL's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
    InOut,
}

impl Direction {
    /// `in`, `out` or `inout`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
            Direction::InOut => "inout",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    pub name: String,
    /// `i32`, `u32`, ...
    pub underlying: String,
    /// In declaration order, aliases included.
    pub members: Vec<(String, i64)>,
}

/// A struct or union with its fields and its layout on x64.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub name: String,
    pub is_union: bool,
    pub fields: Vec<Field>,
    pub layout: Layout,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub ty: String,
    pub is_const: bool,
}

/// Size and alignment in bytes, for x64 (pointers are 8 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub size: u64,
    pub align: u64,
}

/// A named constant. `value` holds the bits of a `u64` above `i64::MAX`
/// (`ty` tells which).
#[derive(Debug, Clone, PartialEq)]
pub struct Constant {
    pub name: String,
    /// The declared type, e.g. `u32` or `HRESULT`.
    pub ty: String,
    pub value: i64,
}

/// What [`Winmd::facts`] found for a list of names, each list in the order
/// the names were given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub interfaces: Vec<Interface>,
    pub enums: Vec<Enum>,
    pub structs: Vec<Struct>,
    pub constants: Vec<Constant>,
}

/// Where `Windows.Win32.winmd` is: in the `windows-bindgen` crate that
/// `comidl-tests` depends on for exactly this file.
///
/// The crate's folder is asked of `cargo metadata`, which reports the
/// manifest path Cargo itself uses (and downloads the crate if needed). A
/// dependent cannot learn a dependency's folder otherwise: `windows-bindgen`
/// has no `links` key, so a build script gets no `DEP_*` variables, and
/// guessing `~/.cargo/registry/src/*/` breaks with `CARGO_HOME`, vendoring
/// or source replacement.
pub fn winmd_path() -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(crate::repo_root().join("Cargo.toml"))
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata printed no JSON: {e}"))?;
    let manifest = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|package| package["name"] == "windows-bindgen")
        .and_then(|package| package["manifest_path"].as_str())
        .ok_or("cargo metadata lists no windows-bindgen package")?;
    let path = Path::new(manifest).with_file_name("default/Windows.Win32.winmd");
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!("{} does not exist", path.display()))
    }
}

/// The Win32 metadata, read for x64.
pub struct Winmd {
    index: Index,
}

impl Winmd {
    /// Reads the file that [`winmd_path`] finds.
    pub fn load() -> Result<Winmd, String> {
        Winmd::open(&winmd_path()?)
    }

    pub fn open(path: &Path) -> Result<Winmd, String> {
        let file =
            File::read(path).ok_or_else(|| format!("{}: not a metadata file", path.display()))?;
        Ok(Winmd {
            index: Index::new_for_architecture(vec![file], X64),
        })
    }

    /// Looks up each name in `namespace` and sorts it by what it is. Every
    /// name must be an interface, enum, struct, union or integer constant.
    pub fn facts(&self, namespace: &str, names: &[&str]) -> Result<Facts, String> {
        let mut facts = Facts::default();
        let mut errors = Vec::new();
        for name in names {
            let found = match self.index.get_item(namespace, name).next() {
                None => Err(format!("{namespace}.{name}: not in the metadata")),
                Some(Item::Type(def)) => match def.category() {
                    TypeCategory::Interface => {
                        self.interface(def).map(|i| facts.interfaces.push(i))
                    }
                    TypeCategory::Enum => self.enumeration(def).map(|e| facts.enums.push(e)),
                    TypeCategory::Struct => self.structure(def).map(|s| facts.structs.push(s)),
                    _ => Err(format!(
                        "{namespace}.{name}: not an interface, enum or struct"
                    )),
                },
                Some(Item::Const(field)) => constant(field).map(|c| facts.constants.push(c)),
                Some(Item::Fn(_)) => Err(format!("{namespace}.{name}: a function")),
            };
            errors.extend(found.err());
        }
        if errors.is_empty() {
            Ok(facts)
        } else {
            Err(errors.join("\n"))
        }
    }

    /// The whole vtable of an interface, `IUnknown`'s methods first; every
    /// base must be in the metadata.
    pub fn vtable(&self, namespace: &str, name: &str) -> Result<Vec<Method>, String> {
        let mut def = self.type_def(&TypeName::named(namespace, name), &[])?;
        let mut chain = vec![self.interface(def)?];
        while let Some(base) = def.interface_impls().next() {
            def = match base.interface(&[]) {
                Type::ClassName(base) => self.type_def(&base, &[])?,
                other => return Err(format!("{name}: base {other:?} is not an interface")),
            };
            chain.push(self.interface(def)?);
        }
        Ok(chain.into_iter().rev().flat_map(|i| i.methods).collect())
    }

    /// The x64 size and alignment of a struct, union or enum; `System.Guid`
    /// works too.
    pub fn layout(&self, namespace: &str, name: &str) -> Result<Layout, String> {
        self.type_layout(&Type::ValueName(TypeName::named(namespace, name)), &[])
    }

    fn interface(&self, def: TypeDef) -> Result<Interface, String> {
        let name = def.name();
        let guid = def
            .find_attribute("GuidAttribute")
            .ok_or_else(|| format!("{name}: no GuidAttribute"))?
            .value();
        let part = |i: usize| match guid.get(i) {
            Some((_, Value::U32(v))) => Ok(u64::from(*v)),
            Some((_, Value::U16(v))) => Ok(u64::from(*v)),
            Some((_, Value::U8(v))) => Ok(u64::from(*v)),
            _ => Err(format!("{name}: malformed GuidAttribute")),
        };
        let mut iid = format!("{:08x}-{:04x}-{:04x}-", part(0)?, part(1)?, part(2)?);
        for i in 3..11 {
            iid += &format!("{:02x}", part(i)?);
            if i == 4 {
                iid.push('-');
            }
        }
        let base = def
            .interface_impls()
            .next()
            .map(|base| type_text(&base.interface(&[])));
        let methods = def
            .methods()
            .map(|method| {
                let signature = method.signature(&[]);
                let rows = method
                    .params_by_sequence(signature.types.len())
                    .map_err(|e| format!("{name}::{}: {e}", method.name()))?;
                let params = signature
                    .types
                    .iter()
                    .zip(rows.params())
                    .map(|(ty, row)| {
                        let row = row.ok_or_else(|| {
                            format!("{name}::{}: a parameter has no Param row", method.name())
                        })?;
                        Ok(Param {
                            name: row.name().to_string(),
                            ty: type_text(ty),
                            is_const: is_const(ty, row.has_attribute("ConstAttribute")),
                            direction: match row.direction() {
                                ParamDirection::Output => Direction::Out,
                                ParamDirection::InputOutput => Direction::InOut,
                                ParamDirection::Input | ParamDirection::Unspecified => {
                                    Direction::In
                                }
                            },
                            optional: row.is_optional(),
                            retval: row.is_retval_attribute(),
                        })
                    })
                    .collect::<Result<_, String>>()?;
                Ok(Method {
                    name: method.name().to_string(),
                    params,
                    return_type: type_text(&signature.return_type),
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Interface {
            name: name.to_string(),
            iid,
            base,
            methods,
        })
    }

    fn enumeration(&self, def: TypeDef) -> Result<Enum, String> {
        let underlying = def
            .underlying_type()
            .ok_or_else(|| format!("{}: no underlying type", def.name()))?;
        let members = def
            .fields()
            .filter_map(|field| Some((field.name().to_string(), field.constant()?.value())))
            .map(|(name, value)| match integer(&value) {
                Some(value) => Ok((name, value)),
                None => Err(format!("{}::{name}: {value:?} is no integer", def.name())),
            })
            .collect::<Result<_, String>>()?;
        Ok(Enum {
            name: def.name().to_string(),
            underlying: type_text(&underlying),
            members,
        })
    }

    fn structure(&self, def: TypeDef) -> Result<Struct, String> {
        let fields = data_fields(def)
            .map(|field| {
                let ty = field.ty();
                Field {
                    name: field.name().to_string(),
                    ty: type_text(&ty),
                    is_const: is_const(&ty, field.has_attribute("ConstAttribute")),
                }
            })
            .collect();
        Ok(Struct {
            name: def.name().to_string(),
            is_union: def.flags().contains(TypeAttributes::ExplicitLayout),
            fields,
            layout: self.struct_layout(def, &[])?,
        })
    }

    /// Finds a named type; a nested type (empty namespace) is looked for in
    /// the enclosing types, innermost first.
    fn type_def<'a>(
        &'a self,
        name: &TypeName,
        scopes: &[TypeDef<'a>],
    ) -> Result<TypeDef<'a>, String> {
        let found: Vec<_> = if name.namespace.is_empty() {
            scopes
                .iter()
                .rev()
                .flat_map(|scope| self.index.nested(*scope))
                .filter(|def| def.name() == name.name)
                .take(1)
                .collect()
        } else {
            self.index.get(&name.namespace, &name.name).collect()
        };
        let full_name = format!("{}.{}", name.namespace, name.name);
        match found[..] {
            [def] => Ok(def),
            [] => Err(format!("{full_name}: not in the metadata")),
            _ => Err(format!("{full_name}: defined more than once")),
        }
    }

    fn type_layout<'a>(&'a self, ty: &Type, scopes: &[TypeDef<'a>]) -> Result<Layout, String> {
        let scalar = |size| Ok(Layout { size, align: size });
        match ty {
            Type::Bool | Type::I8 | Type::U8 => scalar(1),
            Type::Char | Type::I16 | Type::U16 => scalar(2),
            Type::I32 | Type::U32 | Type::F32 => scalar(4),
            Type::I64 | Type::U64 | Type::F64 | Type::ISize | Type::USize => scalar(8),
            Type::PtrMut(..) | Type::PtrConst(..) => scalar(8),
            Type::ArrayFixed(element, len) => {
                let element = self.type_layout(element, scopes)?;
                Ok(Layout {
                    size: element.size * *len as u64,
                    align: element.align,
                })
            }
            Type::ValueName(name) | Type::ClassName(name) if name == ("System", "Guid") => {
                Ok(Layout { size: 16, align: 4 })
            }
            Type::ValueName(name) | Type::ClassName(name) => {
                let def = self.type_def(name, scopes)?;
                match def.category() {
                    TypeCategory::Interface | TypeCategory::Delegate => scalar(8),
                    TypeCategory::Enum => match def.underlying_type() {
                        Some(underlying) => self.type_layout(&underlying, scopes),
                        None => Err(format!("{}: no underlying type", def.name())),
                    },
                    TypeCategory::Struct => self.struct_layout(def, scopes),
                    _ => Err(format!("{}: no layout", def.name())),
                }
            }
            other => Err(format!("{other:?}: no layout")),
        }
    }

    /// C layout: fields in order, each at a multiple of its alignment capped
    /// by the packing size; a union's fields all at 0. The metadata has no
    /// `__declspec(align(N))`, so over-aligned types (`M128A`, hence `CONTEXT`)
    /// get their natural alignment (8, not 16).
    fn struct_layout<'a>(
        &'a self,
        def: TypeDef<'a>,
        scopes: &[TypeDef<'a>],
    ) -> Result<Layout, String> {
        let class_layout = def.class_layout();
        let pack = class_layout.map_or(0, |l| u64::from(l.packing_size()));
        let is_union = def.flags().contains(TypeAttributes::ExplicitLayout);
        let scopes = [scopes, &[def]].concat();
        let (mut size, mut align) = (0, 1);
        for field in data_fields(def) {
            let field = self.type_layout(&field.ty(), &scopes)?;
            let field_align = if pack > 0 {
                field.align.min(pack)
            } else {
                field.align
            };
            align = align.max(field_align);
            size = if is_union {
                size.max(field.size)
            } else {
                size.next_multiple_of(field_align) + field.size
            };
        }
        let min_size = class_layout.map_or(0, |l| u64::from(l.class_size()));
        Ok(Layout {
            size: size.max(min_size).next_multiple_of(align),
            align,
        })
    }
}

/// Instance fields: not enum members or other literals.
fn data_fields<'a>(def: TypeDef<'a>) -> impl Iterator<Item = FieldRow<'a>> {
    def.fields()
        .filter(|field| !field.flags().contains(FieldAttributes::Static))
}

fn constant(field: FieldRow) -> Result<Constant, String> {
    let value = field
        .constant()
        .map(|constant| constant.value())
        .ok_or_else(|| format!("{}: no literal value", field.name()))?;
    Ok(Constant {
        name: field.name().to_string(),
        ty: type_text(&field.ty()),
        value: integer(&value)
            .ok_or_else(|| format!("{}: {value:?} is no integer", field.name()))?,
    })
}

fn integer(value: &Value) -> Option<i64> {
    Some(match *value {
        Value::Bool(v) => v.into(),
        Value::I8(v) => v.into(),
        Value::U8(v) => v.into(),
        Value::I16(v) => v.into(),
        Value::U16(v) => v.into(),
        Value::I32(v) => v.into(),
        Value::U32(v) => v.into(),
        Value::I64(v) | Value::ISize(v) => v,
        Value::U64(v) | Value::USize(v) => v as i64,
        _ => return None,
    })
}

fn is_const(ty: &Type, has_const_attribute: bool) -> bool {
    has_const_attribute || matches!(ty, Type::PtrConst(..) | Type::RefConst(..))
}

/// The `winmd_type` notation: Rust names for primitives (`char16` for WCHAR),
/// simple names for named types (`Guid`, `PWSTR`, `IEnumString`), one `*` per
/// pointer level, `T[N]` for fixed arrays. An interface is already a
/// reference: `IEnumString*` is C's `IEnumString**`.
fn type_text(ty: &Type) -> String {
    match ty {
        Type::Void => "void".to_string(),
        Type::Bool => "bool".to_string(),
        Type::Char => "char16".to_string(),
        Type::I8 => "i8".to_string(),
        Type::U8 => "u8".to_string(),
        Type::I16 => "i16".to_string(),
        Type::U16 => "u16".to_string(),
        Type::I32 => "i32".to_string(),
        Type::U32 => "u32".to_string(),
        Type::I64 => "i64".to_string(),
        Type::U64 => "u64".to_string(),
        Type::F32 => "f32".to_string(),
        Type::F64 => "f64".to_string(),
        Type::ISize => "isize".to_string(),
        Type::USize => "usize".to_string(),
        Type::ClassName(name) | Type::ValueName(name) => name.name.clone(),
        Type::PtrMut(pointee, levels) | Type::PtrConst(pointee, levels) => {
            type_text(pointee) + &"*".repeat(*levels)
        }
        Type::ArrayFixed(element, len) => format!("{}[{len}]", type_text(element)),
        other => format!("{other:?}"),
    }
}
