//! Opaque placeholders: text a deploy step replaces before authentik ever reads the file.
//!
//! Built in: `${VAR}` and `${VAR:-default}` (Flux post-build substitution, envsubst),
//! `__VAR__` (sed scripts), `{{ ... }}` (Helm, Jinja, Go templates). Users add their own
//! with `--placeholder REGEX` (and the config file's `placeholders` list).
//!
//! Rules never guess a placeholder's value. They ask whether a whole value is one
//! ([`Placeholders::is_whole`]), where placeholders sit ([`Placeholders::find`]), or
//! check the text around them on [`Placeholders::mask`]ed text, where every placeholder
//! became [`MASK`]: a lower-case word that is a valid host label, slug and path segment,
//! holds no regex syntax and no guide-placeholder shape (`YOUR_DOMAIN`, `<...>`).
//!
//! Guide placeholders (`<host>`, `temp.temp`, `YOUR_DOMAIN`) are not opaque: no deploy
//! step fills them in, so rules keep reporting them.

use std::ops::Range;

/// What every placeholder becomes in [`Placeholders::mask`].
pub const MASK: &str = "akbp-placeholder";

/// A `--placeholder` pattern that does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--placeholder `{pattern}` is not a valid regex: {reason}")]
pub struct PatternError {
    pub pattern: String,
    pub reason: String,
}

/// The placeholder forms of one run: the built-in ones plus the user's patterns.
#[derive(Debug, Clone, Default)]
pub struct Placeholders {
    user: Vec<regex::Regex>,
}

impl Placeholders {
    /// The built-in forms plus `patterns` (regexes; each match is one placeholder).
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, PatternError> {
        let user = patterns
            .iter()
            .map(|p| {
                let p = p.as_ref();
                let re = regex::Regex::new(p).map_err(|e| PatternError {
                    pattern: p.to_string(),
                    reason: e.to_string(),
                })?;
                if re.is_match("") {
                    // A pattern that matches nothing would make every value "opaque".
                    return Err(PatternError {
                        pattern: p.to_string(),
                        reason: "it matches the empty string".into(),
                    });
                }
                Ok(re)
            })
            .collect::<Result<_, _>>()?;
        Ok(Placeholders { user })
    }

    /// Byte ranges of the placeholders in `s`, sorted and not overlapping.
    pub fn find(&self, s: &str) -> Vec<Range<usize>> {
        let mut found = builtin(s);
        for re in &self.user {
            found.extend(re.find_iter(s).filter(|m| !m.is_empty()).map(|m| m.range()));
        }
        found.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        let mut out: Vec<Range<usize>> = Vec::with_capacity(found.len());
        for r in found {
            match out.last_mut() {
                Some(last) if r.start < last.end => last.end = last.end.max(r.end),
                _ => out.push(r),
            }
        }
        out
    }

    /// Whether `s` holds any placeholder.
    pub fn contains(&self, s: &str) -> bool {
        !self.find(s).is_empty()
    }

    /// Whether the whole of `s` (surrounding blanks aside) is one or more placeholders.
    pub fn is_whole(&self, s: &str) -> bool {
        let t = s.trim();
        if t.is_empty() {
            return false;
        }
        let mut at = 0;
        for r in self.find(t) {
            if !t[at..r.start].trim().is_empty() {
                return false;
            }
            at = r.end;
        }
        at > 0 && t[at..].trim().is_empty()
    }

    /// `s` with every placeholder replaced by [`MASK`], so checks of the scheme, path,
    /// trailing slash and regex syntax around them still run. Borrowed when there is none.
    pub fn mask<'s>(&self, s: &'s str) -> std::borrow::Cow<'s, str> {
        let found = self.find(s);
        if found.is_empty() {
            return std::borrow::Cow::Borrowed(s);
        }
        let mut out = String::with_capacity(s.len());
        let mut at = 0;
        for r in found {
            out.push_str(&s[at..r.start]);
            out.push_str(MASK);
            at = r.end;
        }
        out.push_str(&s[at..]);
        std::borrow::Cow::Owned(out)
    }
}

/// The built-in forms, possibly overlapping (callers merge).
fn builtin(s: &str) -> Vec<Range<usize>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let found = match b[i] {
            b'$' if b.get(i + 1) == Some(&b'{') => dollar_brace(b, i),
            b'{' if b.get(i + 1) == Some(&b'{') => double_brace(s, i),
            b'_' if b.get(i + 1) == Some(&b'_') => double_underscore(b, i),
            _ => None,
        };
        match found {
            Some(end) => {
                out.push(i..end);
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_name(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `${NAME}` or `${NAME<op>default}` (`:-`, `-`, `:=`, `=`, `:+`, `+`, `:?`, `?`), the
/// default possibly holding further `${...}`; returns the end after the closing `}`.
fn dollar_brace(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 2;
    if !b.get(i).copied().is_some_and(is_name_start) {
        return None;
    }
    while b.get(i).copied().is_some_and(is_name) {
        i += 1;
    }
    match b.get(i)? {
        b'}' => return Some(i + 1),
        b':' | b'-' | b'=' | b'+' | b'?' => {}
        _ => return None,
    }
    let mut depth = 1;
    while i < b.len() {
        match b[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'\n' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// `{{ ... }}` up to the first `}}`; Go templates and Jinja never nest the delimiters.
fn double_brace(s: &str, start: usize) -> Option<usize> {
    s[start + 2..].find("}}").map(|p| start + 2 + p + 2)
}

/// `__NAME__`: letters, digits and single underscores between double underscores.
fn double_underscore(b: &[u8], start: usize) -> Option<usize> {
    if start > 0 && is_name(b[start - 1]) {
        return None; // inside a word such as `a__b__`
    }
    let mut i = start + 2;
    let name_start = i;
    while i < b.len() && is_name(b[i]) {
        if b[i] == b'_' && b.get(i + 1) == Some(&b'_') {
            break;
        }
        i += 1;
    }
    let name = &b[name_start..i];
    let well_formed = !name.is_empty()
        && name[0].is_ascii_alphanumeric()
        && b.get(i) == Some(&b'_')
        && b.get(i + 1) == Some(&b'_')
        && !b.get(i + 2).copied().is_some_and(is_name);
    well_formed.then_some(i + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ph() -> Placeholders {
        Placeholders::default()
    }

    #[test]
    fn builtin_forms() {
        let p = ph();
        for whole in [
            "${APP_HOST}",
            "${APP_HOST:-auth.example.com}",
            "${A:-${B}}",
            "__APP_HOST__",
            "{{ .Values.host }}",
            "{{ include \"x\" . }}",
            " ${A}${B} ",
        ] {
            assert!(p.is_whole(whole), "{whole}");
        }
        for not in [
            "",
            "https://${APP_HOST}/callback",
            "$APP_HOST",
            "${1}",
            "__init",
            "a__B__",
            "YOUR_DOMAIN",
            "<host>",
            "temp.temp",
            "{ x }",
        ] {
            assert!(!p.is_whole(not), "{not}");
        }
        assert_eq!(p.find("https://${APP_HOST}/cb"), vec![8..19]);
        assert_eq!(p.find("x__A_B__y"), Vec::<Range<usize>>::new());
        assert_eq!(p.find("/__A_B__/"), vec![1..8]);
    }

    #[test]
    fn mask_keeps_the_text_around() {
        let p = ph();
        assert_eq!(
            p.mask("https://${APP_HOST}/callback/"),
            "https://akbp-placeholder/callback/"
        );
        assert_eq!(
            p.mask("https://{{ .Values.host }}/__PATH__"),
            "https://akbp-placeholder/akbp-placeholder"
        );
        assert!(matches!(
            p.mask("https://a.example.com"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn user_patterns_extend_and_merge() {
        let p = Placeholders::new(&["@[A-Z_]+@", "%%[a-z]+%%"]).unwrap();
        assert!(p.is_whole("@APP_HOST@"));
        assert!(p.is_whole("%%host%%"));
        assert_eq!(
            p.mask("https://@H@/${P}"),
            "https://akbp-placeholder/akbp-placeholder"
        );
        // Overlapping matches merge into one placeholder.
        let q = Placeholders::new(&["\\$\\{[A-Z]+"]).unwrap();
        assert_eq!(q.find("${AB}"), vec![0..5]);
        assert!(Placeholders::new(&["("]).is_err());
        assert!(Placeholders::new(&["x*"]).is_err());
    }
}
