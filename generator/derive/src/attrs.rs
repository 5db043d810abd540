//! The `#[com(...)]` attributes of a `#[derive(ComObject)]` type.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, ExprLit, ExprUnary, Lit, LitInt, LitStr, Path, Token, UnOp};

/// What the attributes say.
pub struct ComAttrs {
    /// The interfaces listed in `implements(...)`, one vtable each.
    pub implements: Vec<Path>,
    /// How COM may call the object, and where it was said (if it was).
    pub threading: (Threading, Option<Span>),
    /// Present when the class is creatable by CLSID.
    pub class: Option<ClassAttrs>,
}

pub struct ClassAttrs {
    /// The CLSID, as a `u128` and as written.
    pub clsid: (u128, LitStr),
    pub description: Option<LitStr>,
    pub progid: Option<LitStr>,
    pub version_independent_progid: Option<LitStr>,
    pub roles: Vec<RoleAttr>,
}

#[derive(Clone, Copy, PartialEq)]
pub enum Threading {
    Apartment,
    Free,
    Both,
    Neutral,
}

impl Threading {
    pub fn variant(self) -> &'static str {
        match self {
            Threading::Apartment => "Apartment",
            Threading::Free => "Free",
            Threading::Both => "Both",
            Threading::Neutral => "Neutral",
        }
    }
}

pub enum RoleAttr {
    SyncCenterCollection {
        description: LitStr,
        icon: Option<Icon>,
    },
    MobsyncHandler {
        description: LitStr,
    },
}

pub enum Icon {
    InModule(i32),
    Location(LitStr),
}

/// Every key, for the "unknown key" message.
const KEYS: &str = "implements, clsid, threading, description, progid, version_independent_progid, sync_center_collection, mobsync_handler";

/// The keys as written, before they are checked against each other.
#[derive(Default)]
struct Raw {
    implements: Option<(Span, Vec<Path>)>,
    clsid: Option<LitStr>,
    threading: Option<LitStr>,
    description: Option<LitStr>,
    progid: Option<LitStr>,
    version_independent_progid: Option<LitStr>,
    roles: Vec<(Span, RoleAttr)>,
}

pub fn parse(attrs: &[Attribute], type_span: Span) -> syn::Result<ComAttrs> {
    let mut raw = Raw::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("com")) {
        attr.parse_nested_meta(|meta| raw.key(meta))?;
    }
    let Some((implements_span, implements)) = raw.implements else {
        return Err(syn::Error::new(
            type_span,
            "a COM object implements at least one interface: add `#[com(implements(IMyInterface))]`",
        ));
    };
    if implements.is_empty() {
        return Err(syn::Error::new(
            implements_span,
            "`implements` lists no interface: name at least one, as `implements(IMyInterface)`",
        ));
    }
    let threading = match &raw.threading {
        Some(text) => (parse_threading(text)?, Some(text.span())),
        None => (Threading::Both, None),
    };
    let class = match raw.clsid {
        Some(clsid) => Some(ClassAttrs {
            clsid: (parse_guid(&clsid)?, clsid),
            description: raw.description,
            progid: raw.progid,
            version_independent_progid: raw.version_independent_progid,
            roles: raw.roles.into_iter().map(|(_, role)| role).collect(),
        }),
        None => {
            // Every other class key describes a registered class.
            let needs_clsid = [
                ("`description`", raw.description.map(|l| l.span())),
                ("`progid`", raw.progid.map(|l| l.span())),
                (
                    "`version_independent_progid`",
                    raw.version_independent_progid.map(|l| l.span()),
                ),
                ("a registration role", raw.roles.first().map(|(s, _)| *s)),
            ];
            if let Some((key, span)) = needs_clsid
                .into_iter()
                .find_map(|(key, span)| Some((key, span?)))
            {
                return Err(syn::Error::new(
                    span,
                    format!("{key} is for classes created by CLSID: add `clsid = \"...\"`"),
                ));
            }
            None
        }
    };
    if let Some(class) = &class
        && class.version_independent_progid.is_some()
        && class.progid.is_none()
    {
        let span = class.version_independent_progid.as_ref().map(LitStr::span);
        return Err(syn::Error::new(
            span.unwrap_or(type_span),
            "`version_independent_progid` needs `progid` (its CurVer key names the versioned one)",
        ));
    }
    Ok(ComAttrs {
        implements,
        threading,
        class,
    })
}

impl Raw {
    fn key(&mut self, meta: ParseNestedMeta) -> syn::Result<()> {
        let Some(key) = meta.path.get_ident().map(ToString::to_string) else {
            return Err(meta.error(format!("unknown key; the keys are: {KEYS}")));
        };
        match key.as_str() {
            "implements" => {
                let content;
                syn::parenthesized!(content in meta.input);
                let paths = Punctuated::<Path, Token![,]>::parse_terminated(&content)?;
                let mut list: Vec<Path> = Vec::new();
                for path in paths {
                    if list.iter().any(|p| same_path(p, &path)) {
                        return Err(syn::Error::new_spanned(
                            &path,
                            format!("`{}` is listed twice in `implements`", path_text(&path)),
                        ));
                    }
                    list.push(path);
                }
                let span = meta
                    .path
                    .get_ident()
                    .map_or_else(Span::call_site, |i| i.span());
                set_once(&meta, &mut self.implements, (span, list))
            }
            "clsid" => set_once(&meta, &mut self.clsid, string(&meta)?),
            "threading" => set_once(&meta, &mut self.threading, string(&meta)?),
            "description" => set_once(&meta, &mut self.description, string(&meta)?),
            "progid" => set_once(&meta, &mut self.progid, string(&meta)?),
            "version_independent_progid" => {
                set_once(&meta, &mut self.version_independent_progid, string(&meta)?)
            }
            "sync_center_collection" => {
                let span = meta
                    .path
                    .get_ident()
                    .map_or_else(Span::call_site, |i| i.span());
                let mut description = None;
                let mut icon = None;
                meta.parse_nested_meta(|inner| {
                    if inner.path.is_ident("description") {
                        set_once(&inner, &mut description, string(&inner)?)
                    } else if inner.path.is_ident("icon") {
                        let value = parse_icon(&inner)?;
                        set_once(&inner, &mut icon, value)
                    } else {
                        Err(inner.error(
                            "unknown key in `sync_center_collection`; the keys are: description, icon",
                        ))
                    }
                })?;
                let description = description.ok_or_else(|| {
                    syn::Error::new(
                        span,
                        "`sync_center_collection` needs `description = \"...\"`",
                    )
                })?;
                self.role(
                    &meta,
                    span,
                    RoleAttr::SyncCenterCollection { description, icon },
                )
            }
            "mobsync_handler" => {
                let span = meta
                    .path
                    .get_ident()
                    .map_or_else(Span::call_site, |i| i.span());
                let mut description = None;
                meta.parse_nested_meta(|inner| {
                    if inner.path.is_ident("description") {
                        set_once(&inner, &mut description, string(&inner)?)
                    } else {
                        Err(inner
                            .error("unknown key in `mobsync_handler`; the key is: description"))
                    }
                })?;
                let description = description.ok_or_else(|| {
                    syn::Error::new(span, "`mobsync_handler` needs `description = \"...\"`")
                })?;
                self.role(&meta, span, RoleAttr::MobsyncHandler { description })
            }
            _ => Err(meta.error(format!("unknown key `{key}`; the keys are: {KEYS}"))),
        }
    }

    /// A class plays each role once: the role's key would be written twice.
    fn role(&mut self, meta: &ParseNestedMeta, span: Span, role: RoleAttr) -> syn::Result<()> {
        let same =
            |other: &RoleAttr| core::mem::discriminant(other) == core::mem::discriminant(&role);
        if self.roles.iter().any(|(_, other)| same(other)) {
            return Err(meta.error(format!("`{}` is given twice", path_text(&meta.path))));
        }
        self.roles.push((span, role));
        Ok(())
    }
}

fn set_once<T>(meta: &ParseNestedMeta, slot: &mut Option<T>, value: T) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error(format!("`{}` is given twice", path_text(&meta.path))));
    }
    *slot = Some(value);
    Ok(())
}

fn string(meta: &ParseNestedMeta) -> syn::Result<LitStr> {
    let key = path_text(&meta.path);
    let expr: Expr = meta.value()?.parse()?;
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(text),
            ..
        }) => registry_text(&key, text),
        other => Err(syn::Error::new_spanned(
            other,
            format!("`{key}` takes a string literal, as `{key} = \"...\"`"),
        )),
    }
}

/// Every string of the attributes ends up a registry value, and a line of the
/// class's registration record: neither holds control characters.
fn registry_text(key: &str, text: LitStr) -> syn::Result<LitStr> {
    if text.value().chars().any(char::is_control) {
        return Err(syn::Error::new(
            text.span(),
            format!(
                "`{key}` cannot hold control characters (line breaks, tabs): registry text has none"
            ),
        ));
    }
    Ok(text)
}

fn parse_icon(meta: &ParseNestedMeta) -> syn::Result<Icon> {
    let expr: Expr = meta.value()?.parse()?;
    let int = |lit: &LitInt, negative: bool| -> syn::Result<Icon> {
        let value: i64 = lit.base10_parse()?;
        let value = if negative { -value } else { value };
        i32::try_from(value)
            .map(Icon::InModule)
            .map_err(|_| syn::Error::new(lit.span(), "an icon index fits in 32 bits"))
    };
    match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(text),
            ..
        }) => {
            // The registration record reads a bare number as an index.
            if text.value().parse::<i32>().is_ok() {
                return Err(syn::Error::new(
                    text.span(),
                    format!(
                        "an icon location names a file, as \"%SystemRoot%\\\\system32\\\\shell32.dll,-1\"; for an index into the DLL's icons write `icon = {}`",
                        text.value()
                    ),
                ));
            }
            Ok(Icon::Location(registry_text("icon", text.clone())?))
        }
        Expr::Lit(ExprLit {
            lit: Lit::Int(lit), ..
        }) => int(lit, false),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr: inner,
            ..
        }) => match &**inner {
            Expr::Lit(ExprLit {
                lit: Lit::Int(lit), ..
            }) => int(lit, true),
            _ => Err(icon_error(&expr)),
        },
        _ => Err(icon_error(&expr)),
    }
}

fn icon_error(expr: &Expr) -> syn::Error {
    syn::Error::new_spanned(
        expr,
        "`icon` is an index into the DLL's icons (`icon = -101` for resource 101) or a location string (`icon = \"%SystemRoot%\\\\system32\\\\shell32.dll,-1\"`)",
    )
}

fn parse_threading(text: &LitStr) -> syn::Result<Threading> {
    match text.value().as_str() {
        "Apartment" => Ok(Threading::Apartment),
        "Free" => Ok(Threading::Free),
        "Both" => Ok(Threading::Both),
        "Neutral" => Ok(Threading::Neutral),
        other => Err(syn::Error::new(
            text.span(),
            format!(
                "unknown threading model `{other}`: write \"Both\", \"Apartment\", \"Free\" or \"Neutral\""
            ),
        )),
    }
}

/// A GUID written `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, braces optional.
fn parse_guid(text: &LitStr) -> syn::Result<u128> {
    let value = text.value();
    let inner = value
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .unwrap_or(&value);
    let groups: Vec<&str> = inner.split('-').collect();
    let shaped = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && inner.chars().all(|c| c == '-' || c.is_ascii_hexdigit());
    if !shaped {
        return Err(syn::Error::new(
            text.span(),
            format!(
                "`{value}` is not a GUID: write 32 hexadecimal digits grouped 8-4-4-4-12, as \"9a2b1c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d\""
            ),
        ));
    }
    Ok(u128::from_str_radix(&groups.concat(), 16).expect("checked hexadecimal, 32 digits"))
}

fn same_path(a: &Path, b: &Path) -> bool {
    path_text(a) == path_text(b)
}

fn path_text(path: &Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segments.join("::")
}
