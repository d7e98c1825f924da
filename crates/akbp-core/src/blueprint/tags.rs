//! authentik's YAML tags parsed into typed forms with their argument shapes checked.
//!
//! Shapes follow the constructors in authentik/blueprints/v1/common.py. A wrong shape is
//! a [`TagError`]: for authentik it aborts loading the file or fails the entry.

use crate::load::{Node, NodeKind, Scalar};

use super::entry::Entry;

pub use crate::load::node::KNOWN_TAGS;

/// `!Condition` modes (case-insensitive in authentik). EQ/NEQ arrived in 2026.8.
pub const CONDITION_MODES: [&str; 8] = ["AND", "NAND", "OR", "NOR", "XOR", "XNOR", "EQ", "NEQ"];

/// A tag argument that names something (`!Env NAME`, `!Context key`): its node, and its
/// text when it is written literally rather than computed by another tag.
#[derive(Debug, Clone, Copy)]
pub struct Arg<'d> {
    pub node: &'d Node,
    pub text: Option<&'d str>,
}

#[derive(Debug, Clone)]
pub enum Tag<'d> {
    KeyOf {
        id: &'d str,
    },
    Find {
        model: &'d Node,
        conditions: Vec<(&'d Node, &'d Node)>,
        object: bool,
    },
    Env {
        name: Arg<'d>,
        default: Option<&'d Node>,
    },
    File {
        path: Arg<'d>,
        default: Option<&'d Node>,
    },
    Context {
        key: Arg<'d>,
        default: Option<&'d Node>,
    },
    Format {
        format: &'d Node,
        args: &'d [Node],
    },
    If {
        condition: &'d Node,
        branches: Option<(&'d Node, &'d Node)>,
    },
    Condition {
        mode: &'d Node,
        values: &'d [Node],
    },
    Enumerate {
        iterable: &'d Node,
        output: &'d Node,
        body: &'d Node,
    },
    Index {
        depth: u64,
    },
    Value {
        depth: u64,
    },
    AtIndex {
        object: &'d Node,
        key: &'d Node,
        default: Option<&'d Node>,
    },
    ParseJSON {
        text: &'d str,
    },
}

/// Why a tag's arguments do not have the shape authentik needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagError {
    pub message: String,
    pub help: String,
}

fn err(message: impl Into<String>, help: impl Into<String>) -> TagError {
    TagError {
        message: message.into(),
        help: help.into(),
    }
}

/// One use of an authentik tag (or of an unknown local tag).
#[derive(Debug, Clone)]
pub struct TagUse<'d> {
    pub node: &'d Node,
    /// The tag name without `!`.
    pub name: &'d str,
    /// `None` for a tag authentik does not know.
    pub parsed: Option<Result<Tag<'d>, TagError>>,
    /// How many `!Enumerate` bodies enclose this tag.
    pub enumerate_depth: usize,
    /// The entry the tag sits in, if any.
    pub entry: Option<usize>,
    /// Which entry key holds it (`attrs`, `identifiers`, ...), or the top-level key.
    pub section: &'d str,
}

impl<'d> TagUse<'d> {
    pub fn ok(&self) -> Option<&Tag<'d>> {
        self.parsed.as_ref().and_then(|r| r.as_ref().ok())
    }
}

fn seq<'d>(node: &'d Node, tag: &str, form: &str) -> Result<&'d [Node], TagError> {
    node.as_seq().ok_or_else(|| {
        err(
            format!("`!{tag}` needs a list, found {}", describe_kind(node)),
            format!("write it as `!{tag} {form}`"),
        )
    })
}

fn describe_kind(node: &Node) -> &'static str {
    match node.kind {
        NodeKind::Scalar(_) => "a scalar",
        NodeKind::Seq(_) => "a list",
        NodeKind::Map(_) => "a mapping",
    }
}

fn scalar_or_pair<'d>(
    node: &'d Node,
    tag: &str,
    what: &str,
) -> Result<(Arg<'d>, Option<&'d Node>), TagError> {
    let item = |n: &'d Node| Arg {
        node: n,
        text: n.as_str(),
    };
    match &node.kind {
        NodeKind::Scalar(s) => Ok((
            Arg {
                node,
                text: Some(s.text.as_str()),
            },
            None,
        )),
        NodeKind::Seq(items) => match &items[..] {
            [name] => Ok((item(name), None)),
            [name, default] => Ok((item(name), Some(default))),
            _ => Err(err(
                format!(
                    "`!{tag}` takes a {what} or `[{what}, default]`, found {} items",
                    items.len()
                ),
                format!("write `!{tag} {what}` or `!{tag} [{what}, default]`"),
            )),
        },
        NodeKind::Map(_) => Err(err(
            format!("`!{tag}` takes a {what} or `[{what}, default]`, found a mapping"),
            format!("write `!{tag} {what}` or `!{tag} [{what}, default]`"),
        )),
    }
}

/// Count the arguments a Python `%` format string consumes; `Err` when it uses
/// mapping keys (`%(name)s`), which a tuple of arguments cannot fill.
pub fn format_arity(fmt: &str) -> Result<usize, String> {
    let b = fmt.as_bytes();
    let mut i = 0;
    let mut n = 0;
    while i < b.len() {
        if b[i] != b'%' {
            i += 1;
            continue;
        }
        i += 1;
        if i >= b.len() {
            return Err(
                "the format ends with a lone `%` (write `%%` for a literal percent sign)".into(),
            );
        }
        if b[i] == b'%' {
            i += 1;
            continue;
        }
        if b[i] == b'(' {
            return Err(
                "`%(name)s` placeholders need a mapping, but `!Format` passes a list".into(),
            );
        }
        while i < b.len() && b"#0- +".contains(&b[i]) {
            i += 1;
        }
        if i < b.len() && b[i] == b'*' {
            n += 1;
            i += 1;
        }
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            if i < b.len() && b[i] == b'*' {
                n += 1;
                i += 1;
            }
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        while i < b.len() && b"hlL".contains(&b[i]) {
            i += 1;
        }
        match b.get(i) {
            Some(c) if b"diouxXeEfFgGcrsa".contains(c) => {
                n += 1;
                i += 1;
            }
            Some(_) => {
                let c = fmt[i..].chars().next().unwrap_or('?');
                return Err(format!("`%{c}` is not a Python format conversion (write `%%` for a literal percent sign)"));
            }
            None => return Err("the format ends inside a `%` placeholder".into()),
        }
    }
    Ok(n)
}

/// Parse the arguments of one known tag.
pub fn parse<'d>(name: &str, node: &'d Node) -> Result<Tag<'d>, TagError> {
    match name {
        "KeyOf" => match &node.kind {
            NodeKind::Scalar(s) if !s.text.is_empty() => Ok(Tag::KeyOf { id: &s.text }),
            NodeKind::Scalar(_) => Err(err(
                "`!KeyOf` names no id",
                "write `!KeyOf <id of an earlier entry>`",
            )),
            _ => Err(err(
                format!("`!KeyOf` takes an id, found {}", describe_kind(node)),
                "write `!KeyOf <id of an earlier entry>`",
            )),
        },
        "Find" | "FindObject" => {
            let items = seq(node, name, "[model, [field, value], ...]")?;
            let Some((model, rest)) = items.split_first() else {
                return Err(err(
                    format!("`!{name}` needs a model and at least one `[field, value]` condition"),
                    format!("write `!{name} [app.model, [field, value]]`"),
                ));
            };
            let mut conditions = Vec::new();
            for c in rest {
                match c.as_seq() {
                    Some([f, v]) if c.custom_tag().is_none() => conditions.push((f, v)),
                    _ => {
                        return Err(err(
                            format!("each `!{name}` condition must be a `[field, value]` pair, found {}", c.describe()),
                            "write each condition as `[field, value]`, e.g. `[slug, default-authentication-flow]`",
                        ))
                    }
                }
            }
            Ok(Tag::Find {
                model,
                conditions,
                object: name == "FindObject",
            })
        }
        "Env" => {
            scalar_or_pair(node, name, "NAME").map(|(name, default)| Tag::Env { name, default })
        }
        "File" => {
            scalar_or_pair(node, name, "path").map(|(path, default)| Tag::File { path, default })
        }
        "Context" => {
            scalar_or_pair(node, name, "key").map(|(key, default)| Tag::Context { key, default })
        }
        "Format" => {
            let items = seq(node, name, "[format, arg, ...]")?;
            let Some((format, args)) = items.split_first() else {
                return Err(err(
                    "`!Format` needs a format string",
                    "write `!Format [\"%s-suffix\", value]`",
                ));
            };
            if let Some(fmt) = format.as_str() {
                match format_arity(fmt) {
                    Ok(n) if n != args.len() => {
                        return Err(err(
                            format!(
                                "the format has {n} placeholder(s) but {} argument(s) follow",
                                args.len()
                            ),
                            "give one argument per `%s`-style placeholder (Python `%` formatting)",
                        ))
                    }
                    Ok(_) => {}
                    Err(m) => {
                        return Err(err(
                            m,
                            "use `%s` placeholders and `%%` for a literal percent sign",
                        ))
                    }
                }
            }
            Ok(Tag::Format { format, args })
        }
        "If" => {
            let items = seq(node, name, "[condition, then, else]")?;
            match items {
                [c] => Ok(Tag::If {
                    condition: c,
                    branches: None,
                }),
                [c, t, e] => Ok(Tag::If {
                    condition: c,
                    branches: Some((t, e)),
                }),
                _ => Err(err(
                    format!("`!If` takes 1 or 3 items, found {}", items.len()),
                    "write `!If [condition]` or `!If [condition, value if true, value if false]`",
                )),
            }
        }
        "Condition" => {
            let items = seq(node, name, "[MODE, value, ...]")?;
            let Some((mode, values)) = items.split_first() else {
                return Err(err(
                    "`!Condition` needs a mode and values",
                    "write `!Condition [AND, a, b]`",
                ));
            };
            if values.is_empty() {
                return Err(err(
                    "`!Condition` needs at least one value after the mode",
                    "authentik fails with \"At least one value is required after mode selection.\"",
                ));
            }
            if let Some(m) = mode.as_str() {
                if !CONDITION_MODES.contains(&m.to_ascii_uppercase().as_str()) {
                    return Err(err(
                        format!("`{m}` is not a `!Condition` mode"),
                        format!("use one of {}", CONDITION_MODES.join(", ")),
                    ));
                }
            }
            Ok(Tag::Condition { mode, values })
        }
        "Enumerate" => {
            let items = seq(node, name, "[iterable, SEQ|MAP, body]")?;
            let [iterable, output, body] = items else {
                return Err(err(
                    format!("`!Enumerate` takes 3 items, found {}", items.len()),
                    "write `!Enumerate [iterable, SEQ, body]` or `[iterable, MAP, body]`",
                ));
            };
            if let Some(o) = output.as_str() {
                if o != "SEQ" && o != "MAP" {
                    return Err(err(
                        format!("`!Enumerate` output type must be `SEQ` or `MAP`, found `{o}`"),
                        "write SEQ to build a list or MAP to build a mapping",
                    ));
                }
            }
            Ok(Tag::Enumerate {
                iterable,
                output,
                body,
            })
        }
        "Index" | "Value" => {
            let depth = match node.as_scalar().map(|s| (s.value(), s.text.as_str())) {
                Some((Scalar::Int(d), _)) if d >= 0 => d as u64,
                Some((_, t)) if t.parse::<u64>().is_ok() => t.parse::<u64>().unwrap_or(0),
                _ => {
                    return Err(err(
                        format!(
                            "`!{name}` takes a non-negative integer depth, found {}",
                            node.describe()
                        ),
                        format!("write `!{name} 0` for the innermost `!Enumerate`"),
                    ))
                }
            };
            Ok(if name == "Index" {
                Tag::Index { depth }
            } else {
                Tag::Value { depth }
            })
        }
        "AtIndex" => {
            let items = seq(node, name, "[object, key, default]")?;
            match items {
                [o, k] => Ok(Tag::AtIndex {
                    object: o,
                    key: k,
                    default: None,
                }),
                [o, k, d] => Ok(Tag::AtIndex {
                    object: o,
                    key: k,
                    default: Some(d),
                }),
                _ => Err(err(
                    format!("`!AtIndex` takes 2 or 3 items, found {}", items.len()),
                    "write `!AtIndex [object, key]` or `!AtIndex [object, key, default]`",
                )),
            }
        }
        "ParseJSON" => match &node.kind {
            NodeKind::Scalar(s) => match serde_json::from_str::<serde_json::Value>(&s.text) {
                Ok(_) => Ok(Tag::ParseJSON { text: &s.text }),
                Err(e) => Err(err(
                    format!("`!ParseJSON` text is not valid JSON: {e}"),
                    "quote the JSON text as one YAML string, e.g. `!ParseJSON '{\"a\": 1}'`",
                )),
            },
            _ => Err(err(
                format!(
                    "`!ParseJSON` takes a JSON string, found {}",
                    describe_kind(node)
                ),
                "`!ParseJSON` cannot wrap another tag; quote the JSON text",
            )),
        },
        _ => Err(err(format!("`!{name}` is not an authentik tag"), "")),
    }
}

/// Collect every local tag in the document with its context.
pub fn collect<'d>(root: &'d Node, entries: &[Entry<'d>]) -> Vec<TagUse<'d>> {
    let mut out = Vec::new();
    let Some(pairs) = root.as_map() else {
        visit(root, 0, None, "", &mut out);
        return out;
    };
    // Only the `entries` PyYAML keeps (the last one) holds the entries.
    let entries_pair = root.get_pair("entries");
    for p in pairs {
        let section = p.key.key_str().unwrap_or("");
        if entries_pair.is_some_and(|e| std::ptr::eq(e, p)) && p.value.custom_tag().is_none() {
            visit_entries(&p.value, entries, &mut out);
        } else {
            visit(&p.key, 0, None, section, &mut out);
            visit(&p.value, 0, None, section, &mut out);
        }
    }
    out
}

fn visit_entries<'d>(node: &'d Node, entries: &[Entry<'d>], out: &mut Vec<TagUse<'d>>) {
    for e in entries {
        if let Some(pairs) = e.node.as_map() {
            for p in pairs {
                let key = p.key.key_str().unwrap_or("");
                visit(&p.key, 0, Some(e.index), key, out);
                visit(&p.value, 0, Some(e.index), key, out);
            }
        } else {
            visit(e.node, 0, Some(e.index), "", out);
        }
    }
    // Section keys and non-entry items of the map form.
    match &node.kind {
        NodeKind::Map(sections) => {
            for s in sections {
                visit(&s.key, 0, None, "entries", out);
                if s.value.as_seq().is_none() {
                    visit(&s.value, 0, None, "entries", out);
                }
            }
        }
        NodeKind::Scalar(_) => visit(node, 0, None, "entries", out),
        NodeKind::Seq(_) => {}
    }
}

fn visit<'d>(
    node: &'d Node,
    depth: usize,
    entry: Option<usize>,
    section: &'d str,
    out: &mut Vec<TagUse<'d>>,
) {
    let mut body_depth = depth;
    if let Some(tag) = node.custom_tag() {
        let name = tag.local_name().unwrap_or(tag.name.as_str());
        let parsed = if KNOWN_TAGS.contains(&name) {
            Some(parse(name, node))
        } else {
            None
        };
        if matches!(parsed, Some(Ok(Tag::Enumerate { .. }))) {
            body_depth = depth + 1;
        }
        out.push(TagUse {
            node,
            name,
            parsed,
            enumerate_depth: depth,
            entry,
            section,
        });
    }
    match &node.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                // Only the body (third item) of `!Enumerate` sees its index and value.
                let d = if body_depth > depth && i == 2 {
                    body_depth
                } else {
                    depth
                };
                visit(item, d, entry, section, out);
            }
        }
        NodeKind::Map(pairs) => {
            for p in pairs {
                visit(&p.key, depth, entry, section, out);
                visit(&p.value, depth, entry, section, out);
            }
        }
    }
}

/// The first release that has the tag `name` (without `!`), for the tags that came after
/// 2024.10; `None` for the others. From `schemas/tags.json` (its `since`), the data the
/// language server's hover and completion use too.
pub fn available_since(name: &str) -> Option<crate::target::Target> {
    crate::model::tags::doc(name).and_then(|d| d.since)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_arity_follows_python() {
        assert_eq!(format_arity("https://%s/cb"), Ok(1));
        assert_eq!(format_arity("%s-%d %%"), Ok(2));
        assert_eq!(format_arity("%5.2f %*d"), Ok(3));
        assert!(format_arity("%(a)s").is_err());
        assert!(format_arity("100%").is_err());
        assert!(format_arity("%y").is_err());
    }

    #[test]
    fn tag_releases_come_from_the_tag_data() {
        use crate::target::Target;
        assert_eq!(available_since("AtIndex"), Some(Target::new(2024, 12)));
        assert_eq!(available_since("FindObject"), Some(Target::new(2025, 8)));
        assert_eq!(available_since("ParseJSON"), Some(Target::new(2025, 8)));
        assert_eq!(available_since("KeyOf"), None);
    }
}
