//! Scalar typing the way authentik reads blueprints: PyYAML's `SafeLoader`, YAML 1.1
//! implicit resolvers (authentik/blueprints/v1/common.py `BlueprintLoader(SafeLoader)`).
//!
//! Only untagged plain scalars are resolved; quoted and block scalars stay strings.
//! The patterns mirror `yaml/resolver.py` of PyYAML 6, including its quirks: `on`/`yes`
//! are booleans, `0755` is octal, `1:20` is base 60, `1e3` (no dot) and `1.0e5` (no sign
//! after `e`) are strings.

use std::sync::LazyLock;

use regex::Regex;

/// A scalar value as PyYAML constructs it.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    /// Integers outside i64 keep their digits (PyYAML ints are unbounded).
    Int(i64),
    BigInt(String),
    Float(f64),
    Str(String),
    /// A YAML 1.1 timestamp: PyYAML builds a `date` or `datetime`, not a string.
    Timestamp(String),
    /// A plain `=`: PyYAML resolves it to `tag:yaml.org,2002:value`, which SafeLoader
    /// cannot construct.
    Unconstructible(String),
}

impl Scalar {
    /// The word used in messages: what Python type authentik will see.
    pub fn type_name(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "boolean",
            Scalar::Int(_) | Scalar::BigInt(_) => "integer",
            Scalar::Float(_) => "float",
            Scalar::Str(_) => "string",
            Scalar::Timestamp(_) => "date/time",
            Scalar::Unconstructible(_) => "unconstructible value",
        }
    }
}

static BOOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")
        .expect("static regex")
});
static FLOAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
    )
    .expect("static regex")
});
static INT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
    )
    .expect("static regex")
});
static NULL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:~|null|Null|NULL|)$").expect("static regex"));
static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
    )
    .expect("static regex")
});

/// Resolve an untagged plain scalar with PyYAML's implicit resolvers.
pub fn resolve_plain(text: &str) -> Scalar {
    // PyYAML picks resolvers by first character (resolver.py indexes them so); a scalar
    // starting with any other character is a string. This also keeps typing cheap:
    // most scalars in a blueprint are names and start with a letter.
    match text.chars().next() {
        None => return Scalar::Null,
        Some(c) if !"yYnNtTfFoO-+0123456789.<~=".contains(c) => {
            return Scalar::Str(text.to_string())
        }
        _ => {}
    }
    // The order below is the order in which resolver.py registers them, which is what
    // decides ties.
    if BOOL.is_match(text) {
        return Scalar::Bool(matches!(
            text,
            "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON"
        ));
    }
    if FLOAT.is_match(text) {
        return construct_float(text);
    }
    if INT.is_match(text) {
        return construct_int(text);
    }
    if text == "<<" {
        // A merge key; the loader handles it before values are looked at.
        return Scalar::Str(text.to_string());
    }
    if NULL.is_match(text) {
        return Scalar::Null;
    }
    if TIMESTAMP.is_match(text) {
        return Scalar::Timestamp(text.to_string());
    }
    if text == "=" {
        return Scalar::Unconstructible(text.to_string());
    }
    Scalar::Str(text.to_string())
}

/// Whether PyYAML would read `text`, written as a plain scalar, as something other
/// than the same string. The emitter quotes exactly these.
pub fn plain_is_not_string(text: &str) -> bool {
    !matches!(resolve_plain(text), Scalar::Str(ref s) if s == text) || text == "<<"
}

/// SafeConstructor.construct_yaml_int: sign, `_` removed, 0b/0x/0 prefixes, base 60.
fn construct_int(text: &str) -> Scalar {
    let cleaned: String = text.chars().filter(|c| *c != '_').collect();
    let (neg, digits) = match cleaned.as_bytes().first() {
        Some(b'-') => (true, &cleaned[1..]),
        Some(b'+') => (false, &cleaned[1..]),
        _ => (false, cleaned.as_str()),
    };
    let value: Option<i128> = if digits == "0" {
        Some(0)
    } else if let Some(b) = digits.strip_prefix("0b") {
        i128::from_str_radix(b, 2).ok()
    } else if let Some(h) = digits.strip_prefix("0x") {
        i128::from_str_radix(h, 16).ok()
    } else if let Some(o) = digits.strip_prefix('0') {
        i128::from_str_radix(o, 8).ok()
    } else if digits.contains(':') {
        let mut acc: i128 = 0;
        let mut ok = true;
        for part in digits.split(':') {
            match part.parse::<i128>() {
                Ok(p) => acc = acc.saturating_mul(60).saturating_add(p),
                Err(_) => ok = false,
            }
        }
        ok.then_some(acc)
    } else {
        digits.parse::<i128>().ok()
    };
    match value.map(|v| if neg { -v } else { v }) {
        Some(v) => match i64::try_from(v) {
            Ok(v) => Scalar::Int(v),
            Err(_) => Scalar::BigInt(cleaned),
        },
        None => Scalar::BigInt(cleaned),
    }
}

/// SafeConstructor.construct_yaml_float.
fn construct_float(text: &str) -> Scalar {
    let cleaned: String = text
        .chars()
        .filter(|c| *c != '_')
        .collect::<String>()
        .to_lowercase();
    let (sign, body) = match cleaned.as_bytes().first() {
        Some(b'-') => (-1.0, &cleaned[1..]),
        Some(b'+') => (1.0, &cleaned[1..]),
        _ => (1.0, cleaned.as_str()),
    };
    if body == ".inf" {
        return Scalar::Float(sign * f64::INFINITY);
    }
    if body == ".nan" {
        return Scalar::Float(f64::NAN);
    }
    if body.contains(':') {
        let mut acc = 0.0;
        for part in body.split(':') {
            acc = acc * 60.0 + part.parse::<f64>().unwrap_or(0.0);
        }
        return Scalar::Float(sign * acc);
    }
    Scalar::Float(sign * body.parse::<f64>().unwrap_or(f64::NAN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pyyaml_quirks() {
        assert_eq!(resolve_plain("on"), Scalar::Bool(true));
        assert_eq!(resolve_plain("No"), Scalar::Bool(false));
        assert_eq!(resolve_plain("y"), Scalar::Str("y".into()));
        assert_eq!(resolve_plain("0755"), Scalar::Int(493));
        assert_eq!(resolve_plain("0x1F"), Scalar::Int(31));
        assert_eq!(resolve_plain("1:20"), Scalar::Int(80));
        assert_eq!(resolve_plain("1_000"), Scalar::Int(1000));
        assert_eq!(resolve_plain("1e3"), Scalar::Str("1e3".into()));
        assert_eq!(resolve_plain("1.0e5"), Scalar::Str("1.0e5".into()));
        assert_eq!(resolve_plain("1.0e+5"), Scalar::Float(100000.0));
        assert_eq!(resolve_plain("1."), Scalar::Float(1.0));
        assert_eq!(resolve_plain("~"), Scalar::Null);
        assert_eq!(resolve_plain(""), Scalar::Null);
        assert_eq!(
            resolve_plain("2024-01-01"),
            Scalar::Timestamp("2024-01-01".into())
        );
        assert_eq!(resolve_plain("hours=1"), Scalar::Str("hours=1".into()));
        assert_eq!(resolve_plain("6"), Scalar::Int(6));
        assert!(matches!(
            resolve_plain("99999999999999999999999"),
            Scalar::BigInt(_)
        ));
    }

    #[test]
    fn emitter_quoting_predicate() {
        for s in [
            "yes",
            "on",
            "0755",
            "1:20",
            "null",
            "",
            "~",
            "2024-01-01",
            "12",
            "<<",
            "=",
        ] {
            assert!(plain_is_not_string(s), "{s:?} should need quotes");
        }
        for s in ["netbird", "1e3", "https://x.example/a", "y", "n"] {
            assert!(!plain_is_not_string(s), "{s:?} should stay plain");
        }
    }
}
