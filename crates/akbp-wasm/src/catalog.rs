//! The generate tab: the catalog's integrations, and one blueprint with its application
//! side (`akbp generate` and `akbp show --format json` in one answer).

use serde::Deserialize;
use serde_json::{json, Map, Value};

use akbp_core::catalog::list::{list, ListFilter, ListFormat};
use akbp_core::catalog::{self as core_catalog};
use akbp_core::generate::show::{self, ShowFormat, ShowOptions};
use akbp_core::generate::{self, GenerateOptions, Naming, Random, SecretMode};
use akbp_core::target::Target;

/// One generation, as the page asks for it. Empty texts count as not given.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Request {
    pub integration: String,
    /// One of the integration's methods; none: the guide's first.
    pub method: Option<String>,
    pub app_url: Option<String>,
    pub authentik_url: Option<String>,
    pub slug: Option<String>,
    pub name: Option<String>,
    pub client_id: Option<String>,
    pub internal_url: Option<String>,
    pub base_dn: Option<String>,
    /// A release line; none: the newest.
    pub target: Option<String>,
    /// `env` (the default), `random` or `omit`.
    pub secret: Option<String>,
    pub allow_group: Option<String>,
    /// Values only the application knows (`--param NAME=VALUE`), in the order given.
    pub params: Map<String, Value>,
}

/// `akbp list --format json`, with each integration's declared parameters and, per
/// method, the names of those it uses.
pub fn integrations() -> Value {
    let mut rows: Value = serde_json::from_str(&list(&ListFilter::default(), ListFormat::Json))
        .unwrap_or_else(|_| Value::Array(Vec::new()));
    let Some(rows_list) = rows.as_array_mut() else {
        return rows;
    };
    for row in rows_list {
        let Some(integration) = row["slug"]
            .as_str()
            .and_then(|s| core_catalog::all().iter().find(|i| i.slug == s))
        else {
            continue;
        };
        row["params"] = integration
            .params
            .iter()
            .map(|p| {
                json!({
                    "name": p.name, "description": p.description, "example": p.example,
                    "shown_by_app": p.shown_by_app,
                })
            })
            .collect();
        if let Some(methods) = row["methods"].as_array_mut() {
            for (m, method) in methods.iter_mut().zip(&integration.methods) {
                m["params"] = integration
                    .params_of(method)
                    .iter()
                    .map(|p| Value::from(p.name.as_str()))
                    .collect();
            }
        }
    }
    rows
}

fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Generate the blueprint the request describes, drawing a random secret from `random`.
pub fn generate(request: &str, random: &mut Random<'_>) -> Value {
    match try_generate(request, random) {
        Ok(v) => v,
        Err(error) => json!({ "ok": false, "error": error }),
    }
}

fn try_generate(request: &str, random: &mut Random<'_>) -> Result<Value, String> {
    let req: Request =
        serde_json::from_str(request).map_err(|e| format!("bad request from the page: {e}"))?;
    let mut params = Vec::new();
    for (k, v) in &req.params {
        match v {
            Value::String(s) if !s.trim().is_empty() => params.push((k.clone(), s.clone())),
            Value::String(_) | Value::Null => {}
            _ => return Err(format!("the value of `{k}` must be text")),
        }
    }
    let naming = Naming {
        app_url: given(&req.app_url),
        authentik_url: given(&req.authentik_url),
        slug: given(&req.slug),
        name: given(&req.name),
        client_id: given(&req.client_id),
        internal_url: given(&req.internal_url),
        base_dn: given(&req.base_dn),
        params,
    };
    let target = match given(&req.target) {
        Some(t) => t.parse::<Target>().map_err(|e| e.to_string())?,
        None => Target::LATEST,
    };
    let secret = match req.secret.as_deref().unwrap_or("env") {
        "env" => SecretMode::Env,
        "random" => SecretMode::Random,
        "omit" => SecretMode::Omit,
        other => {
            return Err(format!(
                "unknown secret mode `{other}` (env, random or omit)"
            ))
        }
    };
    let method = given(&req.method);
    let opts = GenerateOptions {
        integrations: vec![req.integration.clone()],
        all: false,
        naming: naming.clone(),
        domain: None,
        secret,
        allow_group: given(&req.allow_group),
        target,
        method: method.clone(),
        outpost: None,
    };
    let blueprints = generate::generate(&opts, random).map_err(|e| e.to_string())?;
    let [bp] = blueprints.as_slice() else {
        return Err(format!("expected one blueprint, got {}", blueprints.len()));
    };
    let show = show::render(
        &req.integration,
        &ShowOptions {
            naming,
            method,
            format: ShowFormat::Json,
            target,
            secret,
        },
    )
    .map_err(|e| e.to_string())?;
    let show: Value = serde_json::from_str(&show).map_err(|e| e.to_string())?;
    let mut notes = bp.notes.clone();
    notes.extend(bp.secret_message("the blueprint"));
    Ok(json!({
        "ok": true,
        "integration": bp.integration,
        "method": bp.method,
        "filename": bp.file_name,
        "blueprint": bp.text,
        "show": show,
        "notes": notes,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counter() -> impl FnMut(&mut [u8]) -> Result<(), String> {
        let mut n = 0u8;
        move |buf: &mut [u8]| {
            for b in buf {
                *b = n;
                n = n.wrapping_add(1);
            }
            Ok(())
        }
    }

    fn no_random(_: &mut [u8]) -> Result<(), String> {
        Err("no randomness in this test".into())
    }

    #[test]
    fn the_same_blueprint_as_the_core_makes() {
        let req = r#"{"integration": "gravitee", "app_url": "https://apis.example.com",
            "authentik_url": "https://sso.example.com", "allow_group": "api-admins",
            "params": {}, "secret": "env", "target": ""}"#;
        let out = generate(req, &mut no_random);
        assert_eq!(out["ok"], true, "{out}");
        let mut opts = GenerateOptions::new(
            "gravitee",
            "https://apis.example.com",
            "https://sso.example.com",
        );
        opts.allow_group = Some("api-admins".into());
        let want = generate::generate(&opts, &mut no_random).unwrap();
        assert_eq!(out["blueprint"], want[0].text.as_str());
        assert_eq!(out["filename"], "gravitee.yaml");
        let settings = out["show"]["settings"].as_array().unwrap();
        assert!(settings.iter().any(|s| s["field"] == "Token Endpoint"
            && s["value"] == "https://sso.example.com/application/o/token/"));
    }

    #[test]
    fn a_random_secret_comes_from_the_caller() {
        let req = r#"{"integration": "gravitee", "app_url": "https://apis.example.com",
            "authentik_url": "https://sso.example.com", "secret": "random"}"#;
        let out = generate(req, &mut counter());
        let text = out["blueprint"].as_str().unwrap();
        // Bytes 0, 1, 2... pick the alphabet in order.
        // A long secret goes on the line under its key (80 columns).
        assert!(
            text.contains("client_secret:\n        ABCDEFGHIJ"),
            "{text}"
        );
        assert!(out["notes"].to_string().contains("in the blueprint"));
        let failed = generate(req, &mut no_random);
        assert_eq!(failed["ok"], false);
        assert!(failed["error"].as_str().unwrap().contains("no randomness"));
    }

    #[test]
    fn bad_input_is_an_error_message() {
        for (req, says) in [
            (r#"{"integration": "nope"}"#, "nope"),
            (
                r#"{"integration": "gravitee", "app_url": "ftp://x", "authentik_url": "https://a.example.com"}"#,
                "ftp",
            ),
            (r#"{"integration": "gravitee", "bogus": 1}"#, "bogus"),
            (
                r#"{"integration": "gravitee", "target": "1999.1"}"#,
                "1999.1",
            ),
            ("not json", "bad request"),
        ] {
            let out = generate(req, &mut no_random);
            assert_eq!(out["ok"], false, "{req}");
            assert!(
                out["error"].as_str().unwrap().contains(says),
                "{req}: {out}"
            );
        }
    }

    #[test]
    fn integrations_carry_params_per_method() {
        let all = integrations();
        let all = all.as_array().unwrap();
        assert_eq!(all.len(), core_catalog::all().len());
        let atlassian = all.iter().find(|i| i["slug"] == "atlassian-cloud").unwrap();
        let names: Vec<&str> = atlassian["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"acs_url"), "{names:?}");
        assert!(atlassian["methods"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["params"].as_array().is_some_and(|p| !p.is_empty())));
    }
}
