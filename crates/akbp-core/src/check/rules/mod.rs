//! The rule registry: every rule akbp has, in code order.

pub mod absent;
pub mod application;
pub mod apply_blueprint;
pub mod cross_entry;
pub mod discovery;
pub mod entry;
pub mod input;
pub mod integration;
pub mod lookups;
pub mod models;
pub mod oauth2;
pub mod providers;
pub mod redirect_uris;
pub mod references;
pub mod structure;
pub mod suppressions;
pub mod tagged_structure;
pub mod tags;
pub mod wrappers;

use crate::check::finding::Rule;
use crate::check::suggest::did_you_mean;

/// Every rule, sorted by code. Nothing else lists rules.
pub static RULES: &[&Rule] = &[
    &input::UNREADABLE_FILE,
    &input::YAML_SYNTAX,
    &input::NOT_TEXT,
    &input::INPUT_LIMIT,
    &input::EMPTY_FILE,
    &input::MULTIPLE_DOCUMENTS,
    &tags::DUPLICATE_KEY,
    &tags::UNKNOWN_TAG,
    &tags::TAG_SHAPE,
    &tags::TAG_UNAVAILABLE,
    &tags::ENUMERATE_SCOPE,
    &tags::DOCS_STYLE_DEFAULT,
    &tags::ENV_IN_CONDITION,
    &suppressions::UNUSED_SUPPRESSION,
    &suppressions::INVALID_COMMENT,
    &suppressions::OLDER_TARGET,
    &structure::VERSION,
    &structure::METADATA,
    &structure::UNKNOWN_KEY,
    &structure::ENTRIES_SHAPE,
    &entry::ENTRY_SHAPE,
    &entry::MISSING_IDENTIFIERS,
    &entry::IDENTIFIER_CONFLICT,
    &entry::RISKY_STATE,
    &entry::LITERAL_PERMISSION_IDS,
    &discovery::NOT_DISCOVERED,
    &wrappers::WRAPPED_KEY_NOT_YAML,
    &wrappers::NOT_A_BLUEPRINT,
    &wrappers::TEMPLATE_FILE,
    &tagged_structure::TAGGED_STRUCTURE,
    &models::UNKNOWN_MODEL,
    &models::UNVERIFIED_MODEL,
    &models::UNKNOWN_FIELD,
    &models::FIELD_TYPE,
    &models::ENUM_VALUE,
    &models::REQUIRED_FIELD,
    &models::DURATION,
    &application::APPLICATION_SLUG,
    &models::FIELD_FORMAT,
    &application::POLICY_BINDING,
    &providers::PROXY_INTERNAL_HOST,
    &providers::SAML_ACS_URL,
    &application::APPLICATION_GROUP_LABEL,
    &references::KEYOF_UNRESOLVED,
    &references::DUPLICATE_ID,
    &references::KEYOF_CONDITIONAL,
    &references::CONTEXT_UNDEFINED,
    &lookups::FIND_MAY_BE_NULL,
    &lookups::FIND_TARGET,
    &absent::KEYOF_ABSENT,
    &absent::FIND_DELETED,
    &absent::ABSENT_WITH_ATTRS,
    &apply_blueprint::APPLY_BLUEPRINT_UNKNOWN,
    &lookups::FIND_ORDER,
    &lookups::FIND_BEFORE_CREATED,
    &lookups::FIND_TYPO,
    &redirect_uris::STRING_FORM,
    &redirect_uris::REGEX_HYGIENE,
    &redirect_uris::REGEX_BROAD,
    &redirect_uris::REGEX_INVALID,
    &redirect_uris::MODE_MISMATCH,
    &redirect_uris::UNSAFE_URI,
    &redirect_uris::DUPLICATE_URI,
    &redirect_uris::PLACEHOLDER_URI,
    &redirect_uris::EMPTY_LIST,
    &redirect_uris::URI_TYPE_TOO_NEW,
    &oauth2::GRANT_TYPES_MISSING,
    &oauth2::GRANT_SCOPE_MISMATCH,
    &oauth2::SIGNING_KEY_MISSING,
    &oauth2::SECRET_IN_CLEAR,
    &oauth2::ENV_WITHOUT_DEFAULT,
    &cross_entry::PROVIDER_WITHOUT_APPLICATION,
    &cross_entry::APPLICATION_PROVIDER,
    &cross_entry::BINDING_TARGET,
    &integration::REDIRECT_URIS,
    &integration::TRAILING_SLASH,
    &integration::CLIENT_TYPE,
    &integration::SUBJECT_MODE,
    &integration::SCOPES,
    &integration::GRANT_TYPES,
    &integration::HOST_MISMATCH,
    &integration::AMBIGUOUS,
    &integration::SAML_SETTINGS,
    &integration::PROXY_SETTINGS,
    &integration::LDAP_SETTINGS,
];

/// Look a rule up by code (case-insensitive) or name.
pub fn rule_by_code(code: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code) || r.name == code)
}

/// "did you mean" among every code and name.
pub fn rule_hint(word: &str) -> String {
    let candidates = RULES.iter().flat_map(|r| [r.code, r.name]);
    match did_you_mean(word, candidates) {
        Some(c) => format!("; did you mean `{c}`?"),
        None => "; `akbp rules` lists them".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_sorted() {
        let mut codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        let sorted = {
            let mut c = codes.clone();
            c.sort();
            c
        };
        assert_eq!(codes, sorted, "RULES must be in code order");
        codes.dedup();
        assert_eq!(codes.len(), RULES.len(), "duplicate rule code");
        let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), RULES.len(), "duplicate rule name");
        for r in RULES {
            assert!(r.code.len() == 6 && r.code.starts_with("AKB"), "{}", r.code);
            assert!(
                r.doc.contains("## Example") && r.doc.contains("## Use instead"),
                "{} doc lacks examples",
                r.code
            );
            let mut ids: Vec<&str> = r.cases.iter().map(|c| c.id).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), r.cases.len(), "{} repeats a case", r.code);
            for c in r.cases {
                assert!(
                    c.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                    "{}/{}",
                    r.code,
                    c.id
                );
                assert_ne!(
                    c.severity, r.severity,
                    "{}/{} has the rule's own severity; it needs no case",
                    r.code, c.id
                );
            }
            assert!(
                r.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
                "{}",
                r.name
            );
        }
    }
}
