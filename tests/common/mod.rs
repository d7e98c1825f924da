//! Helpers shared by the integration tests that replay `tools/lab-*.py`.
#![allow(dead_code)] // each test binary uses its own subset

/// The header line that names the command a catalog blueprint was made with.
pub const SHOW: &str = "# Application side: akbp show ";

/// Split the header's command the way a POSIX shell would for the quoting
/// `generate` writes: bare words and `'...'` with `'\''` for a quote.
pub fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            }
            ' ' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The `show` arguments in a blueprint's header, or `None` without the line.
pub fn header_args(text: &str) -> Option<Vec<String>> {
    text.lines()
        .find_map(|l| l.strip_prefix(SHOW))
        .map(shell_words)
}

/// The `.yaml` files of `blueprints/`, sorted.
pub fn catalog_blueprints(root: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("blueprints"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    names
}
