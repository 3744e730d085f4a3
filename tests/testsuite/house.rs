//! The house rules CONTRIBUTING.md states, read from the source itself: no
//! file over 1,000 lines before its tests, no function of 150 lines or more,
//! no import circles between the top-level modules, the model importing
//! nothing of quire's but its diagnostics, and each back end reading neither
//! the other nor what it must not.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common;

const LONGEST_FILE: usize = 1_000;
const LONGEST_FUNCTION: usize = 150;

/// Every `.rs` file under `src/` but test modules kept in files of their own.
fn sources() -> Vec<(String, String)> {
    let root = common::root().join("src");
    let mut stack = vec![root.clone()];
    let mut files = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && path.file_name().is_some_and(|n| n != "tests.rs")
            {
                let name = relative(&root, &path);
                files.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap()
        .to_str()
        .unwrap()
        .replace('\\', "/")
}

/// The file's code before its tests, with comments, strings and character
/// literals blanked (newlines kept), so braces and paths in them do not count.
fn code(text: &str) -> String {
    let before_tests = text
        .find("\n#[cfg(test)]")
        .map_or(text, |at| &text[..at + 1]);
    let chars: Vec<char> = before_tests.chars().collect();
    let mut out = String::with_capacity(chars.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                out.push(blank(chars[i]));
                i += 1;
            }
            out.push_str("  ");
            i += 2;
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !ident(chars.get(i.wrapping_sub(1)))
        {
            // A raw string: r"…", r#"…"#.
            let mut hashes = 0;
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let rest: String = chars[j + 1..].iter().collect();
            let end = rest.find(&close).map_or(chars.len(), |at| {
                j + 1 + rest[..at].chars().count() + close.chars().count()
            });
            for &k in &chars[i..end] {
                out.push(blank(k));
            }
            i = end;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A character literal ('{', '\n', '\u{7b}'), not a lifetime.
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                out.push(' ');
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// Each function's name, first line and length in lines.
fn functions(code: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(k) = words.iter().position(|w| *w == "fn") else {
            continue;
        };
        let before_ok = words[..k].iter().all(|w| {
            matches!(*w, "pub" | "const" | "async" | "unsafe" | "extern") || w.starts_with("pub(")
        });
        let Some(name) = words.get(k + 1) else {
            continue;
        };
        if !before_ok {
            continue;
        }
        let name: String = name
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let mut depth = 0i32;
        let mut opened = false;
        'lines: for (end, text) in lines.iter().enumerate().skip(at) {
            for c in text.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    ';' if !opened => break 'lines,
                    _ => {}
                }
                if opened && depth == 0 {
                    found.push((name.clone(), at + 1, end - at + 1));
                    break 'lines;
                }
            }
        }
    }
    found
}

#[test]
fn no_source_file_runs_past_a_thousand_lines_before_its_tests() {
    let long: Vec<String> = sources()
        .iter()
        .map(|(name, text)| (name, code(text).lines().count()))
        .filter(|(_, lines)| *lines > LONGEST_FILE)
        .map(|(name, lines)| format!("src/{name}: {lines} lines"))
        .collect();
    assert!(
        long.is_empty(),
        "split these by idea (CONTRIBUTING.md):\n{}",
        long.join("\n")
    );
}

#[test]
fn no_function_runs_to_a_hundred_and_fifty_lines() {
    let mut long = Vec::new();
    for (name, text) in sources() {
        for (function, line, lines) in functions(&code(&text)) {
            if lines >= LONGEST_FUNCTION {
                long.push(format!("src/{name}:{line} {function}: {lines} lines"));
            }
        }
    }
    assert!(
        long.is_empty(),
        "split these into named steps (CONTRIBUTING.md):\n{}",
        long.join("\n")
    );
}

/// The top-level modules each top-level module names (`crate::x`), outside
/// its tests; items of the crate root (`crate::Options`) are not modules.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let files = sources();
    let modules: BTreeSet<String> = files
        .iter()
        .map(|(name, _)| module_of(name))
        .filter(|m| m != "lib" && m != "main")
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, text) in &files {
        let from = module_of(name);
        let code = code(text);
        let targets = graph.entry(from.clone()).or_default();
        for (at, _) in code.match_indices("crate::") {
            let target: String = code[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if target != from && modules.contains(&target) {
                targets.insert(target);
            }
        }
        // `use crate::{a, b::c}` names several: the first word of each part.
        for (at, _) in code.match_indices("crate::{") {
            let mut depth = 0;
            let mut part = String::new();
            for c in code[at + "crate::{".len()..].chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        first_word_names(&part, &from, &modules, targets);
                        part.clear();
                        continue;
                    }
                    _ => {}
                }
                part.push(c);
            }
            first_word_names(&part, &from, &modules, targets);
        }
    }
    graph
}

fn first_word_names(
    part: &str,
    from: &str,
    modules: &BTreeSet<String>,
    targets: &mut BTreeSet<String>,
) {
    let word: String = part
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if word != from && modules.contains(&word) {
        targets.insert(word);
    }
}

fn module_of(name: &str) -> String {
    name.split('/')
        .next()
        .unwrap()
        .trim_end_matches(".rs")
        .to_string()
}

#[test]
fn the_top_level_modules_import_each_other_without_circles() {
    let graph = imports();
    // Depth-first search for a back edge, reporting the circle it closes.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        circles: &mut Vec<String>,
    ) {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut circle = path[at..].to_vec();
            circle.push(node.to_string());
            circles.push(circle.join(" → "));
            return;
        }
        if !done.insert(node.to_string()) {
            return;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done, circles);
        }
        path.pop();
    }
    let mut circles = Vec::new();
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done, &mut circles);
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

/// What each top-level module may import, as the README's Architecture
/// section lists it. The crate root (lib.rs, the pipeline) and the command
/// line may import everything.
const MAY_IMPORT: &[(&str, &[&str])] = &[
    ("model", &["diag"]),
    ("diag", &[]),
    ("project", &["diag"]),
    ("output", &["diag"]),
    ("filename", &[]),
    ("images", &["model"]),
    ("config", &["diag", "fonts", "model", "project"]),
    ("parse", &["config", "diag", "model"]),
    (
        "resolve",
        &["config", "diag", "images", "model", "parse", "project"],
    ),
    ("fonts", &["diag", "model", "project"]),
    ("layout", &["diag", "fonts", "model", "project"]),
    ("epub", &["diag", "images", "model"]),
    ("stores", &["diag", "epub", "model"]),
    (
        "cover",
        &["diag", "fonts", "images", "layout", "model", "project"],
    ),
    (
        "pdf",
        &["cover", "diag", "fonts", "images", "layout", "model"],
    ),
    (
        "check",
        &[
            "cover", "diag", "epub", "layout", "model", "output", "project", "stores",
        ],
    ),
    (
        "import",
        &[
            "check", "config", "diag", "filename", "model", "parse", "project", "resolve",
        ],
    ),
    ("cache", &["diag", "project"]),
    ("memory", &["cache", "epub", "layout", "pdf"]),
    ("watch", &["cache", "diag", "output", "project"]),
    (
        "serve",
        &[
            "cache", "check", "diag", "fonts", "layout", "model", "pdf", "watch",
        ],
    ),
    ("init", &[]),
    (
        "pipeline",
        &[
            "check", "cover", "diag", "epub", "fonts", "layout", "model", "project", "stores",
            "writers",
        ],
    ),
    (
        "writers",
        &[
            "cover", "diag", "epub", "fonts", "layout", "model", "pdf", "stores",
        ],
    ),
    ("cli", &["init"]),
];

#[test]
fn each_module_imports_only_what_the_map_allows() {
    let graph = imports();
    let mut wrong = Vec::new();
    for (module, targets) in &graph {
        if matches!(module.as_str(), "lib" | "main") {
            continue;
        }
        let Some((_, allowed)) = MAY_IMPORT.iter().find(|(m, _)| m == module) else {
            wrong.push(format!("src/{module} is not in the map: add it to the README's Architecture section and to MAY_IMPORT"));
            continue;
        };
        for target in targets {
            if !allowed.contains(&target.as_str()) {
                wrong.push(format!("{module} imports {target}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports the map does not allow (README, Architecture):\n{}",
        wrong.join("\n")
    );
}

/// The map names files that exist: every path in backticks under `src/`,
/// `tests/`, `benches/` or `.ci/` in CONTRIBUTING.md and the README.
#[test]
fn the_walk_throughs_name_files_that_exist() {
    let mut missing = Vec::new();
    for document in ["CONTRIBUTING.md", "README.md"] {
        let text = std::fs::read_to_string(common::root().join(document)).unwrap();
        let mut named = 0;
        for quoted in text.split('`').skip(1).step_by(2) {
            let path = quoted.trim_end_matches(['.', ',']);
            let is_path = ["src/", "tests/", "benches/", ".ci/"]
                .iter()
                .any(|root| path.starts_with(root))
                && path
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c));
            if !is_path {
                continue;
            }
            named += 1;
            if !common::root().join(path).exists() {
                missing.push(format!("{document}: {path}"));
            }
        }
        assert!(
            named >= 3,
            "{document} names only {named} files: is the map still there?"
        );
    }
    assert!(
        missing.is_empty(),
        "the map names files that do not exist:\n{}",
        missing.join("\n")
    );
}

/// The rules must see what they judge: a long function and a circle are found.
#[test]
fn the_rules_find_what_they_look_for() {
    let body = "    let x = 1;\n".repeat(160);
    let source = format!(
        "/// doc {{\nfn short() {{ let s = \"}}\"; let c = '{{'; }}\npub(crate) fn long<'a>(x: &'a str) {{\n{body}}}\n#[cfg(test)]\nmod tests {{ fn t() {{}} }}\n"
    );
    let found = functions(&code(&source));
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0], ("short".to_string(), 2, 1));
    assert_eq!(found[1].0, "long");
    assert_eq!(found[1].2, 162);
    let raw = code("const S: &str = r#\"{ \"quoted\" }\"#;\nfn f() {}\n");
    assert_eq!(functions(&raw), vec![("f".to_string(), 2, 1)]);
}
