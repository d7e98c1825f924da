//! Django's `URLValidator` and authentik's `DomainlessURLValidator` family, as authentik 2026.2.2
//! runs them on model fields (authentik/lib/models.py; django/core/validators.py, Django 5).
//!
//! - `URLValidator`: scheme among `schemes`, a host with a top-level domain (or `localhost`, an
//!   IP), optional port and path.
//! - `DomainlessURLValidator`: the same without the top-level domain (`http://grafana:3000`),
//!   and `http`, `https` and `blank` always allowed besides `schemes`.
//! - `DomainlessFormattedURLValidator` (`meta_launch_url`): also `ssh`, `sftp` and a
//!   `%(...)s` format prefix in the host.
//! - `MultiURLValidator` (LDAP `server_uri`): comma-separated URLs, each domainless.
//!
//! A host label takes letters, digits and `-` (not at either end); `_` is refused.

use crate::model::UrlValidator;

/// Why a value fails, or `Ok` when the validator accepts it.
pub fn validate(v: &UrlValidator, value: &str) -> Result<(), String> {
    match v.validator.as_str() {
        "MultiURLValidator" if value.contains(',') => value
            .split(',')
            .try_for_each(|part| one(v, "DomainlessURLValidator", part)),
        "MultiURLValidator" => one(v, "DomainlessURLValidator", value),
        name => one(v, name, value),
    }
}

fn one(v: &UrlValidator, kind: &str, value: &str) -> Result<(), String> {
    let domainless = kind != "URLValidator";
    let formatted = kind == "DomainlessFormattedURLValidator";
    let mut schemes: Vec<&str> = Vec::new();
    if domainless {
        schemes.extend(["http", "https", "blank"]);
    }
    if formatted {
        schemes.extend(["ssh", "sftp"]);
    }
    schemes.extend(v.schemes.iter().map(String::as_str));
    if value.chars().count() > 2048 {
        return Err("is longer than 2048 characters".into());
    }
    if value.contains(['\t', '\r', '\n']) {
        return Err("contains a tab or line break".into());
    }
    let scheme = value.split("://").next().unwrap_or("").to_ascii_lowercase();
    if !value.contains("://") {
        return Err("has no scheme; write it as `https://host`".into());
    }
    if !schemes.contains(&scheme.as_str()) {
        return Err(format!(
            "has the scheme `{scheme}`; accepted: {}",
            dedup(&schemes).join(", ")
        ));
    }
    let rest = &value[scheme.len() + 3..];
    // Optional `user[:pass]@` (the regex's user:pass part; no `/`, `@` or spaces in it).
    let candidates: Vec<&str> = match rest.split_once('@') {
        Some((user, after)) if userinfo_ok(user) => vec![rest, after],
        _ => vec![rest],
    };
    let mut last = String::new();
    for c in candidates {
        match authority_and_path(c, domainless, formatted) {
            Ok(()) => return Ok(()),
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn dedup<'a>(v: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for s in v {
        if !out.contains(s) {
            out.push(s);
        }
    }
    out
}

fn userinfo_ok(user: &str) -> bool {
    let (name, pass) = user.split_once(':').unwrap_or((user, ""));
    let bad = |c: char| c.is_whitespace() || matches!(c, ':' | '@' | '/');
    !name.is_empty() && !name.chars().any(bad) && !pass.chars().any(bad)
}

fn authority_and_path(s: &str, domainless: bool, formatted: bool) -> Result<(), String> {
    let (host, after) = if s.starts_with('[') {
        match s.find(']') {
            Some(i) => {
                let inner = &s[1..i];
                if inner.is_empty()
                    || !inner
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
                {
                    return Err(format!("has an invalid IPv6 host `{}`", &s[..=i]));
                }
                (&s[..=i], &s[i + 1..])
            }
            None => return Err("has an unclosed `[` in its host".into()),
        }
    } else {
        let end = s.find([':', '/', '?', '#']).unwrap_or(s.len());
        let host = &s[..end];
        host_ok(host, domainless, formatted)?;
        (host, &s[end..])
    };
    if host.chars().count() > 253 {
        return Err("has a host name longer than 253 characters".into());
    }
    let after = match after.strip_prefix(':') {
        Some(p) => {
            let digits = p.chars().take_while(char::is_ascii_digit).count();
            if digits == 0 || digits > 5 {
                return Err("has an invalid port".into());
            }
            &p[digits..]
        }
        None => after,
    };
    if after.is_empty() {
        return Ok(());
    }
    if !after.starts_with(['/', '?', '#']) {
        return Err(format!("has unexpected text `{after}` after the host"));
    }
    if after.chars().any(char::is_whitespace) {
        return Err("has a space in its path".into());
    }
    Ok(())
}

/// Letters of Django's `ul` range count as letters; ASCII letters and digits too.
fn label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ('\u{a1}'..='\u{ffff}').contains(&c)
}

fn host_ok(host: &str, domainless: bool, formatted: bool) -> Result<(), String> {
    if host.is_empty() {
        return Err("has no host".into());
    }
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(());
    }
    // DomainlessFormattedURLValidator: `([%\(\)a-zA-Z])*` may precede the host name.
    let starts: Vec<usize> = if formatted {
        let prefix = host
            .char_indices()
            .take_while(|(_, c)| c.is_ascii_alphabetic() || matches!(c, '%' | '(' | ')'))
            .count();
        host.char_indices()
            .map(|(i, _)| i)
            .take(prefix + 1)
            .collect()
    } else {
        vec![0]
    };
    let mut why = String::new();
    for start in starts {
        match names_ok(&host[start..], domainless) {
            Ok(()) => return Ok(()),
            Err(e) if why.is_empty() => why = e,
            Err(_) => {}
        }
    }
    Err(why)
}

fn names_ok(host: &str, domainless: bool) -> Result<(), String> {
    let labels: Vec<&str> = host.split('.').collect();
    // URLValidator's tld_re allows one trailing dot after the top-level domain.
    let labels = match labels.split_last() {
        Some((last, init)) if last.is_empty() && !domainless && !init.is_empty() => init.to_vec(),
        _ => labels,
    };
    for l in &labels {
        if l.is_empty() {
            return Err(format!("has an empty label in its host `{host}`"));
        }
        if l.chars().count() > 63 {
            return Err(format!(
                "has a host label longer than 63 characters in `{host}`"
            ));
        }
        if let Some(c) = l.chars().find(|c| !label_char(*c) && *c != '-') {
            return Err(format!(
                "has `{c}` in its host `{host}`; host names take letters, digits, `-` and `.`"
            ));
        }
        if l.starts_with('-') || l.ends_with('-') {
            return Err(format!(
                "has a host label starting or ending with `-` in `{host}`"
            ));
        }
    }
    if !domainless {
        // URLValidator needs a top-level domain: letters (2-63) or `xn--` punycode.
        let tld = labels.last().copied().unwrap_or("");
        let ip = labels.len() == 4 && labels.iter().all(|l| l.parse::<u8>().is_ok());
        let tld_ok = labels.len() >= 2
            && ((tld.chars().count() >= 2 && tld.chars().all(|c| c.is_alphabetic() || c == '-'))
                || tld.to_ascii_lowercase().starts_with("xn--"));
        if !ip && !tld_ok {
            return Err(format!(
                "has no top-level domain in its host `{host}` (this field uses Django's URLValidator)"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(name: &str, schemes: &[&str]) -> UrlValidator {
        UrlValidator {
            validator: name.into(),
            schemes: schemes.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn domainless_like_authentik() {
        let d = v("DomainlessURLValidator", &["http", "https"]);
        for ok in [
            "http://grafana:3000",
            "https://app.example.org/path?q=1#x",
            "http://localhost",
            "https://10.0.0.1:8443",
            "http://[::1]:80/",
            "blank://blank",
            "https://user:pw@host.example.org",
        ] {
            assert_eq!(validate(&d, ok), Ok(()), "{ok}");
        }
        // authentik 2026.2.2 rejects both (issue 9, seen on a real importer).
        for bad in [
            "status.example.org",
            "https://app_x.example.org",
            "ftp://files.example.org",
            "https://-bad.example.org",
            "https://host.example.org/a b",
            "https://",
        ] {
            assert!(validate(&d, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formatted_and_multi_and_django() {
        let f = v(
            "DomainlessFormattedURLValidator",
            &["http", "https", "ftp", "ftps"],
        );
        assert_eq!(validate(&f, "https://%(host)s.example.org/x"), Ok(()));
        assert_eq!(validate(&f, "blank://blank"), Ok(()));
        assert_eq!(validate(&f, "ssh://bastion"), Ok(()));
        assert!(validate(&f, "wiki.example.org").is_err());
        let m = v("MultiURLValidator", &["ldap", "ldaps"]);
        assert_eq!(validate(&m, "ldap://dc1,ldaps://dc2.corp:636"), Ok(()));
        assert!(validate(&m, "ldap://dc1,dc2").is_err());
        let u = v("URLValidator", &["http", "https", "ftp", "ftps"]);
        assert_eq!(validate(&u, "https://sp.example.org/acs"), Ok(()));
        assert_eq!(validate(&u, "http://localhost:8080/acs"), Ok(()));
        assert!(validate(&u, "http://myapp:8080/acs").is_err());
    }
}
