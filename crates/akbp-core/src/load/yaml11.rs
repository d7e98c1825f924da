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
    /// `!!binary`: the decoded bytes, kept as standard base64 (what `base64.b64encode` gives).
    Binary(String),
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
            Scalar::Binary(_) => "binary",
        }
    }
}

// The implicit resolvers as hand-written matchers: compiling PyYAML's patterns as regexes
// cost about 1.8 million instructions at every start. Each matcher is checked against the
// pattern it replaces (`tests::matchers_agree_with_pyyaml_patterns`).

/// `bool`: `yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF`.
fn is_bool(t: &str) -> bool {
    matches!(
        t,
        "yes"
            | "Yes"
            | "YES"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// `null`: `~|null|Null|NULL|` (the empty scalar included).
fn is_null(t: &str) -> bool {
    matches!(t, "~" | "null" | "Null" | "NULL" | "")
}

fn strip_sign(t: &[u8]) -> (bool, &[u8]) {
    match t.first() {
        Some(b'+' | b'-') => (true, &t[1..]),
        _ => (false, t),
    }
}

/// How many bytes from the start satisfy `f`.
fn span(t: &[u8], f: impl Fn(u8) -> bool) -> usize {
    t.iter().position(|&b| !f(b)).unwrap_or(t.len())
}

fn digit_or_underscore(b: u8) -> bool {
    b.is_ascii_digit() || b == b'_'
}

/// `(?::[0-5]?[0-9])+` from the start; the bytes consumed, or `None` without one group.
fn base60_groups(t: &[u8]) -> Option<usize> {
    let mut i = 0;
    while t.get(i) == Some(&b':') {
        let n = span(&t[i + 1..], |b| b.is_ascii_digit());
        let ok = match n {
            1 => true,
            2 => (b'0'..=b'5').contains(&t[i + 1]),
            _ => false,
        };
        if !ok {
            return None;
        }
        i += 1 + n;
    }
    (i > 0).then_some(i)
}

/// `(?:[eE][-+][0-9]+)?$` on the rest.
fn exponent_or_end(t: &[u8]) -> bool {
    match t {
        [] => true,
        [b'e' | b'E', b'+' | b'-', digits @ ..] => {
            !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// `int`: `[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+`.
fn is_int(t: &str) -> bool {
    let (_, s) = strip_sign(t.as_bytes());
    match s {
        [b'0', b'b', rest @ ..] => {
            !rest.is_empty() && rest.iter().all(|b| matches!(b, b'0' | b'1' | b'_'))
        }
        [b'0', b'x', rest @ ..] => {
            !rest.is_empty() && rest.iter().all(|&b| b.is_ascii_hexdigit() || b == b'_')
        }
        [b'0'] => true,
        [b'0', rest @ ..] => rest.iter().all(|b| matches!(b, b'0'..=b'7' | b'_')),
        [b'1'..=b'9', rest @ ..] => {
            let head = span(rest, digit_or_underscore);
            let tail = &rest[head..];
            tail.is_empty() || base60_groups(tail) == Some(tail.len())
        }
        _ => false,
    }
}

/// `float`: `[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)`.
fn is_float(t: &str) -> bool {
    if matches!(t, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (signed, s) = strip_sign(t.as_bytes());
    match s {
        b".inf" | b".Inf" | b".INF" => true,
        // `.5`, `.5e+3`: no sign allowed before the dot.
        [b'.', first, rest @ ..] if !signed && first.is_ascii_digit() => {
            exponent_or_end(&rest[span(rest, digit_or_underscore)..])
        }
        [first, rest @ ..] if first.is_ascii_digit() => {
            let rest = &rest[span(rest, digit_or_underscore)..];
            match rest {
                [b'.', frac @ ..] => exponent_or_end(&frac[span(frac, digit_or_underscore)..]),
                [b':', ..] => match base60_groups(rest) {
                    Some(n) => match &rest[n..] {
                        [b'.', frac @ ..] => frac.iter().all(|&b| digit_or_underscore(b)),
                        _ => false,
                    },
                    None => false,
                },
                _ => false,
            }
        }
        _ => false,
    }
}

/// `timestamp`: `[0-9]{4}-[0-9]{2}-[0-9]{2}` or
/// `[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?`.
fn is_timestamp(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = 0;
    // `n` digits exactly, or one or two when `n` is 0.
    let digits = |i: &mut usize, n: usize| -> Option<usize> {
        let got = span(&b[*i..], |c| c.is_ascii_digit());
        let ok = if n == 0 {
            (1..=2).contains(&got)
        } else {
            got == n
        };
        *i += got;
        ok.then_some(got)
    };
    let lit = |i: &mut usize, c: u8| -> bool {
        let ok = b.get(*i) == Some(&c);
        *i += 1;
        ok
    };
    let Some(4) = digits(&mut i, 4) else {
        return false;
    };
    if !lit(&mut i, b'-') {
        return false;
    }
    let Some(month) = digits(&mut i, 0) else {
        return false;
    };
    if !lit(&mut i, b'-') {
        return false;
    }
    let Some(day) = digits(&mut i, 0) else {
        return false;
    };
    if i == b.len() {
        return month == 2 && day == 2;
    }
    match b[i] {
        b'T' | b't' => i += 1,
        b' ' | b'\t' => i += span(&b[i..], |c| c == b' ' || c == b'\t'),
        _ => return false,
    }
    if digits(&mut i, 0).is_none()
        || !lit(&mut i, b':')
        || digits(&mut i, 2).is_none()
        || !lit(&mut i, b':')
        || digits(&mut i, 2).is_none()
    {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1 + span(&b[i + 1..], |c| c.is_ascii_digit());
    }
    if i == b.len() {
        return true;
    }
    i += span(&b[i..], |c| c == b' ' || c == b'\t');
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i += 1;
            if digits(&mut i, 0).is_none() {
                return false;
            }
            i == b.len() || (lit(&mut i, b':') && digits(&mut i, 2).is_some() && i == b.len())
        }
        _ => false,
    }
}

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
    if is_bool(text) {
        return Scalar::Bool(matches!(
            text,
            "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON"
        ));
    }
    if is_float(text) {
        return construct_float(text);
    }
    if is_int(text) {
        return construct_int(text);
    }
    if text == "<<" {
        // A merge key; the loader handles it before values are looked at.
        return Scalar::Str(text.to_string());
    }
    if is_null(text) {
        return Scalar::Null;
    }
    if is_timestamp(text) {
        return Scalar::Timestamp(text.to_string());
    }
    if text == "=" {
        return Scalar::Unconstructible(text.to_string());
    }
    Scalar::Str(text.to_string())
}

/// What SafeLoader builds from a scalar node with `core` (the suffix of a
/// `tag:yaml.org,2002:` tag, or `None` for an untagged node resolved implicitly when
/// `plain`). `Err` holds why PyYAML's constructor raises (SafeConstructor, PyYAML 6.0).
pub fn construct(text: &str, plain: bool, core: Option<&str>) -> Result<Scalar, String> {
    let value = match core {
        None if plain => resolve_plain(text),
        None => Scalar::Str(text.to_string()),
        Some("str") => Scalar::Str(text.to_string()),
        Some("null") => Scalar::Null,
        Some("bool") => match text.to_lowercase().as_str() {
            "yes" | "true" | "on" => Scalar::Bool(true),
            "no" | "false" | "off" => Scalar::Bool(false),
            _ => return Err(format!("`{text}` is not a YAML 1.1 boolean")),
        },
        Some("int") => strict_int(text)?,
        Some("float") => strict_float(text)?,
        Some("timestamp") => {
            timestamp_iso(text)?;
            Scalar::Timestamp(text.to_string())
        }
        Some("binary") => Scalar::Binary(base64_encode(&base64_decode(text)?)),
        Some(kind @ ("seq" | "map" | "set" | "omap" | "pairs")) => {
            return Err(format!("`!!{kind}` needs a collection, not a scalar"))
        }
        Some(other) => {
            return Err(format!(
                "PyYAML's SafeLoader has no constructor for the tag `!!{other}`"
            ))
        }
    };
    // Implicitly typed plain scalars go through the same constructors, which can fail.
    match &value {
        Scalar::Timestamp(t) => {
            timestamp_iso(t)?;
        }
        Scalar::BigInt(t) if plain && core.is_none() => {
            strict_int(t)?;
        }
        Scalar::Float(f) if f.is_nan() && plain && core.is_none() => {
            strict_float(text)?;
        }
        _ => {}
    }
    Ok(value)
}

/// Python's `int(s, base)` for the ASCII forms PyYAML hands it: optional sign, digits,
/// and for bases 2, 8 and 16 an optional matching prefix.
fn python_int(s: &str, base: u32) -> Option<i128> {
    let s = s.trim_matches(|c: char| c.is_ascii_whitespace());
    let (neg, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = s.to_ascii_lowercase();
    let prefix = match base {
        2 => "0b",
        8 => "0o",
        16 => "0x",
        _ => "\u{0}",
    };
    let digits = lower.strip_prefix(prefix).unwrap_or(&lower);
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(base)) {
        return None;
    }
    // Digits beyond i128 are rare enough to call "not an i128"; callers keep the text.
    let v = i128::from_str_radix(digits, base).ok()?;
    Some(if neg { -v } else { v })
}

/// SafeConstructor.construct_yaml_int, refusing what Python's `int()` refuses.
fn strict_int(text: &str) -> Result<Scalar, String> {
    let fail = || format!("PyYAML cannot build an integer from `{text}`");
    let cleaned: String = text.chars().filter(|c| *c != '_').collect();
    let (neg, v) = match cleaned.as_bytes().first() {
        None => return Err(fail()),
        Some(b'-') => (true, &cleaned[1..]),
        Some(b'+') => (false, &cleaned[1..]),
        Some(_) => (false, cleaned.as_str()),
    };
    let parsed = if v == "0" {
        Some(0)
    } else if let Some(b) = v.strip_prefix("0b") {
        python_int(b, 2)
    } else if let Some(h) = v.strip_prefix("0x") {
        python_int(h, 16)
    } else if v.starts_with('0') {
        python_int(v, 8)
    } else if v.contains(':') {
        let mut acc: Option<i128> = Some(0);
        for part in v.split(':') {
            let p = python_int(part, 10);
            acc = match (acc, p) {
                (Some(a), Some(p)) => Some(a.saturating_mul(60).saturating_add(p)),
                _ => None,
            };
        }
        acc
    } else if v.is_empty() {
        None
    } else {
        python_int(v, 10)
    };
    match parsed {
        Some(p) => {
            let p = if neg { -p } else { p };
            Ok(i64::try_from(p).map_or_else(|_| Scalar::BigInt(cleaned.clone()), Scalar::Int))
        }
        // Longer than an i128 but well formed: Python builds it; keep the text.
        None => big_digits(&cleaned)
            .map(|_| Scalar::BigInt(cleaned.clone()))
            .ok_or_else(fail),
    }
}

/// The decimal digits of a well-formed integer literal (after `_` removal) too large for
/// i128, as PyYAML would print it; `None` when Python's `int()` would refuse it.
pub fn big_digits(cleaned: &str) -> Option<String> {
    let (neg, v) = match cleaned.as_bytes().first()? {
        b'-' => (true, &cleaned[1..]),
        b'+' => (false, &cleaned[1..]),
        _ => (false, cleaned),
    };
    let (base, digits) = if v == "0" {
        return Some("0".into());
    } else if let Some(b) = v.strip_prefix("0b") {
        (2, b)
    } else if let Some(h) = v.strip_prefix("0x") {
        (16, h)
    } else if v.starts_with('0') {
        (8, v)
    } else if v.contains(':') {
        (60, v)
    } else {
        (10, v)
    };
    // Little-endian base-10^9 limbs.
    let mut limbs: Vec<u64> = vec![0];
    let mut push = |d: u64, base: u64| {
        let mut carry = d;
        for l in limbs.iter_mut() {
            let x = *l * base + carry;
            *l = x % 1_000_000_000;
            carry = x / 1_000_000_000;
        }
        while carry > 0 {
            limbs.push(carry % 1_000_000_000);
            carry /= 1_000_000_000;
        }
    };
    if base == 60 {
        for part in digits.split(':') {
            let p: u64 = part.parse().ok()?;
            push(p, 60);
        }
    } else {
        if digits.is_empty() {
            return None;
        }
        for c in digits.chars() {
            push(u64::from(c.to_digit(base)?), u64::from(base));
        }
    }
    let mut out = String::new();
    if neg && limbs.iter().any(|l| *l != 0) {
        out.push('-');
    }
    let mut iter = limbs.iter().rev();
    out.push_str(&iter.next().map_or(0, |l| *l).to_string());
    for l in iter {
        out.push_str(&format!("{l:09}"));
    }
    Some(out)
}

/// SafeConstructor.construct_yaml_float, refusing what Python's `float()` refuses.
fn strict_float(text: &str) -> Result<Scalar, String> {
    let fail = || format!("PyYAML cannot build a float from `{text}`");
    let cleaned: String = text
        .chars()
        .filter(|c| *c != '_')
        .collect::<String>()
        .to_lowercase();
    let (sign, body) = match cleaned.as_bytes().first() {
        None => return Err(fail()),
        Some(b'-') => (-1.0, &cleaned[1..]),
        Some(b'+') => (1.0, &cleaned[1..]),
        Some(_) => (1.0, cleaned.as_str()),
    };
    if body == ".inf" {
        return Ok(Scalar::Float(sign * f64::INFINITY));
    }
    if body == ".nan" {
        return Ok(Scalar::Float(f64::NAN));
    }
    let py_float = |s: &str| -> Option<f64> {
        let s = s.trim_matches(|c: char| c.is_ascii_whitespace());
        let unsigned = s.trim_start_matches(['+', '-']);
        if s.len() - unsigned.len() > 1 {
            return None;
        }
        match unsigned {
            "inf" | "infinity" | "nan" => s.parse::<f64>().ok(),
            u if u.is_empty() || !u.starts_with(|c: char| c.is_ascii_digit() || c == '.') => None,
            _ => s.parse::<f64>().ok(),
        }
    };
    if body.contains(':') {
        let mut acc = 0.0;
        for part in body.split(':') {
            acc = acc * 60.0 + py_float(part).ok_or_else(fail)?;
        }
        return Ok(Scalar::Float(sign * acc));
    }
    py_float(body)
        .map(|f| Scalar::Float(sign * f))
        .ok_or_else(fail)
}

static TIMESTAMP_PARTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^([0-9]{4})-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?$",
    )
    .expect("static regex")
});

/// A YAML 1.1 timestamp as Python's `isoformat()` prints what PyYAML builds
/// (`date` or `datetime`, with a fixed offset when one is written); `Err` when
/// `datetime` refuses the fields (`2024-02-30`, year 0, hour 24, offset of 24 hours).
pub fn timestamp_iso(text: &str) -> Result<String, String> {
    let fail = |why: &str| format!("`{text}` is not a valid date/time: {why}");
    let c = TIMESTAMP_PARTS
        .captures(text)
        .ok_or_else(|| fail("not a YAML timestamp"))?;
    let num = |i: usize| -> u32 { c.get(i).map_or(0, |m| m.as_str().parse().unwrap_or(0)) };
    let (year, month, day) = (num(1), num(2), num(3));
    if year == 0 {
        return Err(fail("year 0 is out of range"));
    }
    if !(1..=12).contains(&month) {
        return Err(fail("month must be in 1..12"));
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if day == 0 || day > days[month as usize - 1] {
        return Err(fail("day is out of range for month"));
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    if c.get(4).is_none() {
        return Ok(date);
    }
    let (hour, minute, second) = (num(4), num(5), num(6));
    if hour > 23 || minute > 59 || second > 59 {
        return Err(fail("hour, minute or second out of range"));
    }
    let mut out = format!("{date}T{hour:02}:{minute:02}:{second:02}");
    if let Some(f) = c.get(7).map(|m| m.as_str()).filter(|f| !f.is_empty()) {
        let mut micro: String = f.chars().take(6).collect();
        while micro.len() < 6 {
            micro.push('0');
        }
        if micro != "000000" {
            out.push('.');
            out.push_str(&micro);
        }
    }
    if let Some(sign) = c.get(9) {
        let (h, m) = (num(10), num(11));
        let total = h * 60 + m;
        if total >= 24 * 60 {
            return Err(fail("the offset must be under 24 hours"));
        }
        let sign = if sign.as_str() == "-" && total != 0 {
            '-'
        } else {
            '+'
        };
        out.push_str(&format!("{sign}{:02}:{:02}", total / 60, total % 60));
    } else if c.get(8).is_some() {
        out.push_str("+00:00");
    }
    Ok(out)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `base64.decodebytes` (CPython's lenient `a2b_base64`): characters outside the alphabet
/// are skipped, a complete pad ends the data, a partial final quad is an error.
pub fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    if !text.is_ascii() {
        return Err("`!!binary` data must be ASCII base64".into());
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut quad, mut left, mut pads, mut data_chars) = (0u8, 0u32, 0u8, 0usize);
    for b in text.bytes() {
        if b == b'=' {
            if quad >= 2 {
                pads += 1;
                if quad + pads >= 4 {
                    return Ok(out);
                }
            }
            continue;
        }
        let Some(v) = B64.iter().position(|c| *c == b) else {
            continue;
        };
        let v = v as u32;
        pads = 0;
        data_chars += 1;
        match quad {
            0 => {
                left = v;
                quad = 1;
            }
            1 => {
                out.push(((left << 2) | (v >> 4)) as u8);
                left = v & 0x0f;
                quad = 2;
            }
            2 => {
                out.push(((left << 4) | (v >> 2)) as u8);
                left = v & 0x03;
                quad = 3;
            }
            _ => {
                out.push(((left << 6) | v) as u8);
                quad = 0;
            }
        }
    }
    match quad {
        0 => Ok(out),
        1 => Err(format!(
            "`!!binary`: {data_chars} base64 characters cannot be one more than a multiple of 4"
        )),
        _ => Err("`!!binary`: incorrect base64 padding".into()),
    }
}

/// Standard base64 with padding (`base64.b64encode`).
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
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

/// SafeConstructor.construct_yaml_float for a plain scalar the float resolver matched:
/// [`strict_float`] always builds it (digits, one dot, base-60 groups, `.inf`, `.nan`).
fn construct_float(text: &str) -> Scalar {
    strict_float(text).unwrap_or(Scalar::Float(f64::NAN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // PyYAML 6's implicit resolver patterns (yaml/resolver.py), as the loader used them
    // before the hand-written matchers replaced them.
    static BOOL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
        )
        .expect("static regex")
    });
    static FLOAT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
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

    fn agree(t: &str) {
        assert_eq!(is_bool(t), BOOL.is_match(t), "bool {t:?}");
        assert_eq!(is_float(t), FLOAT.is_match(t), "float {t:?}");
        assert_eq!(is_int(t), INT.is_match(t), "int {t:?}");
        assert_eq!(is_null(t), NULL.is_match(t), "null {t:?}");
        assert_eq!(is_timestamp(t), TIMESTAMP.is_match(t), "timestamp {t:?}");
    }

    #[test]
    fn matchers_agree_with_pyyaml_patterns_on_known_shapes() {
        for t in [
            "",
            "~",
            "null",
            "NULL",
            "nUll",
            "yes",
            "YES",
            "yEs",
            "on",
            "0",
            "-0",
            "+0",
            "00",
            "0_",
            "08",
            "0b",
            "0b1_0",
            "-0b12",
            "0x",
            "0x_",
            "0xfG",
            "0x1F",
            "1",
            "1_000",
            "1:20",
            "1:60",
            "1:5:59",
            "1:",
            "1::2",
            "190:20:30",
            "1:123",
            "1.",
            ".5",
            "+.5",
            "-.inf",
            ".inf",
            "+.INF",
            ".NaN",
            "-.nan",
            "1.0e5",
            "1.0e+5",
            "1e+3",
            "1.e-3",
            ".5e+3",
            "1:20.5",
            "1:20.",
            "1:20.5e+1",
            "1_2.3_4",
            "_1.0",
            "2024-01-01",
            "2024-1-1",
            "2024-01-1",
            "2024-1-1T1:02:03",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "2001-12-14  21:59:43.10Z",
            "2001-12-14 21:59:43 ",
            "2001-12-14T21:59:43.Z",
            "2001-12-14T21:59:43+5:",
            "2001-12-14T21:59:43+123",
            "20011-12-14",
            "2001-123-14",
            "2001-12-14T",
            "2001-12-14T21:59",
            "=",
            "<<",
        ] {
            agree(t);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn matchers_agree_with_pyyaml_patterns(t in "[-+0-9_:.eExXbBtTZ \\tinfaINFAN~ulo]{0,24}") {
            agree(&t);
        }

        #[test]
        fn matchers_agree_on_timestamp_shapes(t in "[0-9]{4}-[0-9]{1,3}-[0-9]{1,3}([Tt]|[ \\t]{1,2})?[0-9]{0,3}(:[0-9]{1,3}){0,2}(\\.[0-9]{0,3})?[ \\t]{0,2}(Z|[-+][0-9]{1,3}(:[0-9]{1,3})?)?") {
            agree(&t);
        }

        #[test]
        fn matchers_agree_on_number_shapes(t in "[-+]?(0[bx]?)?[0-9a-f_]{0,4}(:[0-9]{1,3}){0,2}(\\.[0-9_]{0,3})?([eE][-+]?[0-9]{0,2})?") {
            agree(&t);
        }

        // What the float resolver matches, `strict_float` builds: `construct_float` never
        // falls back to its NaN.
        #[test]
        fn resolved_floats_build_strictly(t in "[-+]?[0-9_]{0,4}(:[0-9]{1,3}){0,2}(\\.[0-9_]{0,3})?([eE][-+]?[0-9]{0,2})?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)") {
            if is_float(&t) {
                prop_assert!(strict_float(&t).is_ok(), "{}", t);
            }
        }
    }

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
