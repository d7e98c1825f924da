//! Known values: `--context FILE` and `--env FILE` let akbp evaluate `!Context`, `!Env`,
//! `!Format` and `!If` wherever all their inputs are known, so rules see the resulting
//! redirect URIs, hosts and booleans. A tag with an unknown input stays a tag.
//!
//! Semantics follow authentik/blueprints/v1/common.py at 2026.2.2: `Env.resolve` is
//! `getenv(key) or default` (an empty value counts as unset); `Context.resolve` reads the
//! instance context, which is merged over the file's `context:` defaults; `Format` is
//! Python's `fmt % tuple(args)`; `If` picks a branch by Python truthiness.

use std::collections::HashMap;

use crate::load::{Document, Node, NodeKind, Pair, Scalar, ScalarNode, ScalarStyle, Span};

/// Values given on the command line. Values from `--env` are secrets: callers mask them
/// in every message ([`Known::secret_values`]).
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// `--context`: a mapping that overrides the file's `context:` defaults (which are used
    /// as they are once either flag is given).
    pub context: Option<Vec<Pair>>,
    /// `--env`: the only environment akbp consults (never its own process's).
    pub env: Option<HashMap<String, String>>,
}

/// A `--context` or `--env` file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{flag} {path}: {reason}")]
pub struct KnownError {
    pub flag: &'static str,
    pub path: String,
    pub reason: String,
}

impl Known {
    pub fn is_empty(&self) -> bool {
        self.context.is_none() && self.env.is_none()
    }

    /// Read a `--context` document: a YAML (or JSON) mapping.
    pub fn context_from(doc: &Document) -> Result<Vec<Pair>, String> {
        doc.root
            .as_map()
            .filter(|_| doc.root.custom_tag().is_none())
            .map(<[Pair]>::to_vec)
            .ok_or_else(|| format!("must be a mapping, found {}", doc.root.describe()))
    }

    /// Parse a dotenv text: `KEY=value`, `export KEY=value`, `#` comments, values in single
    /// or double quotes. Reports the first malformed line by number (never its value).
    pub fn env_from(text: &str) -> Result<HashMap<String, String>, String> {
        let mut out = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            let Some((key, value)) = line.split_once('=') else {
                return Err(format!("line {} is not `KEY=value`", i + 1));
            };
            let key = key.trim();
            let valid = !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-');
            if !valid {
                return Err(format!("line {} has no valid variable name", i + 1));
            }
            let value = value.trim();
            let value = match value.as_bytes() {
                [q @ (b'"' | b'\''), .., last] if last == q && value.len() >= 2 => {
                    value[1..value.len() - 1].to_string()
                }
                _ => value
                    .split(" #")
                    .next()
                    .unwrap_or(value)
                    .trim_end()
                    .to_string(),
            };
            out.insert(key.to_string(), value);
        }
        Ok(out)
    }

    /// Every `--env` value long enough to recognise: masked wherever it would be printed.
    pub fn secret_values(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .env
            .iter()
            .flat_map(|e| e.values())
            .filter(|v| v.len() >= 3)
            .cloned()
            .collect();
        v.sort_by_key(|s| std::cmp::Reverse(s.len()));
        v.dedup();
        v
    }

    /// Whether `!Env name` without a default resolves to nothing (absent or empty).
    pub fn env_unset(&self, name: &str) -> Option<bool> {
        self.env
            .as_ref()
            .map(|e| e.get(name).is_none_or(|v| v.is_empty()))
    }
}

/// The document with every evaluable tag replaced by its value (spans kept at the tag,
/// so findings point at what the user wrote). `None` when nothing was known.
pub fn evaluate(doc: &Document, known: &Known) -> Option<Document> {
    if known.is_empty() {
        return None;
    }
    let mut context: Vec<Pair> = doc
        .root
        .get("context")
        .and_then(Node::as_map)
        .map(<[Pair]>::to_vec)
        .unwrap_or_default();
    for p in known.context.iter().flatten() {
        context.retain(|c| c.key.dict_key().is_none() || c.key.dict_key() != p.key.dict_key());
        context.push(p.clone());
    }
    // The file's defaults are known values too once any are given.
    let ev = Evaluator {
        known,
        context: Some(context),
    };
    let mut out = doc.clone();
    out.root = ev.node(&doc.root);
    Some(out)
}

struct Evaluator<'k> {
    known: &'k Known,
    /// The instance context when `--context` was given.
    context: Option<Vec<Pair>>,
}

impl Evaluator<'_> {
    fn node(&self, n: &Node) -> Node {
        // `!Env NAME` that resolves to null stays a tag where it stands, so AKB414 names
        // the variable; inside `!If`/`!Format` its null is used (see `resolved`).
        let unset_env = n.custom_tag().is_some_and(|t| t.name == "!Env")
            && n.as_scalar()
                .is_some_and(|s| self.known.env_unset(&s.text) == Some(true));
        if let Some(v) = self.value(n).filter(|_| !unset_env) {
            return v;
        }
        let kind = match &n.kind {
            NodeKind::Scalar(_) => return n.clone(),
            NodeKind::Seq(items) => NodeKind::Seq(items.iter().map(|i| self.node(i)).collect()),
            NodeKind::Map(pairs) => NodeKind::Map(
                pairs
                    .iter()
                    .map(|p| Pair {
                        key: p.key.clone(),
                        value: self.node(&p.value),
                    })
                    .collect(),
            ),
        };
        Node {
            kind,
            span: n.span,
            tag: n.tag.clone(),
        }
    }

    /// The value of a tagged node when all its inputs are known.
    fn value(&self, n: &Node) -> Option<Node> {
        let tag = n.custom_tag()?.name.as_str();
        let args = n.as_seq();
        let (key, default) = match (n.as_scalar(), args) {
            (Some(s), _) => (Some(s.text.as_str()), None),
            (None, Some(a)) => (a.first().and_then(Node::as_str), a.get(1)),
            _ => (None, None),
        };
        let v = match tag {
            "!Env" => {
                let env = self.known.env.as_ref()?;
                match (env.get(key?).filter(|v| !v.is_empty()), default) {
                    (Some(v), _) => string(v, n.span),
                    (None, Some(d)) => self.resolved(d)?,
                    (None, None) => scalar(Scalar::Null, "null", n.span),
                }
            }
            "!Context" => {
                let ctx = self.context.as_ref()?;
                match ctx.iter().rev().find(|p| p.key.key_str() == key) {
                    Some(p) => self.resolved(&p.value)?,
                    None => self.resolved(default?)?,
                }
            }
            "!Format" => {
                let a = args?;
                let fmt = self.resolved(a.first()?)?;
                let fmt = fmt.as_str()?;
                let values = a[1..]
                    .iter()
                    .map(|x| self.resolved(x))
                    .collect::<Option<Vec<_>>>()?;
                string(&percent_format(fmt, &values)?, n.span)
            }
            "!If" => {
                let a = args?;
                let cond = truthy(&self.resolved(a.first()?)?)?;
                match a.len() {
                    1 => scalar(
                        Scalar::Bool(cond),
                        if cond { "true" } else { "false" },
                        n.span,
                    ),
                    3 => self.resolved(&a[if cond { 1 } else { 2 }])?,
                    _ => return None,
                }
            }
            _ => return None,
        };
        Some(respan(v, n.span))
    }

    /// A node fully evaluated: no authentik tag left inside, or `None`.
    fn resolved(&self, n: &Node) -> Option<Node> {
        let v = match self.value(n) {
            Some(v) => v,
            None => self.node(n),
        };
        let mut tagged = false;
        v.walk(&mut |x| tagged |= x.custom_tag().is_some());
        (!tagged).then_some(v)
    }
}

fn scalar(value: Scalar, text: &str, span: Span) -> Node {
    Node {
        kind: NodeKind::Scalar(ScalarNode::new(text, ScalarStyle::DoubleQuoted, value)),
        span,
        tag: None,
    }
}

fn string(s: &str, span: Span) -> Node {
    scalar(Scalar::Str(s.to_string()), s, span)
}

/// Every span in `n` moved to `span` (the tag the value replaces).
fn respan(mut n: Node, span: Span) -> Node {
    fn go(n: &mut Node, span: Span) {
        n.span = span;
        match &mut n.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Seq(items) => items.iter_mut().for_each(|i| go(i, span)),
            NodeKind::Map(pairs) => pairs.iter_mut().for_each(|p| {
                go(&mut p.key, span);
                go(&mut p.value, span);
            }),
        }
    }
    go(&mut n, span);
    n
}

/// Python truthiness of a constructed value.
fn truthy(n: &Node) -> Option<bool> {
    Some(match &n.kind {
        NodeKind::Seq(items) => !items.is_empty(),
        NodeKind::Map(pairs) => !pairs.is_empty(),
        NodeKind::Scalar(s) => match &s.value() {
            Scalar::Null => false,
            Scalar::Bool(b) => *b,
            Scalar::Int(i) => *i != 0,
            Scalar::Str(s) => !s.is_empty(),
            _ => return None,
        },
    })
}

/// Python's `str()` of a constructed scalar, for `%s`.
fn python_str(n: &Node) -> Option<String> {
    let s = n.as_scalar()?;
    Some(match &s.value() {
        Scalar::Null => "None".into(),
        Scalar::Bool(true) => "True".into(),
        Scalar::Bool(false) => "False".into(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Str(s) => s.clone(),
        _ => return None,
    })
}

/// `fmt % tuple(args)` for `%s`, `%d`, `%i` and `%%`; `None` for anything else (akbp
/// then leaves the tag alone) or a count mismatch (authentik raises TypeError).
fn percent_format(fmt: &str, args: &[Node]) -> Option<String> {
    let mut out = String::new();
    let mut next = args.iter();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' => out.push_str(&python_str(next.next()?)?),
            'd' | 'i' => match &next.next()?.as_scalar()?.value() {
                Scalar::Int(i) => out.push_str(&i.to_string()),
                Scalar::Bool(b) => out.push_str(if *b { "1" } else { "0" }),
                _ => return None,
            },
            _ => return None,
        }
    }
    next.next().is_none().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{parse, SourceFile};

    fn doc(text: &str) -> Document {
        parse(SourceFile::new("t.yaml", text.to_string())).unwrap()
    }

    fn env(pairs: &[(&str, &str)]) -> Known {
        Known {
            context: None,
            env: Some(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
        }
    }

    #[test]
    fn env_format_and_if_evaluate_when_known() {
        let d = doc("a: !Format ['https://%s/cb', !Env HOST]\nb: !If [!Env FLAG, yes, no]\nc: !Env [EMPTY, fallback]\nd: !Env MISSING\n");
        let k = env(&[("HOST", "wiki.example.com"), ("FLAG", ""), ("EMPTY", "")]);
        let e = evaluate(&d, &k).unwrap();
        assert_eq!(
            e.root.get("a").unwrap().as_str(),
            Some("https://wiki.example.com/cb")
        );
        // An empty value is unset (`getenv(k) or default`), so the condition is falsy.
        assert_eq!(
            e.root.get("b").unwrap().scalar_value(),
            Some(Scalar::Bool(false))
        );
        assert_eq!(e.root.get("c").unwrap().as_str(), Some("fallback"));
        // No value, no default: stays a tag for the rules (AKB414).
        assert!(e.root.get("d").unwrap().custom_tag().is_some());
        // Spans stay at what the user wrote.
        assert_eq!(e.root.get("a").unwrap().span, d.root.get("a").unwrap().span);
    }

    #[test]
    fn context_overrides_file_defaults() {
        let d = doc("context: {host: a.example.com, tls: true}\nx: !Format ['%s://%s', !If [!Context tls, https, http], !Context host]\n");
        let over = doc("host: b.example.com\n");
        let k = Known {
            context: Some(Known::context_from(&over).unwrap()),
            env: None,
        };
        let e = evaluate(&d, &k).unwrap();
        assert_eq!(
            e.root.get("x").unwrap().as_str(),
            Some("https://b.example.com")
        );
    }

    #[test]
    fn dotenv_parsing() {
        let e =
            Known::env_from("# c\nexport A=1\nB='two words'\nC=\"x\"\nD=v # note\nE=\n").unwrap();
        assert_eq!(e["A"], "1");
        assert_eq!(e["B"], "two words");
        assert_eq!(e["C"], "x");
        assert_eq!(e["D"], "v");
        assert_eq!(e["E"], "");
        assert_eq!(
            Known::env_from("oops\n").unwrap_err(),
            "line 1 is not `KEY=value`"
        );
        assert!(percent_format("%s-%s", &[]).is_none());
    }
}
