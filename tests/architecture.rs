//! The shape of the code: data flows one way (load -> validate -> model -> render -> write), so
//! no module of `src/` uses one that uses it back. Read from the source, as a reviewer would.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module to the top-level modules its code (outside its tests) names as `crate::x`.
fn uses() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src).into_iter().map(Result::unwrap) {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
        let module = rel.split('/').next().unwrap().trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let named = uses.entry(module.clone()).or_default();
        for (at, _) in code.match_indices("crate::") {
            let used: String = code[at + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if used != module && !used.is_empty() {
                named.insert(used);
            }
        }
    }
    uses
}

#[test]
fn no_module_uses_one_that_uses_it_back() {
    let uses = uses();
    assert!(uses.contains_key("render") && uses.contains_key("data"), "{uses:?}");
    let reachable = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(module) = todo.pop() {
            for next in uses.get(&module).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let cycles: Vec<String> = uses
        .iter()
        .flat_map(|(module, used)| used.iter().map(move |u| (module, u)))
        .filter(|(module, used)| reachable(used).contains(module.as_str()))
        .map(|(module, used)| format!("{module} -> {used} -> ... -> {module}"))
        .collect();
    assert!(cycles.is_empty(), "modules that use each other: {cycles:#?}");
    // The model knows nothing of how it is shown.
    for model in ["data", "content", "config", "files", "diagnostic"] {
        for output in ["render", "charts", "profile", "serve", "build"] {
            assert!(!reachable(model).contains(output), "{model} reaches {output}");
        }
    }
}
