//! The YAML tree akbp works on: every node keeps its byte span, its tag (with the
//! tag's own span) and, for scalars, the raw text, its style and its PyYAML value.

use super::source::Span;
use super::yaml11::{big_digits, construct, resolve_plain, timestamp_iso, Scalar};

/// The 14 tags authentik registers on its `BlueprintLoader`.
pub const KNOWN_TAGS: [&str; 14] = [
    "KeyOf",
    "Find",
    "FindObject",
    "Context",
    "Format",
    "Condition",
    "If",
    "Env",
    "File",
    "Enumerate",
    "Value",
    "Index",
    "AtIndex",
    "ParseJSON",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A tag as written: `!KeyOf`, or the full form of a core tag
/// (`tag:yaml.org,2002:str` for `!!str`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeTag {
    pub name: String,
    pub span: Span,
}

impl NodeTag {
    /// authentik's own tags are local tags: `!Name`.
    pub fn local_name(&self) -> Option<&str> {
        self.name.strip_prefix('!')
    }

    /// The suffix of a YAML core tag (`str` for `!!str`).
    pub fn core_name(&self) -> Option<&str> {
        self.name.strip_prefix("tag:yaml.org,2002:")
    }
}

/// The text of a scalar: up to 15 bytes are kept inside the node, longer texts in one
/// shared allocation (a copy is a reference count, not a copy of the bytes).
pub type Text = ecow::EcoString;

/// A scalar as written (its text after escape processing and its style) and which value
/// PyYAML builds from it.
///
/// The value is not stored beside the text: for a string, a date or `=` it *is* the text,
/// and for a number or `!!binary` it is rebuilt from the text by the constructor that
/// built it when the file was read. A scalar is 24 bytes, so a node is 40 (a 10 MiB file
/// of one-letter scalars needs 140 MB of nodes, not 500; docs/hostile-input.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalarNode {
    /// The scalar's content after YAML escape processing.
    pub text: Text,
    pub style: ScalarStyle,
    built: Built,
}

/// Which of PyYAML's constructors built the scalar's value, and so how to rebuild it from
/// the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Built {
    Null,
    False,
    True,
    /// A `str` equal to the text.
    Str,
    /// A date or datetime written as the text.
    Timestamp,
    /// A plain `=` (see [`Scalar::Unconstructible`]).
    Unconstructible,
    /// A number found by the implicit resolvers of an untagged plain scalar.
    Plain,
    /// A number built by `!!int`.
    Int,
    /// A number built by `!!float`.
    Float,
    /// The bytes of `!!binary`.
    Binary,
}

impl ScalarNode {
    /// The scalar `text` of `style` from which PyYAML built `value`. A value that none of
    /// the constructors builds from `text` (only a caller's mistake) keeps the value and
    /// takes a text that builds it.
    pub fn new(text: impl Into<Text>, style: ScalarStyle, value: Scalar) -> Self {
        let text = text.into();
        let same_text = |s: &str| s == text.as_str();
        let built = match &value {
            Scalar::Null => Some(Built::Null),
            Scalar::Bool(false) => Some(Built::False),
            Scalar::Bool(true) => Some(Built::True),
            Scalar::Str(s) => same_text(s).then_some(Built::Str),
            Scalar::Timestamp(s) => same_text(s).then_some(Built::Timestamp),
            Scalar::Unconstructible(s) => same_text(s).then_some(Built::Unconstructible),
            Scalar::Int(_) | Scalar::BigInt(_) | Scalar::Float(_) | Scalar::Binary(_) => {
                [Built::Plain, Built::Int, Built::Float, Built::Binary]
                    .into_iter()
                    .find(|b| rebuild(*b, &text).is_some_and(|v| same_scalar(&v, &value)))
            }
        };
        match built {
            Some(built) => ScalarNode { text, style, built },
            None => ScalarNode::of(value, style),
        }
    }

    /// A scalar of `value`, written as PyYAML reads it back: a string as itself, a number
    /// in a form the implicit resolvers type as that number.
    pub fn of(value: Scalar, style: ScalarStyle) -> Self {
        let (text, built): (Text, Built) = match value {
            Scalar::Null => ("null".into(), Built::Null),
            Scalar::Bool(b) => (
                if b { "true" } else { "false" }.into(),
                if b { Built::True } else { Built::False },
            ),
            Scalar::Str(s) => (s.into(), Built::Str),
            Scalar::Timestamp(s) => (s.into(), Built::Timestamp),
            Scalar::Unconstructible(s) => (s.into(), Built::Unconstructible),
            Scalar::Int(i) => (i.to_string().into(), Built::Plain),
            Scalar::BigInt(digits) => (digits.into(), Built::Plain),
            Scalar::Float(f) => (float_text(f).into(), Built::Plain),
            Scalar::Binary(b) => (b.into(), Built::Binary),
        };
        ScalarNode { text, style, built }
    }

    /// What PyYAML constructs from the scalar (untagged plain scalars are typed, others
    /// are strings; a core tag such as `!!int` forces its type).
    pub fn value(&self) -> Scalar {
        rebuild(self.built, &self.text).unwrap_or_else(|| Scalar::Str(self.text.to_string()))
    }

    /// The `str` PyYAML builds, without copying it; `None` for any other type.
    pub fn str_value(&self) -> Option<&str> {
        (self.built == Built::Str).then_some(self.text.as_str())
    }

    /// Whether PyYAML builds `None`.
    pub fn is_null(&self) -> bool {
        self.built == Built::Null
    }

    /// The Python type authentik will see, for messages ([`Scalar::type_name`]).
    pub fn type_name(&self) -> &'static str {
        match self.built {
            // Without copying the text into a value.
            Built::Str => "string",
            _ => self.value().type_name(),
        }
    }

    /// A plain `=` ([`Scalar::Unconstructible`]).
    pub fn is_unconstructible(&self) -> bool {
        self.built == Built::Unconstructible
    }

    /// PyYAML's flatten_mapping reads a `=` key as the string "=".
    pub(crate) fn unconstructible_as_str(&mut self) {
        if self.built == Built::Unconstructible {
            self.built = Built::Str;
        }
    }
}

/// The value `built` makes of `text`; `None` when that constructor refuses it.
fn rebuild(built: Built, text: &str) -> Option<Scalar> {
    Some(match built {
        Built::Null => Scalar::Null,
        Built::False => Scalar::Bool(false),
        Built::True => Scalar::Bool(true),
        Built::Str => Scalar::Str(text.to_string()),
        Built::Timestamp => Scalar::Timestamp(text.to_string()),
        Built::Unconstructible => Scalar::Unconstructible(text.to_string()),
        Built::Plain => resolve_plain(text),
        Built::Int => construct(text, false, Some("int")).ok()?,
        Built::Float => construct(text, false, Some("float")).ok()?,
        Built::Binary => construct(text, false, Some("binary")).ok()?,
    })
}

/// Equal as stored values: floats by their bits, so NaN is itself.
fn same_scalar(a: &Scalar, b: &Scalar) -> bool {
    match (a, b) {
        (Scalar::Float(x), Scalar::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

/// A float as YAML 1.1 writes one that PyYAML's float resolver reads back exactly:
/// `.nan`, `.inf`, `-.inf`, or digits with a dot and a signed exponent.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    // `{:e}` is the shortest text that reads back as the same f64: `1.5e-7`, `1e300`.
    let s = format!("{f:e}");
    let (mantissa, exponent) = s.split_once('e').unwrap_or((&s, "0"));
    let mantissa = if mantissa.contains('.') {
        mantissa.to_string()
    } else {
        format!("{mantissa}.0")
    };
    let exponent = match exponent.strip_prefix('-') {
        Some(e) => format!("-{e}"),
        None => format!("+{exponent}"),
    };
    format!("{mantissa}e{exponent}")
}

/// A mapping key as Python's dict tells keys apart; see [`Node::dict_key`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DictKey<'a> {
    Str(&'a str),
    /// `bool`, `int` and integral `float` keys, by their decimal value.
    Number(String),
    /// A float that is not an integer, by its bits (`-0.0` is the number 0 above).
    Float(u64),
    Null,
    /// A date or datetime, by its ISO form.
    Timestamp(String),
    /// `!!binary` bytes, by their base64 text.
    Binary(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub key: Node,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar(ScalarNode),
    /// Boxed slices, not vectors: a node is 8 bytes smaller without the capacity.
    Seq(Box<[Node]>),
    Map(Box<[Pair]>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
    /// Boxed: most nodes have none, and every node is 24 bytes smaller for it.
    pub tag: Option<Box<NodeTag>>,
}

impl Node {
    pub fn as_scalar(&self) -> Option<&ScalarNode> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Pair]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// A string value: a scalar that PyYAML constructs as `str` (no custom tag).
    pub fn as_str(&self) -> Option<&str> {
        if self.custom_tag().is_some() {
            return None;
        }
        self.as_scalar()?.str_value()
    }

    /// The scalar's text whatever its type (`6` for the integer 6); keys are compared this way.
    pub fn scalar_text(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.as_str())
    }

    /// The scalar's resolved value, when untagged by authentik's tags.
    pub fn scalar_value(&self) -> Option<Scalar> {
        if self.custom_tag().is_some() {
            return None;
        }
        self.as_scalar().map(ScalarNode::value)
    }

    /// The tag if it is not a YAML core tag (`!KeyOf`, `!Fnd`, ...).
    pub fn custom_tag(&self) -> Option<&NodeTag> {
        self.tag.as_deref().filter(|t| t.core_name().is_none())
    }

    pub fn is_null(&self) -> bool {
        self.custom_tag().is_none() && self.as_scalar().is_some_and(ScalarNode::is_null)
    }

    /// The value of `key` in a mapping; the last one wins for duplicates, as in PyYAML.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_pair(key).map(|p| &p.value)
    }

    /// The pair whose key is the string `key` as PyYAML builds the dict: the key's
    /// constructed value decides, not its spelling, so `entries`, `"entries"`,
    /// `"\x65ntries"`, `!!str entries`, `!<tag:yaml.org,2002:str> entries` and
    /// `? entries` are one key, and `1` (an int) is not `"1"`. The last pair wins, as
    /// in Python's dict. Every lookup of a blueprint, Kubernetes or wrapper key goes
    /// through here (or through [`Node::key_str`] when walking pairs).
    pub fn get_pair(&self, key: &str) -> Option<&Pair> {
        self.as_map()?
            .iter()
            .rev()
            .find(|p| p.key.key_str() == Some(key))
    }

    /// The pairs of a mapping as Python's dict holds them: each key once, at the place it
    /// was first written, with the value written last (a duplicate's earlier values are
    /// dropped). Keys equal only to themselves (authentik tags) each stay.
    pub fn dict_pairs(&self) -> Vec<&Pair> {
        let Some(pairs) = self.as_map() else {
            return Vec::new();
        };
        let mut out: Vec<&Pair> = Vec::with_capacity(pairs.len());
        // Sized once: growing rehashes every key again (a fifth of the time of a mapping
        // of 530,000 keys).
        let mut index: std::collections::HashMap<DictKey<'_>, usize> =
            std::collections::HashMap::with_capacity(pairs.len());
        for p in pairs {
            match p.key.dict_key() {
                Some(k) => match index.get(&k) {
                    Some(&i) => out[i] = p,
                    None => {
                        index.insert(k, out.len());
                        out.push(p);
                    }
                },
                None => out.push(p),
            }
        }
        out
    }

    /// A mapping key's name: the `str` PyYAML constructs from it, whatever the spelling
    /// (quotes, escapes, `!!str`, the verbatim tag, an explicit `? key`); `None` for a key
    /// that builds anything else (an int, a bool, an authentik tag object). The string
    /// case of [`Node::dict_key`].
    pub fn key_str(&self) -> Option<&str> {
        match self.dict_key()? {
            DictKey::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The key as Python's dict compares it (hash and `==` of the value PyYAML builds):
    /// strings by content, numbers by value across `bool`, `int` and `float`
    /// (`1 == 1.0 == True`); `None` for a key equal only to itself (an authentik tag
    /// object hashes by identity, NaN is never equal, a collection is unhashable).
    pub fn dict_key(&self) -> Option<DictKey<'_>> {
        if self.custom_tag().is_some() {
            return None;
        }
        let number = |digits: String| Some(DictKey::Number(digits));
        let scalar = self.as_scalar()?;
        if let Some(s) = scalar.str_value() {
            return Some(DictKey::Str(s));
        }
        match &scalar.value() {
            // Handled above without a copy.
            Scalar::Str(_) => None,
            Scalar::Null => Some(DictKey::Null),
            Scalar::Bool(b) => number(u8::from(*b).to_string()),
            Scalar::Int(i) => number(i.to_string()),
            Scalar::BigInt(t) => big_digits(t).and_then(number),
            Scalar::Float(f) if f.is_nan() => None,
            // An integral float equals the int of the same value; `{:.0}` prints it exactly
            // (`-0.0` is the number 0).
            Scalar::Float(f) if *f == 0.0 => number("0".into()),
            Scalar::Float(f) if f.is_finite() && f.fract() == 0.0 => number(format!("{f:.0}")),
            Scalar::Float(f) => Some(DictKey::Float(f.to_bits())),
            Scalar::Timestamp(t) => timestamp_iso(t).ok().map(DictKey::Timestamp),
            Scalar::Binary(b) => Some(DictKey::Binary(b.clone())),
            Scalar::Unconstructible(_) => None,
        }
    }

    /// A short description for messages: "a mapping", "a list", "the string `x`".
    pub fn describe(&self) -> String {
        if let Some(t) = self.custom_tag() {
            return format!("a `{}` tag", t.name);
        }
        match &self.kind {
            NodeKind::Map(_) => "a mapping".into(),
            NodeKind::Seq(_) => "a list".into(),
            NodeKind::Scalar(s) => match s.str_value() {
                Some(_) => "a string".into(),
                None => format!("the {} `{}`", s.type_name(), s.text),
            },
        }
    }

    /// Whether two nodes build the same value for authentik: the same authentik tag (by
    /// name, wherever it is written), and equal contents as Python compares them: scalars by
    /// their PyYAML value (`1` and `'1'` differ; `1`, `1.0` and `true` are equal), lists item
    /// by item, mappings as dicts (key order does not matter). Layout and quoting are ignored.
    pub fn same_value(&self, other: &Node) -> bool {
        let tag_a = self.custom_tag().map(|t| t.name.as_str());
        let tag_b = other.custom_tag().map(|t| t.name.as_str());
        if tag_a != tag_b {
            return false;
        }
        match (&self.kind, &other.kind) {
            (NodeKind::Scalar(a), NodeKind::Scalar(b)) => {
                if tag_a.is_some() {
                    // A tag argument is read as text by authentik's constructors.
                    return a.text == b.text;
                }
                match (a.str_value(), b.str_value()) {
                    (Some(x), Some(y)) => x == y,
                    (Some(_), None) | (None, Some(_)) => false,
                    (None, None) => scalar_equal(&a.value(), &b.value()),
                }
            }
            (NodeKind::Seq(a), NodeKind::Seq(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_value(y))
            }
            (NodeKind::Map(a), NodeKind::Map(b)) => {
                a.len() == b.len()
                    && a.iter().all(|p| {
                        b.iter()
                            .any(|q| p.key.same_value(&q.key) && p.value.same_value(&q.value))
                    })
            }
            _ => false,
        }
    }

    /// Visit this node and all nodes below it, depth first, in document order.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Node)) {
        f(self);
        match &self.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Seq(items) => items.iter().for_each(|n| n.walk(f)),
            NodeKind::Map(pairs) => pairs.iter().for_each(|p| {
                p.key.walk(f);
                p.value.walk(f);
            }),
        }
    }
}

/// Python's `==` on the values PyYAML builds: numbers and booleans compare by value
/// across types (`1 == 1.0 == True`), everything else by type and value.
fn scalar_equal(a: &Scalar, b: &Scalar) -> bool {
    fn number(s: &Scalar) -> Option<f64> {
        match s {
            Scalar::Bool(b) => Some(f64::from(u8::from(*b))),
            Scalar::Int(i) => Some(*i as f64),
            Scalar::Float(f) => Some(*f),
            _ => None,
        }
    }
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The sizes the 10 MiB shapes were measured with (docs/hostile-input.md): a node
    /// bigger than 40 bytes puts the nesting shape back over 300 MB.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_node_is_40_bytes_and_a_scalar_24() {
        assert_eq!(std::mem::size_of::<ScalarNode>(), 24);
        assert_eq!(std::mem::size_of::<NodeKind>(), 24);
        assert_eq!(std::mem::size_of::<Node>(), 40);
        assert_eq!(std::mem::size_of::<Pair>(), 80);
    }

    /// Texts of every shape the constructors type: ints in every base and with `_` and
    /// `:`, floats, booleans, nulls, dates, `=`, base64 and plain words.
    fn texts() -> impl Strategy<Value = String> {
        prop_oneof![
            "[-+]?(0|[1-9][0-9_]{0,25}|0b[01_]{1,8}|0x[0-9a-fA-F_]{1,8}|0[0-7_]{1,8}|[1-9][0-9]?(:[0-5]?[0-9]){1,3})",
            "[-+]?([0-9][0-9_]{0,4})?\\.[0-9_]{0,4}([eE][-+][0-9]{1,3})?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|[1-9]:[0-5][0-9]\\.[0-9]*",
            "(yes|No|ON|off|True|false|null|Null|~|=|<<)",
            "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?(Z|[-+][0-9]{1,2}(:[0-9]{2})?)?)?",
            "[A-Za-z0-9+/]{0,12}={0,2}",
            "[a-z][a-z0-9_ ]{0,20}",
            ".{0,20}",
        ]
    }

    proptest! {
        /// Whatever a constructor built from a text, the scalar gives back exactly that
        /// value (floats by their bits): the value is rebuilt from the text, not stored.
        #[test]
        fn the_value_rebuilt_from_the_text_is_the_value_built(
            text in texts(),
            plain in any::<bool>(),
            core in prop_oneof![
                Just(None),
                Just(Some("str")),
                Just(Some("int")),
                Just(Some("float")),
                Just(Some("bool")),
                Just(Some("null")),
                Just(Some("timestamp")),
                Just(Some("binary")),
            ],
        ) {
            if let Ok(value) = construct(&text, plain, core) {
                let node = ScalarNode::new(text.as_str(), ScalarStyle::Plain, value.clone());
                prop_assert_eq!(node.text.as_str(), text.as_str());
                prop_assert!(same_scalar(&node.value(), &value), "{:?} -> {:?}", value, node.value());
                prop_assert_eq!(node.str_value(), match &value {
                    Scalar::Str(s) => Some(s.as_str()),
                    _ => None,
                });
                prop_assert_eq!(node.type_name(), value.type_name());
            }
        }

        /// A value with no text that builds it (only a caller's mistake) keeps the value.
        #[test]
        fn a_value_given_a_wrong_text_keeps_the_value(
            i in any::<i64>(),
            f in any::<f64>(),
            s in ".{0,20}",
        ) {
            for value in [Scalar::Int(i), Scalar::Float(f), Scalar::Str(s.clone()), Scalar::BigInt("123456789012345678901234567890".into())] {
                let node = ScalarNode::new("not the value", ScalarStyle::DoubleQuoted, value.clone());
                prop_assert!(same_scalar(&node.value(), &value), "{:?} -> {:?}", value, node.value());
                let of = ScalarNode::of(value.clone(), ScalarStyle::Plain);
                prop_assert!(same_scalar(&of.value(), &value), "{:?} -> {:?}", value, of.value());
            }
        }
    }

    /// The floats `any::<f64>()` leaves out: both infinities, NaN (the one PyYAML builds
    /// from `.nan`) and both zeros, which PyYAML tells apart by sign only in their bits.
    #[test]
    fn special_floats_keep_their_value() {
        for f in [
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
        ] {
            let value = Scalar::Float(f);
            let of = ScalarNode::of(value.clone(), ScalarStyle::Plain);
            assert!(
                same_scalar(&of.value(), &value),
                "{f:?} -> {:?}",
                of.value()
            );
            let new = ScalarNode::new("not the value", ScalarStyle::Plain, value.clone());
            assert!(
                same_scalar(&new.value(), &value),
                "{f:?} -> {:?}",
                new.value()
            );
        }
    }

    #[test]
    fn texts_longer_than_15_bytes_are_shared_not_copied() {
        let long = ScalarNode::new(
            "a text longer than fifteen bytes",
            ScalarStyle::Plain,
            Scalar::Str("a text longer than fifteen bytes".into()),
        );
        let copy = long.clone();
        assert_eq!(long.text.as_ptr(), copy.text.as_ptr());
    }
}
