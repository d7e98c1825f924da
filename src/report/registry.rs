//! The rule registry for people and for tools: `akbp rules` and `akbp explain` as text or
//! as JSON. Both read [`akbp_core::check::RULES`], the only list of rules.
//!
//! JSON shape (documented in docs/rules/index.md, "Rules as JSON"):
//!
//! ```text
//! akbp rules --format json   -> {"rules": [RULE, ...]}   (in code order)
//! akbp explain X --format json -> RULE
//! RULE = {"code", "name", "default_severity", "summary", "doc", "stops_load",
//!         "cases": [{"id", "code": "CODE/id", "default_severity", "summary"}, ...]}
//! ```

use serde::Serialize;

use akbp_core::check::{Case, Rule, Severity, RULES};

/// One rule as tools read it.
#[derive(Debug, Serialize)]
pub struct RuleJson {
    pub code: &'static str,
    pub name: &'static str,
    pub default_severity: Severity,
    pub summary: &'static str,
    /// Markdown, with `## Example` and `## Use instead`.
    pub doc: &'static str,
    /// authentik cannot load a file with this finding: always an error, never suppressed.
    pub stops_load: bool,
    pub cases: Vec<CaseJson>,
}

/// One declared case of a rule, with its own default severity.
#[derive(Debug, Serialize)]
pub struct CaseJson {
    pub id: &'static str,
    /// `CODE/id`, the key configuration and the command line use for this case.
    pub code: String,
    pub default_severity: Severity,
    pub summary: &'static str,
}

impl RuleJson {
    pub fn of(rule: &'static Rule) -> RuleJson {
        RuleJson {
            code: rule.code,
            name: rule.name,
            default_severity: rule.severity,
            summary: rule.summary,
            doc: rule.doc.trim(),
            stops_load: rule.stops_load,
            cases: rule.cases.iter().map(|c| CaseJson::of(rule, c)).collect(),
        }
    }
}

impl CaseJson {
    fn of(rule: &Rule, case: &'static Case) -> CaseJson {
        CaseJson {
            id: case.id,
            code: format!("{}/{}", rule.code, case.id),
            default_severity: case.severity,
            summary: case.summary,
        }
    }
}

#[derive(Serialize)]
struct RulesJson {
    rules: Vec<RuleJson>,
}

/// `akbp rules`: one line per rule, then one per declared case.
pub fn rules_text() -> String {
    let mut s = String::new();
    for r in RULES {
        s.push_str(&format!(
            "{}  {:<28} {:<8} {}\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.summary
        ));
        for c in r.cases {
            s.push_str(&format!(
                "        /{:<27} {:<8} {}\n",
                c.id,
                c.severity.as_str(),
                c.summary
            ));
        }
    }
    s
}

/// `akbp rules --format json`: every rule in code order, pretty-printed, newline-terminated.
pub fn rules_json() -> String {
    let doc = RulesJson {
        rules: RULES.iter().map(|r| RuleJson::of(r)).collect(),
    };
    to_json(&doc)
}

/// `akbp explain CODE`: the rule's header, its cases and its documentation.
pub fn explain_text(rule: &Rule) -> String {
    let mut cases = String::new();
    for c in rule.cases {
        cases.push_str(&format!(
            "\n  {}/{} ({}): {}",
            rule.code,
            c.id,
            c.severity.as_str(),
            c.summary
        ));
    }
    if !cases.is_empty() {
        cases = format!("\nCases with their own severity:{cases}\n");
    }
    if rule.stops_load {
        cases.push_str(
            "\nAlways an error: authentik cannot load a file with this finding, so no \
             `ignore`, `select`, `[severity]` or `# akbp: ignore` hides it.\n",
        );
    }
    format!(
        "{} {} ({})\n\n{}\n{}\n{}\n",
        rule.code,
        rule.name,
        rule.severity.as_str(),
        rule.summary,
        cases,
        rule.doc.trim_end()
    )
}

/// `akbp explain CODE --format json`: one rule, the same object as in [`rules_json`].
pub fn explain_json(rule: &'static Rule) -> String {
    to_json(&RuleJson::of(rule))
}

fn to_json(value: &impl Serialize) -> String {
    // Serializing plain structs of strings cannot fail.
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lists_every_rule_with_its_cases() {
        let v: serde_json::Value = serde_json::from_str(&rules_json()).unwrap();
        let rules = v["rules"].as_array().unwrap();
        assert_eq!(rules.len(), RULES.len());
        for (json, rule) in rules.iter().zip(RULES) {
            assert_eq!(json["code"], rule.code);
            assert_eq!(json["default_severity"], rule.severity.as_str());
            assert_eq!(json["cases"].as_array().unwrap().len(), rule.cases.len());
        }
    }
}
