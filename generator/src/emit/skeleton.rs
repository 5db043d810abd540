//! `comidl skeleton`: a starter Rust file for implementing COM interfaces,
//! rendered from `templates/skeleton/handler.rs.jinja`. The signatures are
//! those of the generated `_Impl` traits (`rust::implementors` takes them
//! from the code that declares the traits); this module only names things
//! as a person would (short names and `use` lines) and lays the file out.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use minijinja::{Environment, context};
use proc_macro2::{Delimiter, Group, Ident, Spacing, TokenStream, TokenTree};
use quote::quote;

use crate::diagnostic::Diagnostic;
use crate::emit::rust::{self, GeneratedFile, Implementor};
use crate::model::{Model, ModuleId};

const TEMPLATE_NAME: &str = "handler.rs.jinja";
const TEMPLATE: &str = include_str!("../../../templates/skeleton/handler.rs.jinja");

/// The widest line rustfmt makes, for `use` lists.
const MAX_WIDTH: usize = 100;

/// What a skeleton holds.
#[derive(Clone, Debug, Default)]
pub struct Skeleton {
    /// The name of the struct that implements the interfaces.
    pub struct_name: String,
    /// The interfaces it implements, as the IDL names them; their bases get
    /// an `impl` of their own too.
    pub interfaces: Vec<String>,
    /// The Rust path of the module generated from the IDL file; those of the
    /// files it imports are its siblings. `crate::bindings::<module>` unless
    /// given, as `comidl generate -o src/bindings` and `Builder::compile`
    /// place them.
    pub bindings: Option<String>,
}

impl Skeleton {
    pub fn new(struct_name: impl Into<String>) -> Self {
        Skeleton {
            struct_name: struct_name.into(),
            ..Skeleton::default()
        }
    }

    pub fn interface(mut self, name: impl Into<String>) -> Self {
        self.interfaces.push(name.into());
        self
    }

    pub fn bindings(mut self, path: impl Into<String>) -> Self {
        self.bindings = Some(path.into());
        self
    }

    /// The skeleton's file name when none is given: the struct's name in
    /// snake case, `MyHandler` → `my_handler.rs`.
    pub fn file_name(&self) -> String {
        format!("{}.rs", snake_case(&self.struct_name))
    }
}

/// The skeleton of `skeleton` for interfaces of the file `root`.
pub(crate) fn render(
    model: &Model,
    root: ModuleId,
    options: &rust::Options,
    skeleton: &Skeleton,
) -> Result<GeneratedFile, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let struct_name = match syn::parse_str::<syn::Ident>(&skeleton.struct_name) {
        Ok(name) => Some(name),
        Err(_) => {
            errors.push(Diagnostic::error(format!(
                "`{}` is not a Rust identifier: the struct needs a name such as `MyHandler`",
                skeleton.struct_name
            )));
            None
        }
    };
    let module = &model.modules[root].name;
    let bindings_text = skeleton
        .bindings
        .clone()
        .unwrap_or_else(|| format!("crate::bindings::{module}"));
    let bindings = syn::parse_str::<syn::Path>(&bindings_text)
        .ok()
        .filter(|p| p.segments.iter().all(|s| s.arguments.is_none()));
    if bindings.is_none() {
        errors.push(Diagnostic::error(format!(
            "`{bindings_text}` is not a path to a module, such as `crate::bindings::{module}`"
        )));
    }
    if skeleton.interfaces.is_empty() {
        errors.push(Diagnostic::error(
            "a skeleton implements at least one interface: name one",
        ));
    }
    let (Some(struct_name), Some(bindings), true) = (struct_name, bindings, errors.is_empty())
    else {
        return Err(errors);
    };
    let implementors = rust::implementors(model, root, options, &bindings, &skeleton.interfaces)?;
    let file = model.modules[root]
        .path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let bindings_prefix = path_text(&quote!(#bindings));
    let contents = layout(&implementors, &struct_name, &file, &bindings_prefix)
        .map_err(|e| vec![Diagnostic::error(format!("internal error: {e}"))])?;
    Ok(GeneratedFile {
        name: skeleton.file_name(),
        contents,
    })
}

/// Names things, formats the code and renders the template.
fn layout(
    implementors: &[Implementor],
    struct_name: &Ident,
    file: &str,
    bindings: &str,
) -> Result<String, String> {
    let derive = quote!(comidl_runtime::ComObject);
    let streams = implementors.iter().flat_map(|i| {
        let methods = i.methods.iter();
        [&i.interface, &i.trait_path]
            .into_iter()
            .chain(methods.flat_map(|m| [&m.signature, &m.placeholder]))
    });
    let mut names = Names::new(streams.chain([&derive]), struct_name);
    let derive = path_text(&names.shorten(&derive));
    let mut implements = Vec::new();
    let mut interfaces = Vec::new();
    for implementor in implementors {
        // Bases are implemented, not listed: their names are not needed.
        if implementor.asked {
            implements.push(path_text(&names.shorten(&implementor.interface)));
        }
        let mut methods = Vec::new();
        let mut parameters = false;
        for method in &implementor.methods {
            let signature = names.shorten(&method.signature);
            let parsed: syn::Signature =
                syn::parse2(signature.clone()).map_err(|e| format!("a signature: {e}"))?;
            parameters |= parsed.inputs.len() > 1;
            let body = names.shorten(&method.placeholder);
            methods.push(context! {
                name => &method.name,
                docs => &method.docs,
                signature => signature_text(signature)?,
                body => formatted(quote!(fn __skeleton() { #body }))?,
            });
        }
        interfaces.push(context! {
            name => &implementor.name,
            trait => path_text(&names.shorten(&implementor.trait_path)),
            methods => methods,
            parameters => parameters,
        });
    }
    let asked: Vec<String> = implementors
        .iter()
        .filter(|i| i.asked)
        .map(|i| i.name.clone())
        .collect();
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .map_err(|e| e.to_string())?,
    );
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_template(TEMPLATE_NAME, TEMPLATE)
        .map_err(|e| e.to_string())?;
    let template = env.get_template(TEMPLATE_NAME).map_err(|e| e.to_string())?;
    let text = template
        .render(context! {
            struct => struct_name.to_string(),
            derive => derive,
            file => file,
            asked => asked,
            implements => implements,
            uses => names.uses(bindings),
            interfaces => interfaces,
        })
        .map_err(|e| e.to_string())?;
    // Block tags leave the end of the file to chance: one newline.
    Ok(format!("{}\n", text.trim_end()))
}

/// `item` formatted by prettyplease: the lines inside its braces, one
/// level less indented.
fn formatted(item: TokenStream) -> Result<Vec<String>, String> {
    let file: syn::File = syn::parse2(item).map_err(|e| format!("skeleton code: {e}"))?;
    let text = prettyplease::unparse(&file);
    let lines: Vec<&str> = text.lines().collect();
    Ok(lines
        .get(1..lines.len().saturating_sub(1))
        .unwrap_or_default()
        .iter()
        .map(|line| line.strip_prefix("    ").unwrap_or(line).to_string())
        .collect())
}

/// A method's signature as rustfmt lays it out in an `impl` block: on one
/// line when that fits, with ` {`, in `MAX_WIDTH`; else one parameter per
/// line. prettyplease breaks lines sooner, so its one-per-line form is
/// joined again when rustfmt would.
fn signature_text(signature: TokenStream) -> Result<String, String> {
    let lines = formatted(quote!(trait __Skeleton { #signature; }))?;
    let text = lines.join("\n");
    let text = text.strip_suffix(';').unwrap_or(&text).to_string();
    let [first, params @ .., last] = lines.as_slice() else {
        return Ok(text);
    };
    let one_per_line = first.ends_with('(')
        && last.starts_with(')')
        && params
            .iter()
            .all(|p| p.starts_with("    ") && !p.starts_with("     ") && p.ends_with(','));
    if !one_per_line {
        return Ok(text);
    }
    let params: Vec<&str> = params
        .iter()
        .map(|p| p.trim().trim_end_matches(','))
        .collect();
    let last = last.strip_suffix(';').unwrap_or(last);
    let joined = format!("{first}{}{last}", params.join(", "));
    // Indented in the `impl`, and followed by ` {`.
    Ok(if 4 + joined.len() + 2 <= MAX_WIDTH {
        joined
    } else {
        text
    })
}

/// How a path's tokens read: `a::b::C`.
fn path_text(tokens: &TokenStream) -> String {
    tokens.to_string().replace(' ', "")
}

/// The short names of the skeleton: a path the emitter writes in full
/// (`windows_core::GUID`) is written by its last segment and imported, unless
/// that name is already taken (by another path, a parameter, the struct, a
/// prelude name written bare), when it stays in full.
struct Names {
    /// Short name → the path it stands for; empty for names used bare.
    taken: BTreeMap<String, String>,
    /// The paths to import.
    imports: BTreeSet<String>,
}

/// Paths that are the prelude's own types (the runtime re-exports them for
/// `no_std` bindings): written short with no `use`.
const PRELUDE_ALIASES: [(&str, &str); 2] = [
    ("String", "comidl_runtime::thunk::String"),
    ("Vec", "comidl_runtime::thunk::Vec"),
];

impl Names {
    fn new<'t>(streams: impl Iterator<Item = &'t TokenStream>, struct_name: &Ident) -> Self {
        let mut taken: BTreeMap<String, String> = [struct_name.to_string(), "Default".into()]
            .into_iter()
            .map(|name| (name, String::new()))
            .collect();
        for stream in streams {
            map_paths(stream, &mut |segments: &[Ident]| {
                if let [name] = segments {
                    taken.insert(name.to_string(), String::new());
                }
                None
            });
        }
        for (name, path) in PRELUDE_ALIASES {
            taken.entry(name.into()).or_insert_with(|| path.into());
        }
        Names {
            taken,
            imports: BTreeSet::new(),
        }
    }

    /// `tokens` with the paths written short where they can be.
    fn shorten(&mut self, tokens: &TokenStream) -> TokenStream {
        map_paths(tokens, &mut |segments: &[Ident]| {
            let [.., last] = segments else {
                return None;
            };
            if segments.len() < 2 {
                return None;
            }
            let path = path_text(&quote!(#(#segments)::*));
            let short = last.to_string();
            let owner = self.taken.entry(short).or_insert_with(|| path.clone());
            if *owner != path {
                return None;
            }
            if !PRELUDE_ALIASES.iter().any(|(_, alias)| *alias == path) {
                self.imports.insert(path);
            }
            Some(last.clone())
        })
    }

    /// The `use` lines, one per module, in two groups: what the runtime
    /// crates give, then the bindings (paths under `bindings`' parent), each
    /// in rustfmt's order.
    fn uses(&self, bindings: &str) -> Vec<Vec<String>> {
        let parent = bindings.rsplit_once("::").map_or(bindings, |(p, _)| p);
        let mut groups: [BTreeMap<&str, Vec<&str>>; 2] = Default::default();
        for path in &self.imports {
            let (module, name) = path.rsplit_once("::").expect("imports are paths");
            let group = usize::from(module == bindings || path.starts_with(&format!("{parent}::")));
            groups[group].entry(module).or_default().push(name);
        }
        groups
            .into_iter()
            .filter(|group| !group.is_empty())
            .map(|group| {
                let mut modules: Vec<(&str, Vec<&str>)> = group.into_iter().collect();
                for (_, names) in &mut modules {
                    names.sort_by(|a, b| version_cmp(a, b));
                }
                modules.sort_by(|a, b| use_cmp(a, b));
                modules
                    .iter()
                    .map(|(m, names)| use_line(m, names))
                    .collect()
            })
            .collect()
    }
}

/// `tokens` with each path (an identifier, or several joined by `::`) passed
/// to `f`, and replaced by the identifier it returns.
fn map_paths(tokens: &TokenStream, f: &mut dyn FnMut(&[Ident]) -> Option<Ident>) -> TokenStream {
    let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let colons = |at: usize| {
        matches!((tokens.get(at), tokens.get(at + 1)),
            (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
                if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':')
    };
    let mut out = Vec::new();
    let mut at = 0;
    while at < tokens.len() {
        match &tokens[at] {
            TokenTree::Ident(first) => {
                let mut segments = vec![first.clone()];
                let mut end = at + 1;
                while colons(end)
                    && let Some(TokenTree::Ident(next)) = tokens.get(end + 2)
                {
                    segments.push(next.clone());
                    end += 3;
                }
                // In a call the last segment is a function, which is not
                // imported: `core::ptr::null_mut()` is `ptr::null_mut()`.
                let call = matches!(tokens.get(end),
                    Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
                let item = segments.len() - usize::from(call);
                // After a leading `::` the path is absolute: kept whole.
                let absolute = at >= 2 && colons(at - 2);
                let short = (item > 0 && !absolute)
                    .then(|| f(&segments[..item]))
                    .flatten();
                match short {
                    Some(short) => {
                        out.push(TokenTree::Ident(short));
                        out.extend(tokens[at + 3 * item - 2..end].iter().cloned());
                    }
                    None => out.extend(tokens[at..end].iter().cloned()),
                }
                at = end;
            }
            TokenTree::Group(group) => {
                let mut inner = Group::new(group.delimiter(), map_paths(&group.stream(), f));
                inner.set_span(group.span());
                out.push(TokenTree::Group(inner));
                at += 1;
            }
            other => {
                out.push(other.clone());
                at += 1;
            }
        }
    }
    out.into_iter().collect()
}

/// `use module::name;` or `use module::{a, b};`, wrapped as rustfmt wraps
/// a long list: as many names on each line as fit.
fn use_line(module: &str, names: &[&str]) -> String {
    if let [name] = names {
        return format!("use {module}::{name};");
    }
    let line = format!("use {module}::{{{}}};", names.join(", "));
    if line.len() <= MAX_WIDTH {
        return line;
    }
    let mut text = format!("use {module}::{{\n");
    let mut current = String::new();
    for name in names {
        if !current.is_empty() && 4 + current.len() + 1 + name.len() + 1 > MAX_WIDTH {
            text.push_str(&format!("    {current}\n"));
            current.clear();
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(name);
        current.push(',');
    }
    text.push_str(&format!("    {current}\n}};"));
    text
}

/// rustfmt's order of `use` items: segment by segment, `self`, `super` and
/// `crate` first; a `{...}` list after any name.
fn use_cmp(a: &(&str, Vec<&str>), b: &(&str, Vec<&str>)) -> Ordering {
    let segments = |(module, names): &(&str, Vec<&str>)| -> Vec<Option<String>> {
        let mut segments: Vec<Option<String>> =
            module.split("::").map(|s| Some(s.to_string())).collect();
        // A list of several sorts after every name.
        segments.push(match names.as_slice() {
            [name] => Some((*name).to_string()),
            _ => None,
        });
        segments
    };
    let rank = |segment: &Option<String>| match segment.as_deref() {
        Some("self") => 0,
        Some("super") => 1,
        Some("crate") => 2,
        Some(_) => 3,
        None => 4,
    };
    let (a, b) = (segments(a), segments(b));
    for (x, y) in a.iter().zip(&b) {
        let order = rank(x).cmp(&rank(y)).then_with(|| match (x, y) {
            (Some(x), Some(y)) => version_cmp(x, y),
            _ => Ordering::Equal,
        });
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

/// The Rust style guide's version sorting: digits compare as numbers,
/// `_` before any other character, otherwise by code point.
fn version_cmp(a: &str, b: &str) -> Ordering {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let number = |s: &[char], from: usize| {
                let end = s[from..]
                    .iter()
                    .position(|c| !c.is_ascii_digit())
                    .map_or(s.len(), |n| from + n);
                let digits: String = s[from..end].iter().collect();
                let value = digits.trim_start_matches('0').to_string();
                (value, end)
            };
            let ((x, end_a), (y, end_b)) = (number(&a, i), number(&b, j));
            let order = x.len().cmp(&y.len()).then_with(|| x.cmp(&y));
            if order != Ordering::Equal {
                return order;
            }
            (i, j) = (end_a, end_b);
            continue;
        }
        let key = |c: char| if c == '_' { (0, ' ') } else { (1, c) };
        let order = key(a[i]).cmp(&key(b[j]));
        if order != Ordering::Equal {
            return order;
        }
        (i, j) = (i + 1, j + 1);
    }
    (a.len() - i).cmp(&(b.len() - j))
}

/// `MyHandler` → `my_handler`, `HTTPServer` → `http_server`.
fn snake_case(name: &str) -> String {
    let name = name.strip_prefix("r#").unwrap_or(name);
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (index, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && index > 0 {
            let previous = chars[index - 1];
            let next_is_lower = chars.get(index + 1).is_some_and(|n| n.is_lowercase());
            if previous != '_'
                && (previous.is_lowercase()
                    || previous.is_ascii_digit()
                    || previous.is_uppercase() && next_is_lower)
            {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Why a skeleton was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The file exists and overwriting was not asked for.
    Exists(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Exists(path) => write!(
                f,
                "{} already exists: pass --force to overwrite it",
                crate::diagnostic::display_path(path)
            ),
            WriteError::Io(path, error) => write!(
                f,
                "cannot write {}: {error}",
                crate::diagnostic::display_path(path)
            ),
        }
    }
}

impl std::error::Error for WriteError {}

/// Writes a skeleton to `path` whole (through a temporary file and a
/// rename), creating its folder; an existing file only when `force`.
pub fn write(path: &Path, contents: &str, force: bool) -> Result<(), WriteError> {
    if !force && path.exists() {
        return Err(WriteError::Exists(path.to_path_buf()));
    }
    let io = |error| WriteError::Io(path.to_path_buf(), error);
    let name = path
        .file_name()
        .ok_or_else(|| io(std::io::Error::other("not a file name")))?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    crate::builder::write_if_changed(&dir.join(name), contents.as_bytes()).map_err(io)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use proc_macro2::Span;

    use super::*;

    #[test]
    fn snake_case_splits_words_and_acronyms() {
        assert_eq!(snake_case("MyHandler"), "my_handler");
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(snake_case("FolderSync2Go"), "folder_sync2_go");
        assert_eq!(snake_case("my_handler"), "my_handler");
        assert_eq!(snake_case("Sync_Handler"), "sync_handler");
        assert_eq!(snake_case("r#Type"), "type");
    }

    #[test]
    fn version_order_puts_underscores_first_and_numbers_by_value() {
        let mut names = vec![
            "ISyncMgrHandlerInfo",
            "ISyncMgrHandler_Impl",
            "x10",
            "ISyncMgrHandler",
            "x9",
            "task_mem",
            "BSTR",
        ];
        names.sort_by(|a, b| version_cmp(a, b));
        assert_eq!(
            names,
            [
                "BSTR",
                "ISyncMgrHandler",
                "ISyncMgrHandler_Impl",
                "ISyncMgrHandlerInfo",
                "task_mem",
                "x9",
                "x10"
            ]
        );
    }

    #[test]
    fn long_use_lists_wrap_as_rustfmt_does() {
        let names: Vec<String> = (0..12).map(|i| format!("ISomeLongName{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let text = use_line("crate::bindings::module", &names);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "use crate::bindings::module::{");
        assert_eq!(lines.last(), Some(&"};"));
        assert!(lines.iter().all(|l| l.len() <= MAX_WIDTH));
        assert!(
            lines[1..lines.len() - 1]
                .iter()
                .all(|l| l.starts_with("    ") && l.ends_with(','))
        );
        assert_eq!(use_line("a::b", &["C"]), "use a::b::C;");
        assert_eq!(use_line("a::b", &["C", "D"]), "use a::b::{C, D};");
    }

    #[test]
    fn paths_are_shortened_unless_their_name_is_taken() {
        let struct_name = Ident::new("GUID", Span::call_site());
        let signature = quote!(fn F(&self, a: &windows_core::GUID, b: x::Thing, c: y::Thing, Option: u8) -> z::Option);
        let mut names = Names::new([&signature].into_iter(), &struct_name);
        let short = names.shorten(&signature);
        assert_eq!(
            short.to_string(),
            quote!(fn F(&self, a: &windows_core::GUID, b: Thing, c: y::Thing, Option: u8) -> z::Option)
                .to_string()
        );
        assert_eq!(
            names.uses("crate::b::m"),
            [vec!["use x::Thing;".to_string()]]
        );
    }

    #[test]
    fn use_lines_group_the_bindings_apart_in_rustfmt_order() {
        let names = Names {
            taken: BTreeMap::new(),
            imports: [
                "windows_core::Result",
                "comidl_runtime::hresult::E_NOTIMPL",
                "comidl_runtime::ComObject",
                "crate::bindings::wtypes::HWND",
                "crate::bindings::syncmgr::ISyncMgrHandler",
                "crate::bindings::syncmgr::ISyncMgrHandler_Impl",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
        };
        assert_eq!(
            names.uses("crate::bindings::syncmgr"),
            [
                vec![
                    "use comidl_runtime::ComObject;".to_string(),
                    "use comidl_runtime::hresult::E_NOTIMPL;".into(),
                    "use windows_core::Result;".into(),
                ],
                vec![
                    "use crate::bindings::syncmgr::{ISyncMgrHandler, ISyncMgrHandler_Impl};".into(),
                    "use crate::bindings::wtypes::HWND;".into(),
                ],
            ]
        );
    }
}
