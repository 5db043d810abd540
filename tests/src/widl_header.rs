//! The widl oracle: reads the C headers that widl (Wine's IDL compiler) generates and
//! extracts every COM interface's vtable, to check our own parser against.
//!
//! For an interface `IFoo`, the C half of widl's header (the `#else` branch of
//! `#if defined(__cplusplus) && !defined(CINTERFACE)`) declares
//!
//! ```c
//! typedef struct IFooVtbl {
//!     BEGIN_INTERFACE
//!
//!     /*** IUnknown methods ***/
//!     HRESULT (STDMETHODCALLTYPE *QueryInterface)(
//!         IFoo *This,
//!         REFIID riid,
//!         void **ppvObject);
//!     ...
//!     /*** IFoo methods ***/
//!     HRESULT (STDMETHODCALLTYPE *Bar)(
//!         IFoo *This);
//!
//!     END_INTERFACE
//! } IFooVtbl;
//! ```
//!
//! Only these `typedef struct XVtbl { ... } XVtbl;` blocks are read. The C++ class
//! declarations, the `COBJMACROS` macros, the inline wrappers and the proxy/stub prototypes
//! are all ignored. What the result holds is therefore exactly what widl put in the vtables:
//!
//! - Every `XVtbl` struct in the header, keyed by `X`. That includes dispinterfaces (their
//!   vtable is IDispatch's: the three IUnknown methods and four IDispatch methods) and
//!   interfaces not derived from IUnknown (their vtable starts with their own methods).
//! - The whole vtable, inherited methods first, in slot order.
//! - Names as the IDL file declares them, with two differences. widl names property
//!   accessors `get_X`, `put_X`, `putref_X` (IDL: `[propget] HRESULT X(...)`), and that is
//!   kept. widl renames a method that has the name of a base interface's method (C++
//!   overloads, e.g. ID2D1DeviceContext's `CreateBitmap`, which ID2D1RenderTarget also has)
//!   to `ID2D1DeviceContext_CreateBitmap`, as a C struct cannot have two members of one
//!   name; that prefix, the declaring interface named by the `/*** X methods ***/`
//!   comment above the method, is removed again.
//! - `[local]` methods but not their `[call_as]` counterparts (`RemoteNext` and the like),
//!   which widl leaves out of the vtable.
//! - The interfaces of the IDL file and of the files it `#include`s textually (objidl.idl
//!   includes objidlbase.idl), but not those of files it `import`s.
//!
//! The parameter count excludes `This`. For a method returning a struct, widl's C vtable
//! returns a pointer and takes a hidden parameter `__ret` (`D2D1_SIZE_F *
//! (STDMETHODCALLTYPE *GetSize)(ID2D1Bitmap *This, D2D1_SIZE_F *__ret)`); that parameter is
//! not counted either, so the count is that of the IDL declaration.
//!
//! Preprocessor conditionals are not evaluated: widl writes none inside a `Vtbl` struct
//! (a preprocessor line there is reported as an error), and the only conditional around one
//! is the C++/C split. `#if 0` blocks written by `cpp_quote` are not special either; IDL
//! compilers do not see them, so an interface inside one is still an interface.
//!
//! Anything in a `Vtbl` struct that is not a function pointer declaration of that shape
//! makes [`vtables`] panic: an oracle that silently skipped what it did not understand
//! would be worse than none.

use std::collections::BTreeMap;

/// One vtable slot: the method's name and its number of parameters, not counting `This`
/// (nor the `__ret` pointer widl adds to methods that return a struct).
pub type Method = (String, usize);

/// Interface name → its methods in vtable order (IUnknown's `QueryInterface`, `AddRef`,
/// `Release` first, and so on), for every `typedef struct XVtbl` in a header widl generated.
///
/// # Panics
///
/// If a `Vtbl` struct is not shaped as widl writes them (see the module documentation), or
/// if the same interface has two different vtables in the header.
pub fn vtables(header: &str) -> BTreeMap<String, Vec<Method>> {
    // Comments are blanked out, but newlines are kept, so line `n` of `text` is line `n` of
    // `header`: the `/*** IFoo methods ***/` section comments are read from the latter.
    let text = strip_comments(header);
    let mut result = BTreeMap::new();
    let mut lines = text.lines().zip(header.lines());
    while let Some((line, _)) = lines.next() {
        let Some(interface) = vtbl_opening(line) else {
            continue;
        };
        // The struct's body, up to the closing `} XVtbl;` line, in sections: each is the
        // interface that declares the methods (from its section comment) and their text.
        let mut sections: Vec<(Option<&str>, String)> = vec![(None, String::new())];
        loop {
            let (line, original) = lines
                .next()
                .unwrap_or_else(|| panic!("`typedef struct {interface}Vtbl` is never closed"));
            let trimmed = line.trim();
            if let Some(rest) = trimmed.strip_prefix('}') {
                let expected = format!("{interface}Vtbl;");
                assert!(
                    rest.trim() == expected,
                    "`typedef struct {interface}Vtbl` closed by `{trimmed}`"
                );
                break;
            }
            assert!(
                !trimmed.starts_with('#'),
                "preprocessor line in `{interface}Vtbl`: `{trimmed}`"
            );
            if let Some(declarer) = section_comment(original) {
                sections.push((Some(declarer), String::new()));
            } else if trimmed != "BEGIN_INTERFACE" && trimmed != "END_INTERFACE" {
                // (Those two are macros that expand to nothing, or to padding; not methods.)
                let text = &mut sections.last_mut().expect("never empty").1;
                text.push_str(line);
                text.push('\n');
            }
        }
        let mut methods = Vec::new();
        for (declarer, text) in &sections {
            for member in split_top_level(text, ';') {
                if !member.trim().is_empty() {
                    methods.push(parse_method(interface, *declarer, member.trim()));
                }
            }
        }
        if let Some(previous) = result.insert(interface.to_string(), methods) {
            assert!(
                previous == result[interface],
                "two different vtables for `{interface}`"
            );
        }
    }
    result
}

/// `    /*** IFoo methods ***/` → `Some("IFoo")`.
fn section_comment(line: &str) -> Option<&str> {
    let name = line
        .trim()
        .strip_prefix("/***")?
        .strip_suffix("***/")?
        .trim()
        .strip_suffix(" methods")?;
    Some(name).filter(|name| is_identifier(name))
}

/// `typedef struct IFooVtbl {` → `Some("IFoo")`.
fn vtbl_opening(line: &str) -> Option<&str> {
    let line = line.trim().strip_suffix('{')?;
    match line.split_whitespace().collect::<Vec<_>>().as_slice() {
        ["typedef", "struct", tag] => tag.strip_suffix("Vtbl").filter(|name| is_identifier(name)),
        _ => None,
    }
}

/// Parses one vtable member, `RET (STDMETHODCALLTYPE *Name)(IFoo *This, PARAMS)` without
/// its `;`, into the method's name and parameter count. (The calling convention is whatever
/// the IDL says: msdasc.idl's explicit `__stdcall` stays `__stdcall`.) `declarer` is the interface that
/// declares the method, if a section comment said so.
fn parse_method(interface: &str, declarer: Option<&str>, member: &str) -> Method {
    let fail = |why: &str| -> ! { panic!("`{interface}Vtbl` member `{member}`: {why}") };

    // The declarator, `(STDMETHODCALLTYPE *Name)`: the first parenthesised group.
    let open = member
        .find('(')
        .unwrap_or_else(|| fail("not a function pointer"));
    let close = matching_paren(member, open).unwrap_or_else(|| fail("unbalanced parentheses"));
    let declarator = &member[open + 1..close];
    let name = match declarator.rsplit_once('*') {
        Some((_, name)) if is_identifier(name.trim()) => name.trim(),
        _ => fail("no `*Name` in the declarator"),
    };

    // The parameter list: the group right after the declarator, and the member's end.
    let rest = member[close + 1..].trim_start();
    if !rest.starts_with('(') {
        fail("no parameter list");
    }
    let rest_close = matching_paren(rest, 0).unwrap_or_else(|| fail("unbalanced parentheses"));
    if !rest[rest_close + 1..].trim().is_empty() {
        fail("text after the parameter list");
    }
    let params = split_top_level(&rest[1..rest_close], ',');

    // widl always passes the object first, as `IFoo *This`.
    if last_identifier(params[0]) != Some("This") {
        fail("the first parameter is not `This`");
    }
    // `__ret` follows `This` (widl 7 puts it second; the docs of later widl
    // show it last): it is not a parameter of the IDL declaration either way.
    let count = params[1..]
        .iter()
        .filter(|p| last_identifier(p) != Some("__ret"))
        .count();
    // A method with the same name as one of a base interface (C++ overloads, such as
    // ID2D1DeviceContext's CreateBitmap) would be a second struct member of that name, so
    // widl prefixes it with its interface's name: `ID2D1DeviceContext_CreateBitmap`, also
    // in derived interfaces' vtables. Undo that, to get the name the IDL file declares.
    let name = declarer
        .and_then(|declarer| name.strip_prefix(declarer)?.strip_prefix('_'))
        .filter(|name| is_identifier(name))
        .unwrap_or(name);
    (name.to_string(), count)
}

/// Replaces every `/* */` and `//` comment by a space (keeping the newlines of multi-line
/// ones, so lines stay lines). String and character literals are skipped, so `"http://"`
/// is not a comment; a literal never spans lines, so a stray apostrophe in `#error` text
/// cannot swallow the rest of the header.
fn strip_comments(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0; // text[copied..i] is still to be copied to `out`
    let mut i = 0;
    while i < bytes.len() {
        let comment_end = match (bytes[i], bytes.get(i + 1)) {
            (b'"' | b'\'', _) => {
                i = skip_literal(bytes, i);
                continue;
            }
            (b'/', Some(b'*')) => text[i + 2..]
                .find("*/")
                .map_or(text.len(), |e| i + 2 + e + 2),
            (b'/', Some(b'/')) => text[i..].find('\n').map_or(text.len(), |e| i + e),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[copied..i]);
        out.push(' ');
        out.extend(text[i..comment_end].chars().filter(|&c| c == '\n'));
        i = comment_end;
        copied = comment_end;
    }
    out.push_str(&text[copied..]);
    out
}

/// `bytes[start]` opens a string or character literal: the index just past its end, or of
/// the newline that ends an unterminated one.
fn skip_literal(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' => return i,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Splits `text` at every `separator` outside parentheses, brackets and braces.
fn split_top_level(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            c if c == separator && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// The index of the `)` matching the `(` at `text[open]`.
fn matching_paren(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The name a parameter declares: its last identifier, after any array suffixes
/// (`FLOAT color[4]` → `color`). `None` for a function pointer parameter, which ends in its
/// own parameter list.
fn last_identifier(param: &str) -> Option<&str> {
    let mut param = param.trim();
    while let Some(before) = param.strip_suffix(']') {
        param = before[..before.rfind('[')?].trim_end();
    }
    let start = param
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    Some(&param[start..]).filter(|name| is_identifier(name))
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(name, count)` pairs from string slices, for comparisons.
    fn methods(list: &[(&str, usize)]) -> Vec<Method> {
        list.iter().map(|&(n, c)| (n.to_string(), c)).collect()
    }

    const IUNKNOWN: [(&str, usize); 3] = [("QueryInterface", 2), ("AddRef", 0), ("Release", 0)];

    /// An interface as widl writes it, C++ half, C half, macros and inline wrappers.
    const IFOO: &str = r#"
/*****************************************************************************
 * IFoo interface
 */
#ifndef __IFoo_INTERFACE_DEFINED__
#define __IFoo_INTERFACE_DEFINED__

DEFINE_GUID(IID_IFoo, 0x00000003, 0x0000, 0x0000, 0xc0,0x00, 0x00,0x00,0x00,0x00,0x00,0x46);
#if defined(__cplusplus) && !defined(CINTERFACE)
MIDL_INTERFACE("00000003-0000-0000-c000-000000000046")
IFoo : public IUnknown
{
    virtual HRESULT STDMETHODCALLTYPE CppOnly(
        REFIID riid) = 0;

};
#else
typedef struct IFooVtbl {
    BEGIN_INTERFACE

    /*** IUnknown methods ***/
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(
        IFoo *This,
        REFIID riid,
        void **ppvObject);

    ULONG (STDMETHODCALLTYPE *AddRef)(
        IFoo *This);

    ULONG (STDMETHODCALLTYPE *Release)(
        IFoo *This);

    /*** IFoo methods ***/
    HRESULT (STDMETHODCALLTYPE *Bar)(
        IFoo *This);

    HRESULT (STDMETHODCALLTYPE *get_Baz)(
        IFoo *This,
        const FLOAT color[4],
        BYTE data[],
        LONG *value);

    END_INTERFACE
} IFooVtbl;

interface IFoo {
    CONST_VTBL IFooVtbl* lpVtbl;
};

#ifdef COBJMACROS
#ifndef WIDL_C_INLINE_WRAPPERS
#define IFoo_Bar(This) (This)->lpVtbl->Bar(This)
#else
static FORCEINLINE HRESULT IFoo_Bar(IFoo* This) {
    return This->lpVtbl->Bar(This);
}
#endif
#endif

#endif

#endif  /* __IFoo_INTERFACE_DEFINED__ */
"#;

    #[test]
    fn reads_the_c_vtable_only() {
        let mut expected = methods(&IUNKNOWN);
        expected.extend(methods(&[("Bar", 0), ("get_Baz", 3)]));
        assert_eq!(
            vtables(IFOO),
            BTreeMap::from([("IFoo".to_string(), expected)])
        );
    }

    #[test]
    fn keys_every_interface_by_name() {
        let header = format!("{IFOO}\n{}", IFOO.replace("IFoo", "IAbc"));
        let found = vtables(&header);
        assert_eq!(found.keys().collect::<Vec<_>>(), ["IAbc", "IFoo"]);
        assert_eq!(found["IAbc"], found["IFoo"]);
    }

    #[test]
    fn dispinterfaces_have_idispatch_vtables() {
        let header = "
typedef struct DEventsVtbl {
    BEGIN_INTERFACE

    /*** IUnknown methods ***/
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(
        DEvents *This,
        REFIID riid,
        void **ppvObject);

    ULONG (STDMETHODCALLTYPE *AddRef)(
        DEvents *This);

    ULONG (STDMETHODCALLTYPE *Release)(
        DEvents *This);

    /*** IDispatch methods ***/
    HRESULT (STDMETHODCALLTYPE *GetTypeInfoCount)(
        DEvents *This,
        UINT *pctinfo);

    HRESULT (STDMETHODCALLTYPE *GetTypeInfo)(
        DEvents *This,
        UINT iTInfo,
        LCID lcid,
        ITypeInfo **ppTInfo);

    HRESULT (STDMETHODCALLTYPE *GetIDsOfNames)(
        DEvents *This,
        REFIID riid,
        LPOLESTR *rgszNames,
        UINT cNames,
        LCID lcid,
        DISPID *rgDispId);

    HRESULT (STDMETHODCALLTYPE *Invoke)(
        DEvents *This,
        DISPID dispIdMember,
        REFIID riid,
        LCID lcid,
        WORD wFlags,
        DISPPARAMS *pDispParams,
        VARIANT *pVarResult,
        EXCEPINFO *pExcepInfo,
        UINT *puArgErr);

    END_INTERFACE
} DEventsVtbl;
";
        let mut expected = methods(&IUNKNOWN);
        expected.extend(methods(&[
            ("GetTypeInfoCount", 1),
            ("GetTypeInfo", 3),
            ("GetIDsOfNames", 5),
            ("Invoke", 8),
        ]));
        assert_eq!(vtables(header)["DEvents"], expected);
    }

    #[test]
    /// widl 7 passes `__ret` right after `This` (d3d12.h's
    /// GetResourceAllocationInfo); count it out wherever it stands.
    fn struct_returns_do_not_count_ret() {
        let header = "
typedef struct ID2D1BitmapVtbl {
    BEGIN_INTERFACE

    /*** ID2D1Bitmap methods ***/
    D2D1_SIZE_F * (STDMETHODCALLTYPE *GetSize)(
        ID2D1Bitmap *This,
        D2D1_SIZE_F *__ret);

    const D2D1_RECT_F * (STDMETHODCALLTYPE *GetRect)(
        ID2D1Bitmap *This,
        D2D1_RECT_F *__ret,
        UINT index);

    void (STDMETHODCALLTYPE *GetDpi)(
        ID2D1Bitmap *This,
        float *dpi_x,
        float *dpi_y);

    END_INTERFACE
} ID2D1BitmapVtbl;
";
        assert_eq!(
            vtables(header)["ID2D1Bitmap"],
            methods(&[("GetSize", 0), ("GetRect", 1), ("GetDpi", 2)])
        );
    }

    #[test]
    fn undoes_widls_renaming_of_overloads() {
        let header = "
typedef struct IDerived2Vtbl {
    BEGIN_INTERFACE

    /*** IBase methods ***/
    HRESULT (STDMETHODCALLTYPE *Create)(
        IDerived2 *This,
        int a);

    /*** IDerived methods ***/
    HRESULT (STDMETHODCALLTYPE *IDerived_Create)(
        IDerived2 *This,
        int a,
        int b);

    HRESULT (STDMETHODCALLTYPE *IBase_Unrelated)(
        IDerived2 *This);

    /*** IDerived2 methods ***/
    HRESULT (STDMETHODCALLTYPE *IDerived2_)(
        IDerived2 *This);

    END_INTERFACE
} IDerived2Vtbl;
";
        // Only the declaring interface's prefix goes, and only if a name remains.
        assert_eq!(
            vtables(header)["IDerived2"],
            methods(&[
                ("Create", 1),
                ("Create", 2),
                ("IBase_Unrelated", 0),
                ("IDerived2_", 0)
            ])
        );
    }

    #[test]
    fn function_pointer_parameters_are_parameters() {
        let header = "
typedef struct IViewObjectVtbl {
    BEGIN_INTERFACE
    HRESULT (STDMETHODCALLTYPE *Draw)(
        IViewObject *This,
        LPCRECTL lprcWBounds,
        BOOL (STDMETHODCALLTYPE *pfnContinue)(ULONG_PTR dwContinue),
        ULONG_PTR dwContinue);

    HRESULT (STDMETHODCALLTYPE *Freeze)(
        IViewObject *This);

    HRESULT (__stdcall *Explicit)(
        IViewObject *This,
        HWND hWndParent);

    END_INTERFACE
} IViewObjectVtbl;
";
        // (And an explicit calling convention, as msdasc.idl has.)
        assert_eq!(
            vtables(header)["IViewObject"],
            methods(&[("Draw", 3), ("Freeze", 0), ("Explicit", 1)])
        );
    }

    #[test]
    fn comments_and_literals() {
        // A vtable in a comment is no vtable; a comment opener in a string is no comment;
        // an apostrophe in `#error` text opens nothing.
        let header = r#"
/* typedef struct IGoneVtbl {
} IGoneVtbl; */
#define URL "http://example.com/*"
#error don't
typedef struct IKeptVtbl { // trailing comment
    BEGIN_INTERFACE
    HRESULT (STDMETHODCALLTYPE /* odd */ *Kept)(
        IKept *This, /* the object */
        int a); // one
    END_INTERFACE
} IKeptVtbl;
"#;
        assert_eq!(
            vtables(header),
            BTreeMap::from([("IKept".to_string(), methods(&[("Kept", 1)]))])
        );
    }

    #[test]
    fn ignores_other_structs_and_forward_typedefs() {
        let header = "
typedef struct IFooVtbl IFooVtbl;
typedef struct _COSERVERINFO {
    DWORD dwReserved1;
} COSERVERINFO;
";
        assert!(vtables(header).is_empty());
    }

    #[test]
    #[should_panic(expected = "`IBadVtbl` member `DWORD field`: not a function pointer")]
    fn rejects_what_it_does_not_understand() {
        vtables("typedef struct IBadVtbl {\n    DWORD field;\n} IBadVtbl;\n");
    }

    #[test]
    #[should_panic(expected = "preprocessor line in `IBadVtbl`")]
    fn rejects_conditionals_in_a_vtable() {
        vtables("typedef struct IBadVtbl {\n#ifdef X\n#endif\n} IBadVtbl;\n");
    }

    #[test]
    #[should_panic(expected = "never closed")]
    fn rejects_an_unclosed_vtable() {
        vtables("typedef struct IBadVtbl {\n");
    }

    #[test]
    fn helpers() {
        assert_eq!(last_identifier(" IFoo *This"), Some("This"));
        assert_eq!(last_identifier("const FLOAT c[4][2]"), Some("c"));
        assert_eq!(last_identifier("BOOL (*f)(int x)"), None);
        assert_eq!(
            split_top_level("a, f(b, c), d[1,2]", ','),
            ["a", " f(b, c)", " d[1,2]"]
        );
        assert_eq!(matching_paren("(a(b)c)d", 0), Some(6));
        assert_eq!(vtbl_opening("typedef struct IFooVtbl {"), Some("IFoo"));
        assert_eq!(vtbl_opening("typedef struct IFooVtbl IFooVtbl;"), None);
        assert_eq!(section_comment("    /*** IFoo methods ***/"), Some("IFoo"));
        assert_eq!(section_comment("    /* IFoo methods */"), None);
    }
}
