//! "Did you mean" for keys, models, fields and enum values.

/// The closest candidate to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'c, I>(word: &str, candidates: I) -> Option<&'c str>
where
    I: IntoIterator<Item = &'c str>,
{
    let lw = word.to_ascii_lowercase();
    let mut best: Option<(f64, &'c str)> = None;
    for c in candidates {
        let lc = c.to_ascii_lowercase();
        let mut score = strsim::jaro_winkler(&lw, &lc);
        // `launch_url` -> `meta_launch_url`, `description` -> `meta_description`.
        if lc.ends_with(&lw) || lw.ends_with(&lc) || lc.starts_with(&lw) {
            score = score.max(0.9);
        }
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.filter(|(s, _)| *s >= 0.85).map(|(_, c)| c)
}

/// ` (did you mean `x`?)` or nothing.
pub fn hint<'c, I>(word: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'c str>,
{
    did_you_mean(word, candidates)
        .map(|c| format!("did you mean `{c}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("entires", ["version", "metadata", "context", "entries"]),
            Some("entries")
        );
        assert_eq!(
            did_you_mean("launch_url", ["name", "slug", "meta_launch_url"]),
            Some("meta_launch_url")
        );
        assert_eq!(did_you_mean("zzz", ["name", "slug"]), None);
    }
}
