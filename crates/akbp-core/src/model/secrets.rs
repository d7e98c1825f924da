//! Which fields hold secrets: `schemas/secrets.json`, curated per model from authentik's
//! serializers. Read by the AKB413 rule and by the one masking step of every report.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

const SECRETS_JSON: &str = include_str!("../../../../schemas/secrets.json");

#[derive(serde::Deserialize)]
struct Raw {
    models: HashMap<String, RawModel>,
    generic: Vec<String>,
    not_secrets: HashMap<String, String>,
}

#[derive(serde::Deserialize)]
struct RawModel {
    fields: Vec<String>,
}

/// The secret fields of every model, and the look-alikes that are not secrets.
#[derive(Debug)]
pub struct SecretFields {
    by_model: HashMap<String, HashSet<String>>,
    /// Names that are secrets wherever they appear as a key.
    anywhere: HashSet<String>,
    not_secrets: HashMap<String, String>,
}

static SECRETS: LazyLock<SecretFields> = LazyLock::new(|| {
    // Checked by the unit test below; failing here is a build bug.
    SecretFields::from_json(SECRETS_JSON).expect("embedded schemas/secrets.json is valid")
});

/// The embedded secret-field knowledge.
pub fn secret_fields() -> &'static SecretFields {
    &SECRETS
}

/// A key as authentik's serializer would match it, and in any spelling a person might
/// type it (`Client_Secret`, `client-secret`, `ClientSecret`): lower case, letters and
/// digits only.
fn normalize(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl SecretFields {
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        let raw: Raw = serde_json::from_str(text)?;
        let generic: HashSet<String> = raw.generic.iter().map(|g| normalize(g)).collect();
        let by_model: HashMap<String, HashSet<String>> = raw
            .models
            .into_iter()
            .map(|(m, v)| {
                (
                    m.to_lowercase(),
                    v.fields.iter().map(|f| normalize(f)).collect(),
                )
            })
            .collect();
        let anywhere = by_model
            .values()
            .flatten()
            .filter(|f| !generic.contains(*f))
            .cloned()
            .collect();
        let not_secrets = raw
            .not_secrets
            .into_iter()
            .map(|(k, v)| (normalize(&k), v))
            .collect();
        Ok(SecretFields {
            by_model,
            anywhere,
            not_secrets,
        })
    }

    /// Whether `key` holds a secret, on an entry of `model` (or anywhere when `None`).
    pub fn is_secret(&self, model: Option<&str>, key: &str) -> bool {
        let key = normalize(key);
        if self.not_secrets.contains_key(&key) {
            return false;
        }
        self.anywhere.contains(&key)
            || model.is_some_and(|m| {
                self.by_model
                    .get(&m.to_lowercase())
                    .is_some_and(|f| f.contains(&key))
            })
    }

    /// Whether `key` is a secret on some model (generic names included), in any spelling.
    pub fn is_secret_somewhere(&self, key: &str) -> bool {
        let key = normalize(key);
        !self.not_secrets.contains_key(&key) && self.by_model.values().any(|f| f.contains(&key))
    }

    /// Why a look-alike name is not a secret.
    pub fn not_secret_reason(&self, key: &str) -> Option<&str> {
        self.not_secrets.get(&normalize(key)).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_is_valid_and_curated() {
        let s = secret_fields();
        let oauth = "authentik_providers_oauth2.oauth2provider";
        assert!(s.is_secret(Some(oauth), "client_secret"));
        assert!(
            s.is_secret(None, "Client-Secret"),
            "any spelling, any model"
        );
        assert!(s.is_secret(Some("authentik_core.user"), "password"));
        assert!(s.is_secret(Some("authentik_sources_ldap.ldapsource"), "bind_password"));
        assert!(s.is_secret(Some("authentik_crypto.certificatekeypair"), "key_data"));
        assert!(s.is_secret(Some("authentik_core.token"), "key"));
        assert!(
            !s.is_secret(None, "key"),
            "`key` is a secret only on its models"
        );
        assert!(!s.is_secret(Some(oauth), "signing_key"));
        assert!(!s.is_secret(None, "password_field"));
        assert!(s.not_secret_reason("signing_key").is_some());
        assert!(!s.is_secret(Some(oauth), "client_id"));
    }
}
