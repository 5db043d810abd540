//! comidl against real IDL nobody here wrote: Wine's ~300 files, with
//! Debian's widl as the oracle.

use std::collections::{BTreeMap, BTreeSet};

use comidl::model::vtable::InterfaceIndex;
use comidl::syntax::load::Loader;
use comidl::syntax::preprocess::{DiskFiles, Options};
use comidl_tests::{Corpus, KnownFailures, widl_header};

#[test]
fn every_file_widl_accepts_passes_check_and_failures_are_the_listed_ones() {
    let corpus = Corpus::get();
    // Read each file twice: as MIDL sees it, and as widl does (`__WIDL__`
    // defined, which turns on Wine's WinRT generics and widl-only branches).
    let midl = Options {
        include_dirs: corpus.include_dirs(),
        ..Options::default()
    };
    let widl = Options {
        defines: vec![("__WIDL__".into(), "1".into())],
        ..midl.clone()
    };
    let loaders = [Loader::new(midl, &DiskFiles), Loader::new(widl, &DiskFiles)];
    let mut failed = BTreeMap::new();
    let files = corpus.idl_files();
    for (file, loader) in files
        .iter()
        .flat_map(|f| loaders.iter().map(move |l| (f, l)))
    {
        let closure = loader.closure(&corpus.path(file));
        let errors: Vec<String> = closure
            .iter()
            .flat_map(|unit| unit.diagnostics.iter())
            .filter(|d| d.is_error())
            .map(|d| d.render(false))
            .collect();
        if !errors.is_empty() {
            failed
                .entry(file.clone())
                .or_insert_with(String::new)
                .push_str(&errors.join("\n"));
        }
    }
    let expected = KnownFailures::read("expected-failures.txt");
    let accepted: BTreeSet<String> = corpus.widl_accepted().into_iter().collect();
    let regressions: Vec<&String> = failed.keys().filter(|f| accepted.contains(*f)).collect();
    println!(
        "checked {} corpus files, with and without __WIDL__: {} pass, {} fail ({} listed as expected)",
        files.len(),
        files.len() - failed.len(),
        failed.len(),
        expected.files.len()
    );
    for (file, errors) in &failed {
        if accepted.contains(file) || !expected.files.contains_key(file) {
            println!("--- {file}\n{errors}");
        }
    }
    assert!(
        regressions.is_empty(),
        "files widl accepts fail: {regressions:?}"
    );
    let mismatches = expected.mismatches(&failed);
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// widl's C name for a vtable entry: property accessors get a prefix.
fn c_name(method: &comidl::syntax::ast::Method<'_>) -> String {
    let name = method.name().map_or("", |n| n.name.as_str());
    let attributes = &method.declaration.attributes;
    for (attribute, prefix) in [
        ("propget", "get_"),
        ("propput", "put_"),
        ("propputref", "putref_"),
    ] {
        if attributes.has(attribute) {
            return format!("{prefix}{name}");
        }
    }
    name.to_string()
}

#[test]
fn vtables_match_widl_for_every_interface_of_every_accepted_file() {
    let corpus = Corpus::get();
    // The oracle reads the files as widl does, with `__WIDL__` defined.
    let options = Options {
        include_dirs: corpus.include_dirs(),
        defines: vec![("__WIDL__".into(), "1".into())],
        ..Options::default()
    };
    let loader = Loader::new(options, &DiskFiles);
    let (mut interfaces, mut methods) = (0, 0);
    let mut mismatches = Vec::new();
    for file in corpus.widl_accepted() {
        let closure = loader.closure(&corpus.path(&file));
        let index = InterfaceIndex::new(&closure);
        let oracle = widl_header::vtables(&corpus.widl_header(&file));
        for (name, expected) in &oracle {
            let ours: Vec<(String, usize)> = match index.vtable(name) {
                Ok(slots) => slots
                    .iter()
                    .map(|s| (c_name(&s.method), s.method.params.len()))
                    .collect(),
                Err(error) => {
                    // A dispinterface's C vtable is IDispatch's.
                    match index.vtable("IDispatch") {
                        Ok(slots) if is_dispinterface(&closure, name) => slots
                            .iter()
                            .map(|s| (c_name(&s.method), s.method.params.len()))
                            .collect(),
                        _ => {
                            mismatches.push(format!("{file}: {name}: {error:?}"));
                            continue;
                        }
                    }
                }
            };
            interfaces += 1;
            methods += expected.len();
            if &ours != expected {
                mismatches.push(format!(
                    "{file}: {name}:\n  widl:   {expected:?}\n  comidl: {ours:?}"
                ));
            }
        }
        // And the other way: every interface the file defines is in widl's header.
        let own = &closure[0];
        for item in interfaces_defined(&own.ast.items) {
            if !oracle.contains_key(&item) {
                mismatches.push(format!("{file}: {item} is defined but widl has no vtable"));
            }
        }
    }
    println!("compared {interfaces} interfaces, {methods} methods against widl");
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert!(
        interfaces > 2000,
        "the corpus should hold thousands of interfaces"
    );
}

fn is_dispinterface(closure: &[std::sync::Arc<comidl::syntax::load::Unit>], name: &str) -> bool {
    use comidl::syntax::ast::Item;
    fn walk(items: &[Item], name: &str) -> bool {
        items.iter().any(|item| match item {
            Item::Dispinterface(d) => d.name.name == name,
            Item::Library(l) => walk(&l.items, name),
            _ => false,
        })
    }
    closure.iter().any(|unit| walk(&unit.ast.items, name))
}

/// Names of the COM interfaces (`object`, `odl` or `dual`) and dispinterfaces
/// defined with a body, at any depth: widl writes a vtable for each. Plain
/// RPC interfaces (`IWinTypes`, `svcctl`) have none.
fn interfaces_defined(items: &[comidl::syntax::ast::Item]) -> Vec<String> {
    use comidl::syntax::ast::Item;
    let mut names = Vec::new();
    for item in items {
        match item {
            Item::Interface(i)
                if i.body.is_some()
                    && ["object", "odl", "dual"]
                        .iter()
                        .any(|a| i.attributes.has(a)) =>
            {
                names.push(i.name.name.clone())
            }
            Item::Dispinterface(d) if d.body.is_some() => names.push(d.name.name.clone()),
            Item::Library(l) => names.extend(interfaces_defined(&l.items)),
            _ => {}
        }
    }
    names
}
