use std::collections::HashMap;

use super::*;
use crate::diagnostic::Severity;

/// Files in memory, keyed by path.
struct Mem(HashMap<PathBuf, Vec<u8>>);

impl FileProvider for Mem {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
}

fn mem(files: &[(&str, &str)]) -> Mem {
    Mem(files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), t.as_bytes().to_vec()))
        .collect())
}

fn run_with(
    main: &str,
    files: &[(&str, &str)],
    options: &Options,
) -> (Preprocessed, Vec<Diagnostic>) {
    preprocess(SourceFile::new("main.idl", main), options, &mem(files))
}

fn run(main: &str) -> (Preprocessed, Vec<Diagnostic>) {
    run_with(main, &[], &Options::default())
}

/// The output of a run that must report nothing.
fn clean(main: &str) -> String {
    let (p, d) = run(main);
    assert!(d.is_empty(), "unexpected diagnostics: {:#?}", messages(&d));
    p.text
}

fn messages(d: &[Diagnostic]) -> Vec<String> {
    d.iter()
        .map(|d| {
            let kind = if d.severity == Severity::Error {
                "error"
            } else {
                "warning"
            };
            format!("{kind}: {}", d.message)
        })
        .collect()
}

fn errors(d: &[Diagnostic]) -> Vec<&Diagnostic> {
    d.iter().filter(|d| d.is_error()).collect()
}

/// `path:line:col` where the first occurrence of `needle` in the output maps.
fn pos_of(p: &Preprocessed, needle: &str) -> String {
    let at = p
        .text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in output {:?}", p.text));
    p.span(at, at + needle.len()).position()
}

/// `path:line:col` of a diagnostic's primary span.
fn diag_pos(d: &Diagnostic) -> String {
    d.span
        .as_ref()
        .map_or_else(|| "-".to_string(), SourceSpan::position)
}

fn spanned_text(span: &SourceSpan) -> &str {
    span.file
        .text()
        .get(span.start..span.end)
        .unwrap_or("<bad range>")
}

/// Output with all whitespace removed, for comparing expansions whose spacing
/// is incidental.
fn tight(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Evaluates `#if expr` to true or false (and checks nothing was reported).
fn truth(expr: &str) -> bool {
    let out = clean(&format!("#if {expr}\nyes\n#else\nno\n#endif\n"));
    match out.trim() {
        "yes" => true,
        "no" => false,
        other => panic!("unexpected output {other:?}"),
    }
}

// ----- text, comments, line structure -----

#[test]
fn plain_text_passes_through_unchanged() {
    let src = "interface IFoo : IUnknown {\n    HRESULT F([in] int x); // note\n};\n";
    let (p, d) = run(src);
    assert!(d.is_empty());
    assert_eq!(p.text, src);
    assert_eq!(pos_of(&p, "HRESULT"), "main.idl:2:5");
}

#[test]
fn empty_input_gives_empty_output_and_sane_spans() {
    let (p, d) = run("");
    assert!(d.is_empty());
    assert_eq!(p.text, "");
    let s = p.span(0, 0);
    assert_eq!((s.start, s.end), (0, 0));
    let s = p.span(10, 3);
    assert_eq!(s.file.path(), Path::new("main.idl"));
}

#[test]
fn directive_and_skipped_lines_become_empty_lines() {
    let src = "#define X 1\nint a = X;\n#if 0\nskip me\n#endif\nint b;\n";
    let (p, d) = run(src);
    assert!(d.is_empty());
    assert_eq!(p.text, "\nint a = 1;\n\n\n\nint b;\n");
    assert_eq!(pos_of(&p, "int b"), "main.idl:6:1");
}

#[test]
fn comments_are_kept_verbatim() {
    let src = "/** Doc comment\n *  for IFoo */\ninterface IFoo; // trailing\n";
    assert_eq!(clean(src), src);
}

#[test]
fn directives_and_macros_inside_comments_are_ignored() {
    let src = "#define X 1\n/* X\n#define Y 2\n#error no\n*/ Y X // X\n";
    let out = clean(src);
    assert_eq!(out, "\n/* X\n#define Y 2\n#error no\n*/ Y 1 // X\n");
}

#[test]
fn comment_before_hash_still_makes_a_directive() {
    let out = clean("/* c */ #define X 5\nX\n");
    assert_eq!(out, "\n5\n");
}

#[test]
fn macros_are_not_expanded_in_string_or_char_literals() {
    let src = "#define X 1\n\"X /* no comment\" L\"X\" 'X' X\n";
    assert_eq!(clean(src), "\n\"X /* no comment\" L\"X\" 'X' 1\n");
}

#[test]
fn pragma_lines_are_kept_verbatim_and_unexpanded() {
    let src =
        "#define pack nope\n#pragma pack(push, 8)\n  #  pragma warning(disable: 4100)\nstruct S;\n";
    let (p, d) = run(src);
    assert!(d.is_empty());
    assert_eq!(
        p.text,
        "\n#pragma pack(push, 8)\n  #  pragma warning(disable: 4100)\nstruct S;\n"
    );
    assert_eq!(pos_of(&p, "#pragma pack"), "main.idl:2:1");
}

#[test]
fn pragma_in_skipped_block_is_dropped() {
    assert_eq!(clean("#if 0\n#pragma pack(1)\n#endif\nx\n"), "\n\n\nx\n");
}

#[test]
fn null_directive_is_fine() {
    assert_eq!(clean("#\nx\n#   \n"), "\nx\n\n");
}

#[test]
fn crlf_line_endings_work() {
    let src = "#define X 1\r\nint a = X;\r\n#ifdef X\r\nyes\r\n#endif\r\n";
    assert_eq!(clean(src), "\nint a = 1;\r\n\nyes\r\n\n");
}

// ----- continuation lines -----

#[test]
fn continuation_lines_in_directives_are_joined() {
    let src = "#define SUM(a, b) \\\n    ((a) + \\\n     (b))\nint x = SUM(1, 2);\nint y;\n";
    let (p, d) = run(src);
    assert!(d.is_empty());
    assert_eq!(tight(&p.text), "intx=((1)+(2));inty;");
    // The line count is kept: `int y` is still on line 5, of both.
    assert_eq!(p.text.lines().nth(4), Some("int y;"));
    assert_eq!(pos_of(&p, "int y"), "main.idl:5:1");
}

#[test]
fn continuation_lines_in_text_are_joined_and_map_back() {
    let src = "int ab\\\ncd;\nint z;\n";
    let (p, d) = run(src);
    assert!(d.is_empty());
    assert_eq!(p.text, "int abcd;\n\nint z;\n");
    assert_eq!(pos_of(&p, "cd;"), "main.idl:2:1");
    assert_eq!(pos_of(&p, "int z"), "main.idl:3:1");
    assert_eq!(pos_of(&p, "ab"), "main.idl:1:5");
}

#[test]
fn continuation_with_crlf_is_joined() {
    assert_eq!(clean("#define X 1 + \\\r\n 2\r\nX\r\n"), "\n\n1 + 2\r\n");
}

// ----- object-like and function-like macros -----

#[test]
fn object_like_macros_expand_and_rescan() {
    let out = clean("#define A B + 1\n#define B 2\nA\n");
    assert_eq!(out, "\n\n2 + 1\n");
}

#[test]
fn undef_removes_a_macro() {
    assert_eq!(clean("#define X 1\n#undef X\nX\n"), "\n\nX\n");
}

#[test]
fn function_like_macro_without_parens_is_not_expanded() {
    assert_eq!(
        clean("#define f(x) [x]\nf + f(1) + f (2)\n"),
        "\nf + [1] + [2]\n"
    );
}

#[test]
fn empty_function_like_macro_expands_to_nothing() {
    let out = clean("#define threading(model)\n[threading(both), uuid(1)]\n");
    assert_eq!(out, "\n[, uuid(1)]\n");
}

#[test]
fn arguments_may_span_lines_and_keep_line_count() {
    let src = "#define f(a, b) a + b\nx = f(1,\n      2); y\nz\n";
    let (p, d) = run(src);
    assert!(d.is_empty());
    assert_eq!(p.text, "\nx = 1 + 2\n; y\nz\n");
    assert_eq!(pos_of(&p, "z"), "main.idl:4:1");
    assert_eq!(pos_of(&p, "; y"), "main.idl:3:9");
}

#[test]
fn nested_parentheses_and_commas_in_arguments() {
    let out = clean("#define f(a, b) <a|b>\nf((1, 2), g(3, 4))\n");
    assert_eq!(out, "\n<(1, 2)|g(3, 4)>\n");
}

#[test]
fn arguments_are_expanded_before_substitution() {
    let out = clean("#define ONE 1\n#define f(x) (x)\nf(ONE) f(f(ONE))\n");
    assert_eq!(out, "\n\n(1) ((1))\n");
}

#[test]
fn macro_name_at_end_of_expansion_takes_arguments_from_the_text() {
    let out = clean("#define f(x) [x]\n#define g f\ng(1)\n");
    assert_eq!(out, "\n\n[1]\n");
}

#[test]
fn adjacent_tokens_do_not_paste_in_output() {
    let out = clean("#define NEG -1\n#define E\n-NEG a E+E+ b\n");
    assert_eq!(out, "\n\n- -1 a + + b\n");
}

#[test]
fn variadic_macros() {
    let src = "#define P(fmt, ...) f(fmt, __VA_ARGS__)\n#define Q(...) g(__VA_ARGS__)\nP(\"a\", 1, 2) Q() Q(x, y)\n";
    assert_eq!(clean(src), "\n\nf(\"a\", 1, 2) g() g(x, y)\n");
}

#[test]
fn gnu_comma_paste_drops_comma_before_empty_va_args() {
    let src = "#define P(fmt, ...) f(fmt, ## __VA_ARGS__)\nP(a) P(a, b)\n";
    assert_eq!(tight(&clean(src)), "f(a)f(a,b)");
}

#[test]
fn named_variadic_parameter() {
    assert_eq!(
        clean("#define P(args...) g(args)\nP(1, 2)\n"),
        "\ng(1, 2)\n"
    );
}

#[test]
fn stringify_and_paste() {
    let src = "#define S(x) #x\n#define CAT(a, b) a ## b\n#define XCAT(a, b) CAT(a, b)\n#define ONE 1\nS(a  +  \"q\\n\") CAT(foo, bar) CAT(ONE, 2) XCAT(ONE, 2) S()\n";
    assert_eq!(
        clean(src),
        "\n\n\n\n\"a + \\\"q\\\\n\\\"\" foobar ONE2 12 \"\"\n"
    );
}

#[test]
fn pasting_makes_a_name_that_is_then_expanded() {
    let src = "#define DISPID_A 1000\n#define ID(x) DISPID_ ## x\nid(ID(A))\n";
    assert_eq!(clean(src), "\n\nid(1000)\n");
}

#[test]
fn paste_in_object_like_macro() {
    assert_eq!(clean("#define AB a ## b\nAB\n"), "\nab\n");
}

#[test]
fn invalid_paste_is_an_error() {
    let (p, d) = run("#define P(a, b) a ## b\nP(+, /)\n");
    assert_eq!(
        messages(&d),
        ["error: pasting `+` and `/` does not give a valid preprocessing token"]
    );
    assert_eq!(tight(&p.text), "+/");
}

// The examples of the C standard (C11 6.10.3.5), whitespace aside.
#[test]
fn c_standard_example_3() {
    let src = r#"#define x 3
#define f(a) f(x * (a))
#undef x
#define x 2
#define g f
#define z z[0]
#define h g(~
#define m(a) a(w)
#define w 0,1
#define t(a) a
#define p() int
#define q(x) x
#define r(x,y) x ## y
#define str(x) # x
f(y+1) + f(f(z)) % t(t(g)(0) + t)(1);
g(x+(3,4)-w) | h 5) & m
(f)^m(m);
p() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };
char c[2][6] = { str(hello), str() };
"#;
    let (p, _) = run(src);
    assert_eq!(
        tight(&p.text),
        tight(
            "f(2 * (y+1)) + f(2 * (f(2 * (z[0])))) % f(2 * (0)) + t(1);
             f(2 * (2+(3,4)-0,1)) | f(2 * (~ 5)) & f(2 * (0,1))^m(0,1);
             int i[] = { 1, 23, 4, 5, };
             char c[2][6] = { \"hello\", \"\" };"
        )
    );
}

#[test]
fn c_standard_example_4() {
    let src = r#"#define str(s) # s
#define xstr(s) str(s)
#define debug(s, t) printf("x" # s "= %d, x" # t "= %s", \
 x ## s, x ## t)
#define INCFILE(n) vers ## n
#define glue(a, b) a ## b
#define xglue(a, b) glue(a, b)
#define HIGHLOW "hello"
#define LOW LOW ", world"
debug(1, 2);
fputs(str(strncmp("abc\0d", "abc", '\4') // this goes away
 == 0) str(: @\n), s);
xstr(INCFILE(2).h)
glue(HIGH, LOW);
xglue(HIGH, LOW)
"#;
    let (p, d) = run(src);
    assert_eq!(messages(&d), ["warning: macro `LOW` refers to itself"]);
    let expected = r#"printf("x" "1" "= %d, x" "2" "= %s", x1, x2);
fputs("strncmp(\"abc\\0d\", \"abc\", '\\4') == 0" ": @\n", s);
"vers2.h"
"hello";
"hello" ", world""#;
    assert_eq!(tight(&p.text), tight(expected));
}

#[test]
fn c_standard_example_5_placemarkers() {
    let src = "#define t(x,y,z) x ## y ## z\nint j[] = { t(1,2,3), t(,4,5), t(6,,7), t(8,9,),\n t(10,,), t(,11,), t(,,12), t(,,) };\n";
    assert_eq!(tight(&clean(src)), "intj[]={123,45,67,89,10,11,12,};");
}

#[test]
fn c_standard_example_7_variadic() {
    let src = r#"#define debug(...) fprintf(stderr, __VA_ARGS__)
#define showlist(...) puts(#__VA_ARGS__)
#define report(test, ...) ((test)?puts(#test): printf(__VA_ARGS__))
debug("Flag");
debug("X = %d\n", x);
showlist(The first, second, and third items.);
report(x>y, "x is %d but y is %d", x, y);
"#;
    let expected = r#"fprintf(stderr, "Flag");
fprintf(stderr, "X = %d\n", x);
puts("The first, second, and third items.");
((x>y)?puts("x>y"): printf("x is %d but y is %d", x, y));"#;
    assert_eq!(tight(&clean(src)), tight(expected));
}

#[test]
fn standard_f_g_example_terminates() {
    let src = "#define f(a) a*g\n#define g(a) f(a)\nf(2)(9)\n";
    let (p, _) = run(src);
    assert_eq!(tight(&p.text), "2*9*g");
}

// ----- self-reference -----

#[test]
fn self_referential_macro_terminates_with_one_warning() {
    let (p, d) = run("#define A A\nA A\nA\n");
    assert_eq!(p.text, "\nA A\nA\n");
    assert_eq!(messages(&d), ["warning: macro `A` refers to itself"]);
    assert_eq!(diag_pos(&d[0]), "main.idl:2:1");
}

#[test]
fn mutually_recursive_macros_terminate() {
    let (p, d) = run("#define A B\n#define B A\nA B\n");
    assert_eq!(p.text, "\n\nA B\n");
    assert_eq!(
        messages(&d),
        [
            "warning: macro `A` refers to itself",
            "warning: macro `B` refers to itself"
        ]
    );
}

#[test]
fn self_reference_through_function_like_macro() {
    let (p, d) = run("#define foo(x) bar(x) foo(x)\nfoo(1)\n");
    assert_eq!(p.text, "\nbar(1) foo(1)\n");
    assert_eq!(messages(&d), ["warning: macro `foo` refers to itself"]);
}

#[test]
fn painted_token_stays_unexpanded_when_passed_on() {
    let (p, _) = run("#define f(x) x\n#define A f(A)\nA\n");
    assert_eq!(p.text, "\n\nA\n");
}

// ----- expansion limits -----

#[test]
fn exponential_expansion_is_stopped() {
    let mut src = String::from("#define A0 x x\n");
    for k in 1..40 {
        src.push_str(&format!("#define A{k} A{p} A{p}\n", p = k - 1));
    }
    src.push_str("A39 tail\nnext A1\n");
    let (p, d) = run(&src);
    assert_eq!(messages(&d), ["error: macro expansion too large"]);
    assert_eq!(diag_pos(&d[0]), "main.idl:41:1");
    // The line is copied unexpanded; later lines expand again.
    assert!(
        p.text.contains("A39 tail\nnext x x x x\n"),
        "{:?}",
        &p.text[p.text.len() - 40..]
    );
}

#[test]
fn deeply_nested_invocations_are_stopped() {
    let depth = 2000;
    let src = format!(
        "#define f(x) x\n{}1{}\nok\n",
        "f(".repeat(depth),
        ")".repeat(depth)
    );
    let (p, d) = run(&src);
    assert_eq!(messages(&d), ["error: macro expansion too large"]);
    assert!(p.text.ends_with("\nok\n"));
}

#[test]
fn duplicating_arguments_is_bounded() {
    let mut src = String::from("#define D(x) x x x x x x x x\n");
    let depth = 9;
    src.push_str(&format!("{}1{}\n", "D(".repeat(depth), ")".repeat(depth)));
    let (_, d) = run(&src);
    assert_eq!(messages(&d), ["error: macro expansion too large"]);
}

// ----- argument errors -----

#[test]
fn wrong_argument_count_is_an_error_at_the_invocation() {
    let (p, d) = run("#define f(a, b) a b\nx f(1) y\nf(1, 2, 3)\nf(4, 5)\n");
    assert_eq!(
        messages(&d),
        [
            "error: macro `f` expects 2 arguments, but 1 was given",
            "error: macro `f` expects 2 arguments, but 3 were given"
        ]
    );
    assert_eq!(diag_pos(&d[0]), "main.idl:2:3");
    assert_eq!(spanned_text(d[0].span.as_ref().unwrap()), "f(1)");
    assert_eq!(diag_pos(&d[1]), "main.idl:3:1");
    assert!(p.text.ends_with("4 5\n"));
}

#[test]
fn variadic_argument_count() {
    let (_, d) = run("#define f(a, b, ...) a\nf(1)\nf(1, 2)\nf(1, 2, 3, 4)\n");
    assert_eq!(
        messages(&d),
        ["error: macro `f` expects at least 2 arguments, but 1 was given"]
    );
}

#[test]
fn zero_parameter_macro() {
    let (p, d) = run("#define p() int\np() p( ) p(x)\n");
    assert_eq!(
        messages(&d),
        ["error: macro `p` expects 0 arguments, but 1 was given"]
    );
    assert!(p.text.starts_with("\nint int"));
}

#[test]
fn unterminated_argument_list_is_an_error() {
    let (p, d) = run("#define f(x) x\nf(1, \n#define Y\nafter\n");
    assert_eq!(
        messages(&d),
        ["error: unterminated argument list invoking macro `f`"]
    );
    assert_eq!(diag_pos(&d[0]), "main.idl:2:1");
    assert!(p.text.contains("f(1, \n"));
    assert!(p.text.ends_with("after\n"));
}

#[test]
fn many_unterminated_invocations_are_reported_once() {
    let src = format!("#define f(x) x\n{}", "f( a\n".repeat(5000));
    let (p, d) = run(&src);
    assert_eq!(
        messages(&d),
        ["error: unterminated argument list invoking macro `f`"]
    );
    assert_eq!(p.text.lines().count(), 5001);
}

#[test]
fn preprocessed_output_can_cross_threads() {
    fn check<T: Send + Sync>() {}
    check::<Preprocessed>();
    check::<Diagnostic>();
}

// ----- definitions -----

#[test]
fn redefinition_with_a_different_body_warns_at_both_places() {
    let (_, d) = run("#define X 1\n#define X  1\n#define X 2\n");
    assert_eq!(messages(&d), ["warning: macro `X` redefined"]);
    assert_eq!(diag_pos(&d[0]), "main.idl:3:9");
    assert_eq!(d[0].related.len(), 1);
    assert_eq!(d[0].related[0].0.position(), "main.idl:2:9");
}

#[test]
fn bad_definitions_are_errors() {
    let cases = [
        ("#define\n", "macro name missing after `#define`"),
        ("#define 3 x\n", "macro names must be identifiers"),
        (
            "#define defined\n",
            "`defined` cannot be used as a macro name",
        ),
        ("#define f(a, a) a\n", "duplicate macro parameter `a`"),
        (
            "#define f(a b\n",
            "expected `,` or `)` in macro parameter list",
        ),
        ("#define f(a,\n", "missing `)` in macro parameter list"),
        (
            "#define f(a) #b\n",
            "`#` is not followed by a macro parameter",
        ),
        (
            "#define f(a) ## a\n",
            "`##` cannot appear at either end of a macro expansion",
        ),
        (
            "#define X a ##\n",
            "`##` cannot appear at either end of a macro expansion",
        ),
    ];
    for (src, message) in cases {
        let (_, d) = run(src);
        assert_eq!(messages(&d), [format!("error: {message}")], "for {src:?}");
    }
}

#[test]
fn hash_in_object_like_macro_is_an_ordinary_token() {
    assert_eq!(clean("#define H # x\nH\n"), "\n# x\n");
}

// ----- conditionals -----

#[test]
fn nested_conditionals() {
    let src = "\
#define A
#ifdef A
a1
# ifndef B
b1
# elif 1
b2
# else
b3
# endif
#else
not
# if 1
nested
# else
nested2
# endif
#endif
end
";
    let out = clean(src);
    assert_eq!(tight(&out), "a1b1end");
    assert_eq!(out.lines().count(), 19);
}

#[test]
fn elif_chain_takes_first_true_branch_only() {
    let src = "#if 0\na\n#elif 1\nb\n#elif 1\nc\n#else\nd\n#endif\n";
    assert_eq!(tight(&clean(src)), "b");
    let src = "#if 0\na\n#elif 0\nb\n#else\nd\n#endif\n";
    assert_eq!(tight(&clean(src)), "d");
}

#[test]
fn skipped_blocks_tolerate_garbage() {
    let src = "#if 0\nit's unterminated \"text\n#foo bar\n#if garbage ((\n#elif 1/0\n#else\n#endif\n/* #endif */\n#endif\nok\n";
    assert_eq!(tight(&clean(src)), "ok");
}

#[test]
fn comment_in_skipped_block_hides_directives() {
    let src = "#if 0\n/*\n#endif\n*/\n#endif\nok\n";
    assert_eq!(tight(&clean(src)), "ok");
}

#[test]
fn widl_is_not_defined_and_midl_is() {
    let src = "#ifdef __WIDL__\nwidl\n#endif\n#if __midl >= 501\nmidl __midl\n#endif\n";
    assert_eq!(tight(&clean(src)), "midl801");
}

#[test]
fn conditional_errors() {
    let cases: [(&str, &str, &str); 6] = [
        ("#else\n", "`#else` without `#if`", "main.idl:1:1"),
        ("#endif\n", "`#endif` without `#if`", "main.idl:1:1"),
        ("#elif 1\n", "`#elif` without `#if`", "main.idl:1:1"),
        (
            "#if 1\n#else\n#else\n#endif\n",
            "`#else` after `#else`",
            "main.idl:3:1",
        ),
        (
            "#if 1\n#else\n#elif 1\n#endif\n",
            "`#elif` after `#else`",
            "main.idl:3:1",
        ),
        ("x\n  #if 1\ny\n", "unterminated `#if`", "main.idl:2:3"),
    ];
    for (src, message, pos) in cases {
        let (_, d) = run(src);
        assert_eq!(messages(&d), [format!("error: {message}")], "for {src:?}");
        assert_eq!(diag_pos(&d[0]), pos, "for {src:?}");
    }
}

#[test]
fn unterminated_if_points_at_the_if_with_help() {
    let (_, d) = run("#ifdef FOO\nx\n#if 1\n#endif\n");
    assert_eq!(messages(&d), ["error: unterminated `#ifdef`"]);
    assert_eq!(d[0].help.as_deref(), Some("add `#endif`"));
    assert_eq!(spanned_text(d[0].span.as_ref().unwrap()), "#ifdef FOO");
}

#[test]
fn duplicate_else_points_at_the_first() {
    let (_, d) = run("#if 0\n#else\n#else\n#endif\n");
    assert_eq!(d[0].related[0].0.position(), "main.idl:2:1");
}

#[test]
fn conditionals_do_not_leak_out_of_includes() {
    let files = [("inc.h", "#if 1\nin\n")];
    let (p, d) = run_with(
        "#include \"inc.h\"\n#endif\nafter\n",
        &files,
        &Options::default(),
    );
    assert_eq!(
        messages(&d),
        ["error: unterminated `#if`", "error: `#endif` without `#if`"]
    );
    assert_eq!(diag_pos(&d[0]), "inc.h:1:1");
    assert!(p.text.contains("after"));
}

#[test]
fn extra_tokens_after_endif_warn() {
    let (_, d) = run("#if 1\n#endif FOO\n");
    assert_eq!(messages(&d), ["warning: extra tokens after `#endif`"]);
}

// ----- expressions -----

#[test]
fn expression_arithmetic_and_precedence() {
    assert!(truth("1 + 2 * 3 == 7"));
    assert!(truth("(1 + 2) * 3 == 9"));
    assert!(truth("10 / 3 == 3 && 10 % 3 == 1"));
    assert!(truth("1 << 4 == 16 && 256 >> 4 == 16"));
    assert!(truth("(6 & 3) == 2 && (6 | 3) == 7 && (6 ^ 3) == 5"));
    assert!(truth("~0 == -1"));
    assert!(truth("!0 && !!5 == 1"));
    assert!(truth("-7 / 2 == -3 && -7 % 2 == -1"));
    assert!(truth("1 - 2 - 3 == -4"));
    assert!(truth("2 > 1 && 1 < 2 && 2 >= 2 && 2 <= 2 && 1 != 2"));
    assert!(!truth("1 == 2 || 0"));
    assert!(truth("(0, 1)"));
}

#[test]
fn expression_unsigned_semantics() {
    assert!(truth("-1 > 0u"));
    assert!(!truth("-1 > 0"));
    assert!(truth("0xFFFFFFFFFFFFFFFF == -1"));
    assert!(truth("0xFFFFFFFFFFFFFFFF > 0"));
    assert!(truth("18446744073709551615 / 2 == 9223372036854775807"));
    assert!(truth("-1 / 2u == 9223372036854775807"));
    assert!(truth("(-1 >> 63) == -1 && (-1u >> 63) == 1"));
    assert!(truth("1 ? -1 : 0u"));
    assert!(truth("(1 ? -1 : 0u) > 0"));
    assert!(truth("9223372036854775807 + 1 < 0"));
}

#[test]
fn expression_literals_and_suffixes() {
    assert!(truth("0x10 == 16 && 010 == 8 && 0b101 == 5"));
    assert!(truth(
        "10L == 10 && 10UL == 10u && 10ll == 10 && 10i64 == 10 && 5ui64 == 5"
    ));
    assert!(truth(
        "'A' == 65 && '\\n' == 10 && '\\0' == 0 && '\\x41' == 65 && '\\101' == 65"
    ));
    assert!(truth("'\\377' < 0 && L'\\xffff' > 0"));
    assert!(truth("'ab' == 24930"));
    assert!(truth("'\\'' == 39"));
}

#[test]
fn expression_ternary() {
    assert!(truth("(1 ? 2 : 3) == 2"));
    assert!(truth("(0 ? 2 : 3) == 3"));
    assert!(truth("(0 ? 1 : 0 ? 2 : 3) == 3"));
    assert!(truth("(1 ? 0 ? 4 : 5 : 6) == 5"));
}

#[test]
fn expression_defined_forms() {
    let src = "#define A\n#define F(x) x\n#if defined A && defined(A) && defined ( F ) && !defined B\nyes\n#endif\n";
    assert_eq!(tight(&clean(src)), "yes");
}

#[test]
fn expression_identifiers_are_zero_and_macros_expand() {
    assert!(truth("UNDEFINED == 0"));
    assert!(truth("!UNDEFINED"));
    let src = "#define VER 0x0600\n#define CHECK(v) (VER >= (v))\n#if CHECK(0x0501) && !CHECK(0x0700)\nyes\n#endif\n";
    assert_eq!(tight(&clean(src)), "yes");
}

#[test]
fn expression_short_circuit_avoids_division_by_zero() {
    assert!(!truth("0 && 1 / 0"));
    assert!(truth("1 || 1 / 0"));
    assert!(truth("1 ? 1 : 1 / 0"));
}

#[test]
fn division_by_zero_is_an_error_at_the_expression() {
    let (p, d) = run("x\n#if 1 / 0\nyes\n#else\nno\n#endif\n");
    assert_eq!(messages(&d), ["error: division by zero in `#if`"]);
    assert_eq!(diag_pos(&d[0]), "main.idl:2:5");
    assert_eq!(spanned_text(d[0].span.as_ref().unwrap()), "1 / 0");
    assert_eq!(tight(&p.text), "xno");
    let (_, d) = run("#if 1 % 0\n#endif\n");
    assert_eq!(messages(&d), ["error: division by zero in `#if`"]);
}

#[test]
fn bad_expressions_are_errors() {
    for expr in [
        "", "1 +", "(1", "1)", "1 2", "\"s\"", "1.5", "0x", "08", "defined", "defined(", "1 ? 2",
        "1 = 1",
    ] {
        let (_, d) = run(&format!("#if {expr}\n#endif\n"));
        assert_eq!(errors(&d).len(), 1, "for {expr:?}: {:?}", messages(&d));
    }
}

#[test]
fn deeply_nested_expressions_do_not_overflow() {
    let expr = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    let (_, d) = run(&format!("#if {expr}\n#endif\n"));
    assert_eq!(messages(&d), ["error: expression nested too deeply"]);
    let expr = format!("{}1", "- ".repeat(5000));
    let (_, d) = run(&format!("#if {expr}\n#endif\n"));
    assert_eq!(messages(&d), ["error: expression nested too deeply"]);
}

// ----- diagnostics directives -----

#[test]
fn error_and_warning_directives() {
    let (p, d) = run("a\n#error Unsupported platform\n#warning Deprecated  \nb\n");
    assert_eq!(
        messages(&d),
        ["error: Unsupported platform", "warning: Deprecated"]
    );
    assert_eq!(diag_pos(&d[0]), "main.idl:2:1");
    assert_eq!(
        spanned_text(d[1].span.as_ref().unwrap()),
        "#warning Deprecated"
    );
    assert_eq!(p.text, "a\n\n\nb\n");
}

#[test]
fn error_in_skipped_block_is_ignored() {
    assert_eq!(tight(&clean("#if 0\n#error no\n#endif\n")), "");
}

#[test]
fn unknown_directive_is_an_error_when_active() {
    let (_, d) = run("#foo bar\n#if 0\n#bar\n#endif\n");
    assert_eq!(
        messages(&d),
        ["error: unknown preprocessor directive `#foo`"]
    );
    assert_eq!(spanned_text(d[0].span.as_ref().unwrap()), "#foo");
}

// ----- lexical errors -----

#[test]
fn unterminated_comment_is_an_error_at_its_start() {
    let (p, d) = run("int x;\n  /* never\nclosed\n");
    assert_eq!(messages(&d), ["error: unterminated comment"]);
    assert_eq!(diag_pos(&d[0]), "main.idl:2:3");
    assert!(p.text.starts_with("int x;\n  /* never\nclosed\n"));
    assert!(p.text.trim_end().ends_with("*/"));
}

#[test]
fn unterminated_comment_in_directive() {
    let (_, d) = run("#define X 1 /* open\n");
    assert_eq!(messages(&d), ["error: unterminated comment"]);
    assert_eq!(diag_pos(&d[0]), "main.idl:1:13");
}

#[test]
fn unterminated_string_is_an_error_at_its_start_and_we_go_on() {
    let (p, d) = run("a = \"abc;\nb = 'c;\nc\n");
    assert_eq!(
        messages(&d),
        [
            "error: unterminated string literal",
            "error: unterminated character literal"
        ]
    );
    assert_eq!(diag_pos(&d[0]), "main.idl:1:5");
    assert_eq!(diag_pos(&d[1]), "main.idl:2:5");
    assert_eq!(p.text, "a = \"abc;\"\nb = 'c;'\nc\n");
}

#[test]
fn several_errors_are_reported_in_one_run() {
    let (_, d) = run("#foo\n#if 1/0\n#endif\n#endif\n#error stop\n");
    assert_eq!(errors(&d).len(), 4);
}

// ----- includes -----

#[test]
fn quoted_and_angled_includes_are_spliced_in() {
    let files = [("a.h", "int a;\n"), ("inc/b.h", "int b;\n")];
    let options = Options {
        include_dirs: vec![PathBuf::from("inc")],
        ..Options::default()
    };
    let (p, d) = run_with(
        "#include \"a.h\"\n#include <b.h>\nint c;\n",
        &files,
        &options,
    );
    assert!(d.is_empty(), "{:?}", messages(&d));
    // Each include line's own line break follows the included text.
    assert_eq!(p.text, "int a;\n\nint b;\n\nint c;\n");
    assert_eq!(pos_of(&p, "int a"), "a.h:1:1");
    assert_eq!(pos_of(&p, "int b"), "inc/b.h:1:1");
    assert_eq!(pos_of(&p, "int c"), "main.idl:3:1");
}

#[test]
fn include_search_order_is_own_folder_then_dirs_in_order() {
    let files = [
        ("src/main.idl", ""),
        ("src/x.h", "own"),
        ("one/x.h", "one"),
        ("two/x.h", "two"),
        ("two/y.h", "two-y"),
        ("one/z.h", "one-z"),
        ("two/z.h", "two-z"),
    ];
    let options = Options {
        include_dirs: vec![PathBuf::from("one"), PathBuf::from("two")],
        ..Options::default()
    };
    let main = SourceFile::new(
        "src/main.idl",
        "#include <x.h>\n#include \"y.h\"\n#include <z.h>\n",
    );
    let (p, d) = preprocess(main, &options, &mem(&files));
    assert!(d.is_empty(), "{:?}", messages(&d));
    assert_eq!(tight(&p.text), "owntwo-yone-z");
}

#[test]
fn nested_include_is_searched_from_the_including_files_folder() {
    let files = [
        ("sub/a.h", "#include \"b.h\"\na\n"),
        ("sub/b.h", "b\n"),
        ("b.h", "wrong\n"),
    ];
    let (p, d) = run_with("#include \"sub/a.h\"\n", &files, &Options::default());
    assert!(d.is_empty(), "{:?}", messages(&d));
    assert_eq!(tight(&p.text), "ba");
    let s = p.span(0, 1);
    assert_eq!(s.position(), "sub/b.h:1:1");
    let chain: Vec<String> = s
        .included_from
        .iter()
        .map(|site| {
            let (l, c) = site.file.line_col(site.offset);
            format!("{}:{l}:{c}", site.file.path().display())
        })
        .collect();
    assert_eq!(chain, ["sub/a.h:1:1", "main.idl:1:1"]);
}

#[test]
fn missing_include_is_an_error_on_the_name_with_searched_folders() {
    let options = Options {
        include_dirs: vec![PathBuf::from("inc")],
        ..Options::default()
    };
    let (p, d) = run_with("x\n#include   <nope.h>\ny\n", &[], &options);
    assert_eq!(messages(&d), ["error: cannot find include file `nope.h`"]);
    let span = d[0].span.as_ref().unwrap();
    assert_eq!(spanned_text(span), "<nope.h>");
    assert_eq!(span.position(), "main.idl:2:12");
    assert_eq!(d[0].help.as_deref(), Some("searched `.`, `inc`"));
    assert_eq!(p.text, "x\n\ny\n");
}

#[test]
fn recursive_include_is_stopped() {
    let files = [("self.h", "#include \"self.h\"\n#include \"self.h\"\nx\n")];
    let (_, d) = run_with("#include \"self.h\"\n", &files, &Options::default());
    assert_eq!(
        messages(&d),
        ["error: include nesting too deep, likely recursion"]
    );
    assert_eq!(d[0].span.as_ref().unwrap().included_from.len(), 64);
}

#[test]
fn include_through_a_macro() {
    let files = [("a.h", "A\n"), ("inc/b.h", "B\n")];
    let options = Options {
        include_dirs: vec![PathBuf::from("inc")],
        ..Options::default()
    };
    let src = "#define HDR \"a.h\"\n#define SYS <b.h>\n#include HDR\n#include SYS\n";
    let (p, d) = run_with(src, &files, &options);
    assert!(d.is_empty(), "{:?}", messages(&d));
    assert_eq!(tight(&p.text), "AB");
    let (_, d) = run_with("#include FOO\n", &files, &options);
    assert_eq!(
        messages(&d),
        ["error: `#include` expects \"FILENAME\" or <FILENAME>"]
    );
}

#[test]
fn include_guard_and_pragma_once() {
    let files = [
        ("g.h", "#ifndef G_H\n#define G_H\nguarded\n#endif\n"),
        ("o.h", "#pragma once\nonce\n"),
    ];
    let src = "#include \"g.h\"\n#include \"g.h\"\n#include \"o.h\"\n#include \"o.h\"\n";
    let (p, d) = run_with(src, &files, &Options::default());
    assert!(d.is_empty());
    assert_eq!(p.text.matches("guarded").count(), 1);
    assert_eq!(p.text.matches("once\n").count(), 2, "{:?}", p.text);
    assert_eq!(p.text.matches("#pragma once").count(), 1);
}

#[test]
fn macros_defined_in_an_include_are_visible_after_it() {
    let files = [("defs.h", "#define N 42\n")];
    let (p, _) = run_with(
        "#include \"defs.h\"\nint a[N];\n",
        &files,
        &Options::default(),
    );
    assert_eq!(tight(&p.text), "inta[42];");
}

#[test]
fn included_file_without_final_newline() {
    let files = [("a.h", "int a; // c")];
    let (p, _) = run_with("#include \"a.h\"\nint b;\n", &files, &Options::default());
    assert_eq!(p.text, "int a; // c\nint b;\n");
}

#[test]
fn included_file_is_decoded() {
    let mut files = mem(&[]);
    files
        .0
        .insert(PathBuf::from("w.h"), b"int caf\xe9;\n".to_vec());
    let (p, d) = preprocess(
        SourceFile::new("main.idl", "#include \"w.h\"\n"),
        &Options::default(),
        &files,
    );
    assert_eq!(messages(&d), ["warning: file is not valid UTF-8"]);
    assert_eq!(diag_pos(&d[0]), "w.h:1:8");
    assert_eq!(d[0].span.as_ref().unwrap().included_from.len(), 1);
    assert!(p.text.starts_with("int caf\u{e9};"));
}

#[test]
fn disk_files_read_includes_and_answer_exists() {
    let dir = std::env::temp_dir().join(format!("comidl-pp-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("d.h"), "from disk\n").unwrap();
    let main = SourceFile::new(dir.join("main.idl"), "#include \"d.h\"\n");
    let (p, d) = preprocess(main, &Options::default(), &DiskFiles);
    assert!(d.is_empty(), "{:?}", messages(&d));
    assert_eq!(p.text, "from disk\n\n");
    assert!(DiskFiles.exists(&dir.join("d.h")));
    assert!(!DiskFiles.exists(&dir.join("nope.h")));
    assert!(!DiskFiles.exists(&dir));
    assert!(mem(&[("m.h", "")]).exists(Path::new("m.h")));
    let _ = std::fs::remove_dir_all(&dir);
}

// ----- position mapping -----

#[test]
fn expansion_maps_to_the_invocation() {
    let (p, d) = run("#define PLUS(a, b) a + b\n\n  int x = PLUS(1, 2);\n");
    assert!(d.is_empty());
    let at = p.text.find("1 + 2").unwrap();
    let s = p.span(at + 2, at + 3);
    assert_eq!(s.position(), "main.idl:3:11");
    assert_eq!(spanned_text(&s), "PLUS(1, 2)");
    assert_eq!(pos_of(&p, ";"), "main.idl:3:21");
}

#[test]
fn verbatim_ranges_map_byte_for_byte() {
    let src = "#define X 1\nalpha X beta\ngamma\n";
    let (p, _) = run(src);
    for word in ["alpha", "beta", "gamma"] {
        let at = p.text.find(word).unwrap();
        let s = p.span(at, at + word.len());
        assert_eq!(spanned_text(&s), word);
    }
}

#[test]
fn a_range_crossing_segments_is_clamped_to_the_first() {
    let (p, _) = run("#define X 1\nalpha X beta\n");
    let at = p.text.find("alpha").unwrap();
    let s = p.span(at, p.text.len());
    assert_eq!(spanned_text(&s), "alpha ");
}

#[test]
fn offsets_at_or_past_the_end_map_to_the_end_of_the_last_file() {
    let src = "int a;\n";
    let (p, _) = run(src);
    for off in [p.text.len(), p.text.len() + 100] {
        let s = p.span(off, off + 5);
        assert_eq!((s.start, s.end), (src.len(), src.len()));
        assert_eq!(s.file.path(), Path::new("main.idl"));
    }
}

#[test]
fn every_offset_maps_without_panicking() {
    let files = [("a.h", "#define Q(x) #x\nQ(\u{e9}t\u{e9})\n")];
    let src =
        "#include \"a.h\"\n#define A \u{e9} \\\n  1\n/* \u{fc} */ A x\\\ny\n#if 0\nz\n#endif\n";
    let (p, _) = run_with(src, &files, &Options::default());
    for a in 0..=p.text.len() + 2 {
        for b in [0, a, a + 1, a + 7, usize::MAX] {
            let s = p.span(a, b);
            assert!(
                s.start <= s.end && s.end <= s.file.text().len(),
                "{a}..{b} -> {s:?}"
            );
            let _ = s.position();
        }
    }
}

#[test]
fn line_directive_adjusts_positions() {
    let (p, d) = run("a\n#line 100 \"gen.idl\"\nb\n#line 7\nc\n");
    assert!(d.is_empty(), "{:?}", messages(&d));
    assert_eq!(pos_of(&p, "a"), "main.idl:1:1");
    assert_eq!(pos_of(&p, "b"), "gen.idl:100:1");
    assert_eq!(pos_of(&p, "c"), "gen.idl:7:1");
    let s = p.span(p.text.find('b').unwrap(), p.text.find('b').unwrap() + 1);
    assert_eq!(s.file.line_text(100), "b");
}

#[test]
fn line_directive_changes_line_and_file_macros() {
    let out = clean("#line 50 \"x.idl\"\n__LINE__ __FILE__\n");
    assert_eq!(out, "\n50 \"x.idl\"\n");
}

#[test]
fn bad_line_directive_is_an_error() {
    let (_, d) = run("#line x\n");
    assert_eq!(messages(&d), ["error: `#line` needs a line number"]);
}

// ----- predefined macros and options -----

#[test]
fn file_and_line_macros() {
    assert_eq!(clean("a\n__LINE__ __FILE__\n"), "a\n2 \"main.idl\"\n");
}

#[test]
fn options_define_and_undefine() {
    let options = Options {
        defines: vec![
            ("A".to_string(), "1".to_string()),
            ("B".to_string(), "x y".to_string()),
            ("F(a)".to_string(), "[a]".to_string()),
            ("GONE".to_string(), "1".to_string()),
        ],
        undefines: vec!["GONE".to_string(), "__midl".to_string()],
        ..Options::default()
    };
    let (p, d) = run_with("A B F(2) GONE __midl\n", &[], &options);
    assert!(d.is_empty(), "{:?}", messages(&d));
    assert_eq!(p.text, "1 x y [2] GONE __midl\n");
}

#[test]
fn bad_option_define_is_an_error_without_span() {
    let options = Options {
        defines: vec![
            ("1X".to_string(), "1".to_string()),
            ("F(".to_string(), "1".to_string()),
        ],
        ..Options::default()
    };
    let (_, d) = run_with("", &[], &options);
    assert_eq!(d.len(), 2);
    assert!(d.iter().all(|d| d.is_error() && d.span.is_none()));
}

#[test]
fn redefining_a_command_line_macro_warns_without_related() {
    let options = Options {
        defines: vec![("A".to_string(), "1".to_string())],
        ..Options::default()
    };
    let (_, d) = run_with("#define A 2\n", &[], &options);
    assert_eq!(messages(&d), ["warning: macro `A` redefined"]);
    assert!(d[0].related.is_empty());
}

// ----- decoding -----

#[test]
fn decode_utf8_with_and_without_bom() {
    let (f, w) = SourceFile::decode("a.idl", b"\xef\xbb\xbfint x;");
    assert!(w.is_none());
    assert_eq!(f.text(), "int x;");
    let (f, w) = SourceFile::decode("a.idl", "caf\u{e9}".as_bytes());
    assert!(w.is_none());
    assert_eq!(f.text(), "caf\u{e9}");
}

#[test]
fn decode_utf16_both_orders() {
    let text = "int \u{e9}\u{1f600};\n";
    let mut le = vec![0xff, 0xfe];
    let mut be = vec![0xfe, 0xff];
    for unit in text.encode_utf16() {
        le.extend(unit.to_le_bytes());
        be.extend(unit.to_be_bytes());
    }
    for bytes in [le, be] {
        let (f, w) = SourceFile::decode("a.idl", &bytes);
        assert!(w.is_none());
        assert_eq!(f.text(), text);
    }
}

#[test]
fn decode_bad_utf16_warns() {
    let (f, w) = SourceFile::decode("a.idl", &[0xff, 0xfe, b'a', 0, 0x00, 0xd8, b'b', 0]);
    assert_eq!(f.text(), "a\u{fffd}b");
    let w = w.unwrap();
    assert_eq!(w.span.as_ref().unwrap().position(), "a.idl:1:2");
    let (_, w) = SourceFile::decode("a.idl", &[0xff, 0xfe, b'a', 0, b'b']);
    assert!(w.is_some());
}

#[test]
fn decode_latin1_fallback_points_at_first_invalid_byte() {
    let (f, w) = SourceFile::decode("a.idl", b"ok\n\x93quote\x94 caf\xe9 \xc3\xa9");
    assert_eq!(f.text(), "ok\n\u{201c}quote\u{201d} caf\u{e9} \u{e9}");
    let w = w.unwrap();
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(w.span.as_ref().unwrap().position(), "a.idl:2:1");
    let (f, _) = SourceFile::decode("a.idl", b"\x81\x8d\x8f\x90\x9d\xff");
    assert_eq!(f.text(), "\u{81}\u{8d}\u{8f}\u{90}\u{9d}\u{ff}");
}

// ----- robustness -----

/// Runs many pseudo-random inputs built from preprocessor-heavy fragments and
/// checks nothing panics and every output offset maps.
#[test]
fn random_inputs_do_not_panic() {
    const PIECES: &[&str] = &[
        "#define ",
        "#undef ",
        "#if ",
        "#ifdef ",
        "#elif ",
        "#else",
        "#endif",
        "#include ",
        "#pragma ",
        "#line ",
        "#error ",
        "# ",
        "A",
        "B",
        "f",
        "(",
        ")",
        ",",
        "...",
        "__VA_ARGS__",
        "#",
        "##",
        "\"",
        "'",
        "/*",
        "*/",
        "//",
        "\\\n",
        "\n",
        " ",
        "1",
        "0x",
        "defined",
        "\u{e9}",
        "<",
        ">",
        "a.h",
        "?",
        ":",
        "/",
        "%",
        "-",
        "__LINE__",
        "__FILE__",
        "\r\n",
        "L",
        "u8",
    ];
    let files = [("a.h", "#define A f(\nA)\n#include \"a.h\"\n")];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..3000 {
        let n = (next() % 40) as usize;
        let src: String = (0..n)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        let (p, _) = run_with(&src, &files, &Options::default());
        for k in (0..=p.text.len() + 1).step_by(3) {
            let s = p.span(k, k + 2);
            assert!(s.start <= s.end && s.end <= s.file.text().len(), "{src:?}");
        }
    }
}
