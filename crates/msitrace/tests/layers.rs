//! The library's modules form layers: no two top-level modules import each other, directly or
//! through others, and the renderers sit above everything but the fleet layer. Read from the
//! source (`crate::<module>` paths outside tests and comments), so `cargo test` shows the check:
//! a cycle fails with the modules that make it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The library's source folder.
fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file below a folder.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its unit tests and comments.
fn code(path: &Path) -> String {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.split("#[cfg(test)]\nmod ").next().unwrap_or("");
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Top-level module → the top-level modules its code names with `crate::`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&root).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let module = first.to_string_lossy().trim_end_matches(".rs").to_string();
        if module == "lib" {
            continue;
        }
        let code = code(&file);
        let uses = graph.entry(module.clone()).or_default();
        for (i, _) in code.match_indices("crate::") {
            let name: String = code[i + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let is_module = root.join(&name).is_dir() || root.join(format!("{name}.rs")).is_file();
            if is_module && name != module {
                uses.insert(name);
            }
        }
    }
    graph
}

/// A cycle through `start`, when there is one.
fn cycle_from(
    graph: &BTreeMap<String, BTreeSet<String>>,
    start: &str,
    at: &str,
    path: &mut Vec<String>,
    seen: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    for next in graph.get(at).into_iter().flatten() {
        if next == start {
            let mut cycle = path.clone();
            cycle.push(start.to_string());
            return Some(cycle);
        }
        if seen.insert(next.clone()) {
            path.push(next.clone());
            if let Some(c) = cycle_from(graph, start, next, path, seen) {
                return Some(c);
            }
            path.pop();
        }
    }
    None
}

#[test]
fn top_level_modules_form_layers() {
    let graph = imports();
    assert!(graph.len() > 10, "modules found: {:?}", graph.keys());
    for module in graph.keys() {
        let mut path = vec![module.clone()];
        let cycle = cycle_from(&graph, module, module, &mut path, &mut BTreeSet::new());
        assert!(
            cycle.is_none(),
            "import cycle between modules: {}",
            cycle.unwrap().join(" → ")
        );
    }
}

#[test]
fn the_model_is_at_the_bottom_and_renderers_at_the_top() {
    let graph = imports();
    for bottom in ["findings", "position", "text", "paths", "locale_date"] {
        for upper in ["analysis", "report", "rules", "source", "clock", "graph"] {
            assert!(
                !graph[bottom].contains(upper),
                "{bottom} must not depend on {upper}"
            );
        }
    }
    // Only the fleet layer, which renders fleet summaries with the renderers' escaping, sits above
    // them; the model, readers, rules and the analysis stay below.
    for (module, uses) in &graph {
        assert!(
            module == "fleet" || !uses.contains("report"),
            "{module} imports the renderers"
        );
    }
    for below in ["analysis", "source", "rules", "event", "clock", "graph"] {
        assert!(
            !graph[below].contains("fleet"),
            "{below} imports the fleet layer"
        );
    }
}
