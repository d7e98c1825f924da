//! OAuth2 redirect URIs as authentik matches them: `strict` is string equality,
//! `regex` is Python `re.fullmatch` (authentik/providers/oauth2/views/authorize.py and
//! token.py). Regexes are compiled with fancy-regex, which is closer to Python's `re`
//! than the `regex` crate (look-around, back-references).

use std::borrow::Cow;
use std::collections::HashMap;

use crate::blueprint::placeholder::{Placeholders, MASK};
use crate::blueprint::{Entry, State};
use crate::check::finding::{Case, Ctx, Edit, Fix, Rule, Severity, Sink};
use crate::check::rewrite::{replace_value_with_list, trimmed};
use crate::check::suggest::REGEXES_PER_FILE;
use crate::generate::emit::string_scalar;
use crate::load::{Node, Scalar, SourceFile};
use crate::target::Target;

pub const OAUTH2: &str = "authentik_providers_oauth2.oauth2provider";

/// A literal redirect URI item: its node, its url text and node, and its mode.
pub struct RedirectUri<'d> {
    pub item: &'d Node,
    /// The url as written; for messages and for comparing URIs with each other.
    pub url: &'d str,
    /// The url with deploy-time placeholders masked (`${HOST}` -> `akbp-placeholder`):
    /// what rules analyse, so the scheme, path and regex syntax around them are checked.
    pub text: Cow<'d, str>,
    pub url_node: &'d Node,
    pub mode: Option<&'d str>,
    pub kind: Option<&'d str>,
}

/// The literal items of an OAuth2 provider's `redirect_uris` (tagged ones are skipped).
pub fn literal_uris<'d>(e: &Entry<'d>, placeholders: &Placeholders) -> Vec<RedirectUri<'d>> {
    let Some(items) = e
        .attr("redirect_uris")
        .filter(|n| n.custom_tag().is_none())
        .and_then(|n| n.as_seq())
    else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let url_node = item.get("url")?;
            let url = url_node.as_str()?;
            Some(RedirectUri {
                item,
                url,
                text: placeholders.mask(url),
                url_node,
                mode: item.get("matching_mode").and_then(|m| m.as_str()),
                kind: item.get("redirect_uri_type").and_then(|m| m.as_str()),
            })
        })
        .collect()
}

/// OAuth2 provider entries that are not being deleted.
pub fn oauth2_providers<'a, 'd>(ctx: &'a Ctx<'a, 'd>) -> impl Iterator<Item = &'a Entry<'d>> + 'a {
    ctx.bp.entries.iter().filter(|e| {
        e.model_key() == Some(OAUTH2) && !matches!(e.state(), Some(State::Absent) | None)
    })
}

/// Grants that send the user's browser back to a redirect URI: the ones
/// authentik/providers/oauth2/models.py `GrantTypes` lists in 2026.2.2; the token view
/// serves client credentials, password and device code grants without a redirect URI
/// (views/token.py; from source, not lab-verified: 2026.2.2 has no `grant_types` field).
pub const REDIRECT_GRANTS: [&str; 3] = ["authorization_code", "implicit", "hybrid"];

/// Whether the provider's `grant_types` is a literal list without any redirect-based grant
/// (a machine client: `client_credentials`, `password`, the device code grant), so it
/// needs no redirect URI. Unknown or computed grants count as redirect-based.
pub fn grants_without_redirect(e: &Entry) -> bool {
    let Some(items) = e
        .attr("grant_types")
        .filter(|n| n.custom_tag().is_none())
        .and_then(|n| n.as_seq())
    else {
        return false;
    };
    items
        .iter()
        .all(|g| g.as_str().is_some_and(|g| !REDIRECT_GRANTS.contains(&g)))
}

/// The host part of a URL or URL-shaped regex: after `://`, up to the first `/`.
pub fn host_part(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    Some(&rest[..rest.find('/').unwrap_or(rest.len())])
}

/// Byte positions of `.` in `s` that are unescaped and meant literally: between two
/// name characters (`app.example`) or after a quantifier and before a name (`]+.pr`).
pub fn unescaped_literal_dots(s: &str) -> Vec<usize> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'.' => {
                let next_is_name = b
                    .get(i + 1)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_');
                let prev_ok = i > 0
                    && (b[i - 1].is_ascii_alphanumeric()
                        || matches!(b[i - 1], b'+' | b'*' | b')' | b']' | b'-'));
                if next_is_name && prev_ok {
                    out.push(i);
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// Whether a regex contains syntax beyond an escaped URL: anything but literal text,
/// `\.`-style escapes and unescaped dots.
fn has_regex_syntax(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                if b.get(i + 1).is_some_and(|c| c.is_ascii_alphanumeric()) {
                    return true; // \d, \w, \s...
                }
                i += 2;
            }
            b'.' => {
                if matches!(b.get(i + 1), Some(b'*' | b'+' | b'?' | b'{')) {
                    return true;
                }
                i += 1;
            }
            b'*' | b'+' | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'|' | b'^' | b'$' => {
                return true
            }
            b'?' => {
                // `?` after a name character followed by `name=` is a query string, not syntax.
                if !looks_like_query(&s[i..]) {
                    return true;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    false
}

fn looks_like_query(from_question_mark: &str) -> bool {
    let rest = &from_question_mark[1..];
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    !name.is_empty() && rest[name.len()..].starts_with('=')
}

/// Constructs Python's `re` reads differently from fancy-regex, or only one accepts.
fn python_rust_differ(s: &str) -> bool {
    [
        "[[", "&&", "--", "~~", "\\<", "\\>", "++", "*+", "?+", "(?a", "\\N{", "(?#", "\\Z", "{,",
    ]
    .iter()
    .any(|c| s.contains(c))
}

/// CPython's `sre_constants.MAXREPEAT`: the smallest repetition count `re` refuses.
const PYTHON_MAXREPEAT: u64 = 4_294_967_295;

/// The largest count in a `{n}`, `{n,}` or `{n,m}` repetition (not after a backslash).
fn max_repetition(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    let mut best = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'{' => {
                let end = s[i + 1..].find('}').map(|e| i + 1 + e);
                if let Some(end) = end {
                    let counts: Vec<&str> = s[i + 1..end].split(',').collect();
                    if counts.len() <= 2
                        && counts.iter().any(|c| !c.is_empty())
                        && counts.iter().all(|c| c.bytes().all(|d| d.is_ascii_digit()))
                    {
                        for c in counts.iter().filter(|c| !c.is_empty()) {
                            // A count beyond u64 is beyond Python's limit too.
                            let n = c.parse::<u64>().unwrap_or(u64::MAX);
                            best = best.max(Some(n));
                        }
                    }
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    best
}

/// Errors from the size and nesting limits of akbp's engine, which Python's `re` does not
/// share: a huge repetition count or a very long alternation compiles there.
fn engine_limit(err: &fancy_regex::Error) -> bool {
    use fancy_regex::{CompileError, Error, ParseError};
    match err {
        Error::CompileError(c) => match &**c {
            CompileError::InnerError(e) => e.size_limit().is_some(),
            CompileError::PatternTooComplex => true,
            _ => false,
        },
        Error::ParseError(_, ParseError::RecursionExceeded) => true,
        _ => false,
    }
}

/// The placeholder text found in a URL, and why it is one.
fn placeholder(url: &str) -> Option<(&str, &'static str)> {
    if let Some(i) = url.find("temp.temp") {
        return Some((
            &url[i..i + "temp.temp".len()],
            "the stand-in authentik's guides use",
        ));
    }
    if let (Some(a), Some(b)) = (url.find('<'), url.rfind('>')) {
        if a < b {
            return Some((&url[a..=b], "a `<...>` stand-in to replace"));
        }
    }
    url.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|w| {
            // A word of digits and underscores (`/000_0_`) is not a placeholder.
            w.len() >= 6
                && w.contains('_')
                && w.chars().any(|c| c.is_ascii_uppercase())
                && w.chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
        })
        .map(|w| (w, "an ALL_CAPS stand-in to replace"))
}

fn forbidden_scheme(url: &str) -> bool {
    let scheme = url.split(':').next().unwrap_or("").to_ascii_lowercase();
    matches!(scheme.as_str(), "javascript" | "data" | "vbscript")
}

/// `localhost`, `127.x.x.x` or `[::1]`, with or without a port.
pub fn is_loopback(host: &str) -> bool {
    let h = host.split(':').next().unwrap_or(host);
    let h = if host.starts_with('[') {
        host.split(']')
            .next()
            .unwrap_or(host)
            .trim_start_matches('[')
    } else {
        h
    };
    matches!(h, "localhost" | "127.0.0.1" | "::1") || h.starts_with("127.")
}

pub const STRING_FORM: Rule = Rule {
    code: "AKB400",
    name: "redirect-uris-string-form",
    severity: Severity::Error,
    summary: "`redirect_uris` is a string (the form before authentik 2024.10.3), or holds an item that is not a `{matching_mode, url}` mapping.",
    doc: "## What it does\nReports `redirect_uris` written as a string, including a `|-` block of several lines, the form authentik used before the CVE-2024-52289 fix (2024.8.5 / 2024.10.3), and any item of the list that is not a `{matching_mode, url}` mapping (a bare URL string next to proper items, a number, a list, a `!Format`).\n\n## Why\nauthentik now rejects it: `Expected a list of items but got type \"str\"` for the string, `Expected a dictionary, but got str` for an item (`RedirectURISerializer`, authentik/providers/oauth2/api/providers.py, 2026.2.2; lab-verified on 2026.2.2: `Invalid data. Expected a dictionary, but got str.`), and the blueprint is not applied.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris: |-\n        https://wiki.example.com/oauth/callback\n        https://wiki.example.com/login\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: https://wiki.example.com/oauth/callback}\n        - {matching_mode: strict, url: https://wiki.example.com/login}\n```\n\n## Fix\n**Safe** when every line of the string is a plain URL: `akbp fix` writes one `{matching_mode: strict, url: ...}` item per line, which is what authentik's own upgrade made of the same string (migration `0024_remove_oauth2provider_redirect_uris_and_more`, 2024.10); lines are trimmed and empty ones dropped. **Unsafe** (`--unsafe-fixes`) when a line holds regex syntax: older releases read it as a pattern and the strict item matches it literally; a line that is exactly `*` or `.*` becomes a `regex` item as the migration made it, which AKB402/AKB403 then report. A bare string item of a list becomes a strict item (safe).\n",
    stops_load: false,
    cases: &[],
    check: Some(check_string_form),
};

fn check_string_form(ctx: &Ctx, sink: &mut Sink) {
    for e in oauth2_providers(ctx) {
        let Some(node) = e.attr("redirect_uris") else {
            continue;
        };
        if let Some(items) = node.as_seq().filter(|_| node.custom_tag().is_none()) {
            check_items_are_mappings(&ctx.doc.source, items, sink);
            continue;
        }
        let Some(Scalar::Str(text)) = node.scalar_value() else {
            continue;
        };
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let list = lines
            .iter()
            .map(|l| format!("  - {{matching_mode: strict, url: {l}}}"))
            .collect::<Vec<_>>()
            .join("\n");
        let f = sink.push(
            &STRING_FORM,
            node.span,
            format!("`redirect_uris` is a string of {} line(s); since 2024.10.3 authentik needs a list of `{{matching_mode, url}}`", lines.len()),
        );
        f.help(if list.is_empty() {
            "write `redirect_uris:` as a list".to_string()
        } else {
            format!("write it as:\n{list}\n(use `regex` only for lines that are real patterns)")
        });
        if let Some(fix) = string_form_fix(ctx, e, node, &lines) {
            f.fix(fix);
        }
    }
}

/// The list authentik's own migration made of the string (providers/oauth2/migrations/
/// 0024_remove_oauth2provider_redirect_uris_and_more.py, 2024.10): one item per line,
/// `strict`, except a line that is exactly `*` or `.*`, which became `regex` with the
/// line kept as its url. Lines are trimmed and empty ones dropped (a strict URL with
/// spaces, or an empty one, matches no redirect a browser sends).
fn string_form_fix(ctx: &Ctx, e: &Entry, node: &Node, lines: &[&str]) -> Option<Fix> {
    if lines.is_empty() {
        return None;
    }
    let pair = e
        .attrs()?
        .as_map()?
        .iter()
        .rev()
        .find(|p| std::ptr::eq(&p.value, node))?;
    // Safe when every line is a plain URL: the strict items mean what authentik's own
    // upgrade made of the same string. A line with regex syntax was a pattern to older
    // releases and is literal text once strict; `*`/`.*` become a regex: review those.
    let mut review = false;
    let items: Vec<String> = lines
        .iter()
        .map(|l| {
            let regex = *l == "*" || *l == ".*";
            review |=
                regex || l.contains(['*', '+', '(', ')', '[', ']', '{', '}', '|', '\\', '^', '$']);
            let mode = if regex { "regex" } else { "strict" };
            format!("{{matching_mode: {mode}, url: {}}}", string_scalar(l, true))
        })
        .collect();
    let edit = replace_value_with_list(&ctx.doc.source.text, pair, &items)?;
    let title = "write `redirect_uris` as a list, as authentik's migration did";
    Some(if review {
        Fix::unsafe_(title, vec![edit])
    } else {
        Fix::safe(title, vec![edit])
    })
}

/// Each item goes through `RedirectURISerializer` (a nested serializer, many=True), which
/// refuses anything but a mapping: "Expected a dictionary, but got str"
/// (authentik/providers/oauth2/api/providers.py, 2026.2.2).
fn check_items_are_mappings(source: &SourceFile, items: &[Node], sink: &mut Sink) {
    for item in items {
        let builds_text = match item.custom_tag() {
            None => item.as_map().is_none(),
            // `!Format` always builds a string; other tags may build a mapping.
            Some(t) => t.name == "!Format",
        };
        if !builds_text {
            continue;
        }
        let what = match item.scalar_value() {
            Some(Scalar::Str(_)) | None if item.as_seq().is_none() => "a string".to_string(),
            _ => item.describe(),
        };
        let f = sink.push(
            &STRING_FORM,
            item.span,
            format!("a `redirect_uris` item must be a `{{matching_mode, url}}` mapping, found {what}; authentik rejects the provider (\"Expected a dictionary\")"),
        );
        match item.as_str() {
            Some(url) => {
                f.help(format!(
                    "write it as `- {{matching_mode: strict, url: {url}}}`"
                ));
                // A plain or quoted string item (not a tag's result): the same value as
                // a strict item.
                if item.custom_tag().is_none() {
                    let span = trimmed(&source.text, item.span);
                    let text = format!(
                        "{{matching_mode: strict, url: {}}}",
                        string_scalar(url, true)
                    );
                    f.fix(Fix::safe(
                        "write the item as a strict `{matching_mode, url}` mapping",
                        vec![Edit::replace(span, text)],
                    ));
                }
            }
            None => {
                f.help("write it as `- {matching_mode: strict, url: https://...}`");
            }
        };
    }
}

pub const REGEX_HYGIENE: Rule = Rule {
    code: "AKB401",
    name: "redirect-regex-hygiene",
    severity: Severity::Warning,
    summary: "A regex redirect URI has an unescaped `.` in the host, an unescaped `?` before a query, or `\\*` where `.*` was meant.",
    doc: "## What it does\nChecks `regex` redirect URIs for literal characters that are regex syntax: an unescaped `.` in the host (it matches any character), an unescaped `?` before `name=` (it makes the previous character optional), and `\\*` (a literal star, usually meant as `.*`). authentik full-matches regexes, so `^` and `$` are not needed and never reported.\n\n## Why\n`https://app.example.com/.*` also matches `https://appXexample.com/...`, a host anyone can register (the CVE-2024-52289 class of bug). An unescaped `?` makes the real URL fail to match (authentik#5919).\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: regex, url: 'https://wiki.example.com/oauth/\\*'}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: regex, url: 'https://wiki\\.example\\.com/oauth/.*'}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_regex_hygiene),
};

fn check_regex_hygiene(ctx: &Ctx, sink: &mut Sink) {
    for e in oauth2_providers(ctx) {
        for u in literal_uris(e, &ctx.options.placeholders)
            .iter()
            .filter(|u| u.mode == Some("regex"))
        {
            if u.text.contains("\\*") {
                sink.push(
                    &REGEX_HYGIENE,
                    u.url_node.span,
                    "`\\*` matches a literal `*`; `.*` was probably meant",
                )
                .help("write `.*` to match any path (authentik#23219)");
            }
            if !has_regex_syntax(&u.text) {
                continue; // AKB404 reports a plain URL in regex mode
            }
            if let Some(host) = host_part(&u.text) {
                let dots = unescaped_literal_dots(host);
                if !dots.is_empty() {
                    // Show the host as written; a placeholder's own dots (`{{ .Values.x }}`)
                    // were masked and are not reported.
                    let written = host_part(u.url).unwrap_or(host);
                    let help = if host.contains(MASK) {
                        "escape the dots outside the placeholder as `\\.`".to_string()
                    } else {
                        format!("escape the dots: `{}`", escape_dots(host))
                    };
                    sink.push(&REGEX_HYGIENE, u.url_node.span, format!("`.` in the host `{written}` matches any character, so other hosts match too"))
                        .help(help);
                }
            }
            if let Some(pos) = u
                .text
                .find('?')
                .filter(|p| looks_like_query(&u.text[*p..]) && !u.text[..*p].ends_with('\\'))
            {
                let _ = pos;
                sink.push(&REGEX_HYGIENE, u.url_node.span, "an unescaped `?` makes the character before it optional; the query string never matches")
                    .help("escape it as `\\?`, or use a strict URI");
            }
        }
    }
}

fn escape_dots(host: &str) -> String {
    let mut out = String::new();
    let positions = unescaped_literal_dots(host);
    for (i, c) in host.char_indices() {
        if positions.contains(&i) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub const REGEX_BROAD: Rule = Rule {
    code: "AKB402",
    name: "redirect-regex-too-broad",
    severity: Severity::Error,
    summary: "A regex redirect URI accepts any host (`.*`, `*`, `https://.*`) or a wildcard before the domain.",
    doc: "## What it does\nReports regex redirect URIs that match any URL (`.*`, `.+`, bare `*`), any host (`https://.*`, `https?://[^/]+/...`), or put `.*` before the registrable domain (`https://.*\\.example\\.com/...`, which also matches `https://evil.com/x.example.com/...`: authentik full-matches with Python's `re`, and `.*` runs over `/`).\n\n## Why\nAn attacker can send users to authentik with a redirect URI of their own and receive their authorization codes or tokens. authentik does not refuse such patterns: authentik 2026.2.2 (lab) accepts a provider with `https://.*\\.example\\.com/.*`, so only akbp can catch them.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: regex, url: 'https://.*'}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: regex, url: 'https://wiki\\.example\\.com/.*'}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_regex_broad),
};

fn check_regex_broad(ctx: &Ctx, sink: &mut Sink) {
    for e in oauth2_providers(ctx) {
        for u in literal_uris(e, &ctx.options.placeholders)
            .iter()
            .filter(|u| u.mode == Some("regex"))
        {
            let t = u.text.trim();
            if matches!(t, ".*" | ".+" | "*" | "^.*$" | "(.*)") {
                sink.push(
                    &REGEX_BROAD,
                    u.url_node.span,
                    format!("`{t}` accepts any redirect URI, including an attacker's"),
                )
                .help("list the application's callback URLs as strict URIs");
                continue;
            }
            let Some(host) = host_part(t) else { continue };
            let host_any = matches!(host, ".*" | ".+" | "[^/]+" | "[^/]*" | "*");
            if host_any {
                sink.push(&REGEX_BROAD, u.url_node.span, format!("`{t}` accepts any host"))
                    .help("write the application's host with escaped dots, e.g. `https://app\\.example\\.com/.*`");
            } else if host.starts_with(".*") || host.starts_with(".+") {
                sink.push(
                    &REGEX_BROAD,
                    u.url_node.span,
                    format!(
                        "`{host}` lets `.*` run over `/`: `https://evil.com/x{}` matches too",
                        host.trim_start_matches(".*")
                            .trim_start_matches(".+")
                            .replace("\\.", ".")
                    ),
                )
                .help("match sub-domains with `[a-z0-9-]+` instead of `.*`");
            }
        }
    }
}

pub const REGEX_INVALID: Rule = Rule {
    code: "AKB403",
    name: "redirect-regex-invalid",
    severity: Severity::Error,
    summary: "A regex redirect URI does not compile (or uses syntax akbp cannot verify against Python's `re`).",
    doc: "## What it does\nCompiles each `regex` redirect URI the way authentik uses it (a full match). Where Python's `re` and Rust's regex syntax differ (`[[`, `\\Z`, possessive quantifiers...) and where a pattern exceeds akbp's engine limits but not Python's (a huge repetition count or a very long alternation: authentik 2026.2.2 (lab) accepts `x{1000000}`), it says it could not verify instead of reporting an error. It compiles at most 2,000 regex redirect URIs per file (a compile costs tens of microseconds: a 10 MiB provider of 300,000 took 6 s); each one past that is reported as not verified. A repetition count of 4294967295 (CPython's `MAXREPEAT`) or more is an error: Python refuses it (lab: \"OverflowError the repetition number is too large\").\n\n## Why\nauthentik refuses to save an invalid pattern (\"Invalid Regex Pattern\"), and a stored one that does not compile never matches.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: regex, url: 'https://wiki\\.example\\.com/(oauth|login/.*'}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: regex, url: 'https://wiki\\.example\\.com/(oauth|login)/.*'}\n```\n",
    stops_load: false,
    cases: &[
        Case {
            id: "unverifiable",
            severity: Severity::Info,
            summary: "Python's `re` and akbp's regex engine read the pattern differently; not verified.",
        },
    ],
    check: Some(check_regex_invalid),
};

fn check_regex_invalid(ctx: &Ctx, sink: &mut Sink) {
    for e in oauth2_providers(ctx) {
        for u in literal_uris(e, &ctx.options.placeholders)
            .iter()
            .filter(|u| u.mode == Some("regex"))
        {
            // Python rejects a repetition count from MAXREPEAT (4294967295 on CPython 3.11:
            // `re.compile("a{4294967295}")` raises "the repetition number is too large").
            if let Some(n) = max_repetition(&u.text).filter(|n| *n >= PYTHON_MAXREPEAT) {
                sink.push(
                    &REGEX_INVALID,
                    u.url_node.span,
                    format!(
                        "the repetition count {n} is too large for Python's `re` (at most {})",
                        PYTHON_MAXREPEAT - 1
                    ),
                )
                .help("use a smaller count, or `*`/`+`; authentik cannot compile this pattern");
                continue;
            }
            if !ctx.suggestions.compile_regex() {
                sink.push(&REGEX_INVALID, u.url_node.span, format!("could not verify this pattern: akbp compiles at most {REGEXES_PER_FILE} regex redirect URIs per file"))
                    .case("unverifiable")
                    .help("check it with Python: `re.compile(pattern)`; split the file, or list fewer patterns");
                continue;
            }
            let wrapped = format!("\\A(?:{})\\z", u.text);
            let compiled = fancy_regex::RegexBuilder::new(&wrapped)
                .backtrack_limit(100_000)
                .build();
            match compiled {
                Ok(_) => {}
                Err(err) if engine_limit(&err) => {
                    sink.push(&REGEX_INVALID, u.url_node.span, format!("could not verify this pattern: it is too large for akbp's regex engine ({err}), though Python's `re` may compile it"))
                        .case("unverifiable")
                        .help("check it with Python: `re.compile(pattern)`; a shorter pattern is easier to review");
                }
                Err(err) if python_rust_differ(&u.text) => {
                    sink.push(&REGEX_INVALID, u.url_node.span, format!("could not verify this pattern: Python's `re` and akbp's regex engine read it differently ({err})"))
                        .case("unverifiable")
                        .help("check it with Python: `re.compile(pattern)`; prefer plain syntax");
                }
                Err(err) => {
                    sink.push(
                        &REGEX_INVALID,
                        u.url_node.span,
                        format!("the pattern does not compile: {err}"),
                    )
                    .help("fix the pattern; authentik rejects it with \"Invalid Regex Pattern\"");
                }
            }
        }
    }
}

pub const MODE_MISMATCH: Rule = Rule {
    code: "AKB404",
    name: "redirect-matching-mode",
    severity: Severity::Error,
    summary: "A strict redirect URI contains regex syntax (it never matches), or a regex one is a plain URL (use strict).",
    doc: "## What it does\nReports `strict` URIs containing regex syntax such as `.*`, `\\.`, `^`, `$`, `(`, `[` (strict compares strings exactly, so the real callback never equals them), and, as a warning, `regex` URIs that are plain URLs with nothing but unescaped dots.\n\n## Why\nThe first never matches and every login fails; the second matches more than intended because `.` matches any character. Observed on authentik 2026.2.2 (the lab, `tests/lab/logins-negative-2026.2.tsv`): Grafana's strict URI written as `https://grafana.company/login/generic_oauth.*` makes authorize answer HTTP 400 \"Redirect URI Error: The request fails due to a missing, invalid, or mismatching redirection URI (redirect_uri)\" for the callback Grafana sends.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: 'https://wiki.example.com/.*'}\n        - {matching_mode: regex, url: 'https://wiki.example.com/login'}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: regex, url: 'https://wiki\\.example\\.com/.*'}\n        - {matching_mode: strict, url: 'https://wiki.example.com/login'}\n```\n",
    stops_load: false,
    cases: &[
        Case {
            id: "regex-plain-url",
            severity: Severity::Warning,
            summary: "A `regex` redirect URI is a plain URL whose dots match any character.",
        },
    ],
    check: Some(check_mode_mismatch),
};

fn check_mode_mismatch(ctx: &Ctx, sink: &mut Sink) {
    for e in oauth2_providers(ctx) {
        for u in literal_uris(e, &ctx.options.placeholders) {
            let at = u
                .item
                .get("matching_mode")
                .map_or(u.url_node.span, |n| n.span);
            match u.mode {
                Some("strict") if !forbidden_scheme(&u.text) => {
                    let regexy = ["\\", ".*", ".+", "(", "[", "|"]
                        .iter()
                        .any(|c| u.text.contains(c))
                        || u.text.starts_with('^')
                        || u.text.ends_with('$');
                    if regexy {
                        sink.push(&MODE_MISMATCH, u.url_node.span, "this strict URI contains regex syntax; strict compares strings exactly, so it never matches the real callback")
                            .secondary(at, "strict")
                            .help("use `matching_mode: regex` (escape the dots), or write the exact callback URL");
                    }
                }
                Some("regex") if !has_regex_syntax(&u.text) && !u.text.contains("\\*") => {
                    let f = sink.push(
                        &MODE_MISMATCH,
                        at,
                        "this regex redirect URI is a plain URL; its dots match any character",
                    );
                    f.case("regex-plain-url")
                        .secondary(u.url_node.span, "no pattern here");
                    f.help("use `matching_mode: strict` for an exact URL");
                }
                _ => {}
            }
        }
    }
}

pub const UNSAFE_URI: Rule = Rule {
    code: "AKB405",
    name: "redirect-uri-unsafe",
    severity: Severity::Error,
    summary: "A redirect URI uses `javascript:`, `data:` or `vbscript:`, has a `#fragment`, or plain `http://` outside loopback.",
    doc: "## What it does\nReports redirect URIs with a scheme authentik always refuses (`javascript`, `data`, `vbscript`), with a fragment (OAuth 2.0 forbids them; the client never sends one, so it never matches), and, as a warning, plain `http://` to a host other than `localhost`/`127.0.0.1`/`[::1]` (codes and tokens travel in clear).\n\n## Why\nThe first two never work; the third leaks credentials to anyone on the path.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: 'http://wiki.example.com/cb#done'}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: 'https://wiki.example.com/cb'}\n```\n",
    stops_load: false,
    cases: &[
        Case {
            id: "plain-http",
            severity: Severity::Warning,
            summary: "Plain `http://` to a host other than loopback.",
        },
    ],
    check: Some(check_unsafe_uri),
};

fn check_unsafe_uri(ctx: &Ctx, sink: &mut Sink) {
    for e in oauth2_providers(ctx) {
        for u in literal_uris(e, &ctx.options.placeholders) {
            if forbidden_scheme(&u.text) {
                let scheme = u.text.split(':').next().unwrap_or("").to_ascii_lowercase();
                sink.push(
                    &UNSAFE_URI,
                    u.url_node.span,
                    format!("`{scheme}:` redirect URIs are always refused by authentik"),
                )
                .help("redirect to the application's https callback");
                continue;
            }
            if u.mode == Some("strict") && u.text.contains('#') {
                sink.push(
                    &UNSAFE_URI,
                    u.url_node.span,
                    "a redirect URI may not have a fragment (`#...`); the client never sends one",
                )
                .help("remove the `#` part");
            }
            let plain_http = u.text.starts_with("http://") || u.text.starts_with("https?://");
            if plain_http {
                let host = host_part(&u.text).unwrap_or("").replace("\\.", ".");
                // A placeholder host may be loopback or not: nothing to say.
                if !is_loopback(&host) && !host.contains(MASK) {
                    sink.push(&UNSAFE_URI, u.url_node.span, format!("plain http to `{host}`: authorization codes and tokens travel unencrypted"))
                        .case("plain-http")
                        .help("use https; plain http is fine only for localhost");
                }
            }
        }
    }
}

pub const DUPLICATE_URI: Rule = Rule {
    code: "AKB406",
    name: "redirect-uri-duplicate",
    severity: Severity::Warning,
    summary: "The same redirect URI is listed twice.",
    doc: "## What it does\nReports a redirect URI listed twice with the same matching mode and type.\n\n## Why\nHarmless to authentik, but usually a copy-paste where another URI (often the one with or without a trailing slash) was meant.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: 'https://wiki.example.com/cb'}\n        - {matching_mode: strict, url: 'https://wiki.example.com/cb'}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: 'https://wiki.example.com/cb'}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_duplicate_uri),
};

fn check_duplicate_uri(ctx: &Ctx, sink: &mut Sink) {
    for e in oauth2_providers(ctx) {
        let mut seen: HashMap<(&str, Option<&str>, Option<&str>), &Node> = HashMap::new();
        for u in literal_uris(e, &ctx.options.placeholders) {
            let key = (u.url, u.mode, u.kind);
            if let Some(first) = seen.get(&key) {
                sink.push(
                    &DUPLICATE_URI,
                    u.url_node.span,
                    "this redirect URI is already listed",
                )
                .secondary(first.span, "first listed here")
                .help("remove the duplicate, or fix it to the URI that was meant");
            } else {
                seen.insert(key, u.url_node);
            }
        }
    }
}

pub const PLACEHOLDER_URI: Rule = Rule {
    code: "AKB407",
    name: "redirect-uri-placeholder",
    severity: Severity::Error,
    summary: "A redirect URI still holds a placeholder from a guide (`temp.temp`, `<...>`, `YOUR_DOMAIN`).",
    doc: "## What it does\nReports redirect URIs containing `temp.temp`, an `<...>` placeholder, or an ALL_CAPS placeholder word such as `YOUR_NETBIRD_DOMAIN`. Deploy-time placeholders are opaque and never reported: `${VAR}`, `${VAR:-default}` (Flux, envsubst), `__VAR__` (sed), `{{ ... }}` (Helm, Jinja) and `--placeholder REGEX` patterns; the other redirect URI rules still check the scheme, path and fragment around them.\n\n## Why\nIntegration guides use these as stand-ins; left in place, no real callback matches.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: netbird}\n    attrs:\n      redirect_uris:\n        - {matching_mode: regex, url: 'https://YOUR_NETBIRD_DOMAIN/.*'}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: netbird}\n    attrs:\n      redirect_uris:\n        - {matching_mode: regex, url: 'https://netbird\\.example\\.com/.*'}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_placeholder),
};

fn check_placeholder(ctx: &Ctx, sink: &mut Sink) {
    for e in oauth2_providers(ctx) {
        for u in literal_uris(e, &ctx.options.placeholders) {
            if let Some((found, why)) = placeholder(&u.text) {
                sink.push(
                    &PLACEHOLDER_URI,
                    u.url_node.span,
                    format!("this redirect URI still holds the placeholder `{found}`, {why}"),
                )
                .help("put the application's real callback URL here");
            }
        }
    }
}

pub const EMPTY_LIST: Rule = Rule {
    code: "AKB408",
    name: "redirect-uris-empty",
    severity: Severity::Error,
    summary: "From authentik 2025.12.5 an empty `redirect_uris` list rejects every authorization request (2026.2 still saves the first one it is sent).",
    doc: "## What it does\nReports an OAuth2 provider with `redirect_uris: []` when the target is 2025.12 or later (a target line means its latest patch, and 2025.12.5 removed the auto-learning of the first redirect URI). A provider whose `grant_types` lists no redirect-based grant (only `client_credentials`, `password`, the device code grant or `refresh_token`) needs no redirect URI and is not reported. At a 2026.2 target the finding is a warning (`AKB408/learns-first-uri`): that line still learns the URI, so the login works, but not as the file says.\n\n## Why\nBefore 2025.12.5 authentik saved the first redirect URI it saw; from 2025.12.5 (authentik#21746, backported) and in 2026.5 nothing matches and every login fails with `redirect_uri_no_match`. The 2026.2 line still learns: observed on authentik 2026.2.2 (the lab, `tests/lab/logins-negative-2026.2.tsv`), Grafana's provider with `redirect_uris: []` logs in, and the first redirect URI a client sends becomes the provider's only one (the 2026.2.3 release candidate's source still does this). There the empty list is a trap of another kind: whichever client calls first, from any host, decides the URI, and the upgrade to 2026.5 breaks the login.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris: []\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: 'https://wiki.example.com/oauth/callback'}\n```\n",
    stops_load: false,
    cases: &[
        Case {
            id: "public-client",
            severity: Severity::Warning,
            summary: "Before authentik 2026.5 (no `grant_types`), a public client without redirect URIs may log in with the device code flow only, as authentik's own command-line client does.",
        },
        Case {
            id: "learns-first-uri",
            severity: Severity::Warning,
            summary: "authentik 2026.2 saves the first redirect URI a client sends, from any host, and logs it in; 2025.12.5 and 2026.5 reject every login.",
        },
    ],
    check: Some(check_empty_list),
};

fn check_empty_list(ctx: &Ctx, sink: &mut Sink) {
    if !ctx.target.at_least(Target::new(2025, 12)) {
        return;
    }
    for e in oauth2_providers(ctx).filter(|e| !grants_without_redirect(e)) {
        let Some(node) = e.attr("redirect_uris") else {
            continue;
        };
        if node.custom_tag().is_none() && node.as_seq().is_some_and(|s| s.is_empty()) {
            // Before 2026.5 no `grant_types` says which flows a client uses; a public
            // client with no redirect is how device-code clients are set up.
            let public = e.attr("client_type").and_then(|n| n.as_str()) == Some("public");
            if public && !ctx.target.at_least(Target::new(2026, 5)) {
                sink.push(&EMPTY_LIST, node.span, format!("a public client without redirect URIs can only use flows without a redirect (device code) from authentik 2025.12.5 (target {})", ctx.target))
                    .case("public-client")
                    .help("list the application's callback URL(s) unless it logs in with the device code flow only");
                continue;
            }
            // The 2026.2 line still learns (lab, authentik 2026.2.2: Grafana with `[]` logs
            // in; tests/lab/logins-negative-2026.2.tsv): no login fails there.
            if ctx.target.at_least(Target::new(2026, 2))
                && !ctx.target.at_least(Target::new(2026, 5))
            {
                sink.push(&EMPTY_LIST, node.span, format!("an empty redirect URI list: authentik {} saves the first redirect URI a client sends, from any host; 2025.12.5 and 2026.5 reject every login", ctx.target))
                    .case("learns-first-uri")
                    .help("list the application's callback URL(s), so that no first caller decides it and the upgrade to 2026.5 keeps the login");
                continue;
            }
            sink.push(&EMPTY_LIST, node.span, format!("an empty redirect URI list rejects every login from authentik 2025.12.5 (target {})", ctx.target))
                .help("list the application's callback URL(s); authentik no longer learns the first one");
        }
    }
}

pub const URI_TYPE_TOO_NEW: Rule = Rule {
    code: "AKB409",
    name: "redirect-uri-type-unsupported",
    severity: Severity::Warning,
    summary: "`redirect_uri_type` (authorization/logout) exists from authentik 2026.5; older releases ignore it.",
    doc: "## What it does\nReports `redirect_uri_type` inside redirect URI items when the target is older than 2026.5.\n\n## Why\nOlder releases drop the key: a `logout` URI silently becomes a login redirect URI.\n\n## Example\n```yaml\n# akbp: target 2026.2\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: 'https://wiki.example.com/logged-out', redirect_uri_type: logout}\n```\n\n## Use instead\n```yaml\n# akbp: target 2026.2\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: 'https://wiki.example.com/oauth/callback'}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_uri_type),
};

fn check_uri_type(ctx: &Ctx, sink: &mut Sink) {
    if ctx.target.at_least(Target::new(2026, 5)) {
        return;
    }
    for e in oauth2_providers(ctx) {
        let Some(items) = e.attr("redirect_uris").and_then(|n| n.as_seq()) else {
            continue;
        };
        for item in items {
            if let Some(p) = item.get_pair("redirect_uri_type") {
                let logout = p.value.as_str() == Some("logout");
                let f = sink.push(
                    &URI_TYPE_TOO_NEW,
                    p.key.span,
                    format!(
                        "`redirect_uri_type` exists from authentik 2026.5; {} ignores it",
                        ctx.target
                    ),
                );
                f.help(if logout {
                    "a post-logout URI becomes a login redirect URI here: remove the item for this target"
                } else {
                    "remove the key for this target"
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_dots() {
        // authentik's own test pattern (providers/oauth2/tests) has unescaped dots.
        let p = r"https://[\d\w]+.pr.test.goauthentik.io/.*";
        let host = host_part(p).unwrap();
        assert_eq!(host, r"[\d\w]+.pr.test.goauthentik.io");
        assert_eq!(unescaped_literal_dots(host).len(), 4);
        assert_eq!(escape_dots(host), r"[\d\w]+\.pr\.test\.goauthentik\.io");
        assert!(
            unescaped_literal_dots(host_part(r"https://netbird\.company/.*").unwrap()).is_empty()
        );
        assert_eq!(
            host_part(r"https://.*\.example\.com/logout"),
            Some(r".*\.example\.com")
        );
        assert!(unescaped_literal_dots(".*").is_empty());
    }

    #[test]
    fn regex_syntax_and_queries() {
        assert!(!has_regex_syntax("https://app.example.com/cb?x=1"));
        assert!(has_regex_syntax(r"https://app\.example\.com/.*"));
        assert!(has_regex_syntax(r"https://app\.example\.com/cb/?"));
        assert!(looks_like_query("?x=1"));
        assert!(!looks_like_query("?"));
    }

    #[test]
    fn python_only_syntax_is_unverifiable() {
        assert!(python_rust_differ("[[]"));
        assert!(python_rust_differ(r"a\Z"));
        assert!(python_rust_differ("a++b"));
        assert!(!python_rust_differ(
            r"https://(?P<h>[a-z]+)\.example\.com/.*"
        ));
    }

    #[test]
    fn repetition_counts_and_engine_limits() {
        assert_eq!(max_repetition(r"a{2}b{3,40}c{5,}"), Some(40));
        assert_eq!(max_repetition(r"\{99999999999}x"), None);
        assert_eq!(max_repetition("a{x}"), None);
        assert_eq!(max_repetition("a{99999999999999999999999}"), Some(u64::MAX));
        let build = |p: &str| fancy_regex::RegexBuilder::new(p).build().unwrap_err();
        // Python compiles both at once (CPython 3.11); akbp's engine exceeds its size limit.
        assert!(engine_limit(&build("a{1000000}")));
        assert!(engine_limit(&build("(?:ab{1000}){1000}")));
        assert!(!engine_limit(&build("(a")));
    }

    #[test]
    fn placeholders_and_loopback() {
        assert_eq!(placeholder("https://temp.temp").unwrap().0, "temp.temp");
        assert_eq!(
            placeholder("https://YOUR_NETBIRD_DOMAIN/.*").unwrap().0,
            "YOUR_NETBIRD_DOMAIN"
        );
        assert_eq!(placeholder("https://<host>/cb").unwrap().0, "<host>");
        assert!(placeholder("https://wiki.example.com/OAuth_Callback").is_none());
        assert!(
            is_loopback("localhost:8080") && is_loopback("127.0.0.1") && is_loopback("[::1]:80")
        );
        assert!(!is_loopback("wiki.example.com"));
    }
}
