//! What a policy binding binds: `schemas/policy-bindings.json`, curated from authentik's
//! `PolicyBinding` model and `PolicyBindingSerializer.validate` (sources in the file).

use std::collections::HashMap;
use std::sync::LazyLock;

const BINDINGS_JSON: &str = include_str!("../../../../schemas/policy-bindings.json");

/// The policy binding facts rules need.
#[derive(Debug, serde::Deserialize)]
pub struct PolicyBindings {
    /// `authentik_policies.policybinding`.
    pub model: String,
    /// The fields naming what is bound; exactly one must be set.
    pub subjects: Vec<String>,
    /// Target models that accept fewer subjects (their `supported_policy_binding_targets()`).
    #[serde(default)]
    pub restricted_targets: HashMap<String, Vec<String>>,
}

static BINDINGS: LazyLock<PolicyBindings> = LazyLock::new(|| {
    // Checked by the unit test below; failing here is a build bug.
    serde_json::from_str(BINDINGS_JSON).expect("embedded policy-bindings.json is valid")
});

/// The embedded policy binding facts.
pub fn policy_bindings() -> &'static PolicyBindings {
    &BINDINGS
}

impl PolicyBindings {
    /// The subjects a binding to an entry of `target_model` may set; authentik's serializer
    /// counts only these (authentik/policies/api/bindings.py, 2024.12+).
    pub fn subjects_for(&self, target_model: Option<&str>) -> &[String] {
        target_model
            .and_then(|m| self.restricted_targets.get(m))
            .unwrap_or(&self.subjects)
    }

    /// Whether `field` is one of the subjects a binding binds.
    pub fn is_subject(&self, field: &str) -> bool {
        self.subjects.iter().any(|s| s == field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_parses() {
        let b: PolicyBindings = serde_json::from_str(BINDINGS_JSON).unwrap();
        assert_eq!(b.model, "authentik_policies.policybinding");
        assert_eq!(b.subjects, ["policy", "group", "user"]);
        assert_eq!(
            b.subjects_for(Some("authentik_core.applicationentitlement")),
            ["group", "user"]
        );
        assert_eq!(
            b.subjects_for(Some("authentik_core.application")),
            b.subjects
        );
    }
}
