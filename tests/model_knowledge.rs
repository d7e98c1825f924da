//! Drift test: the embedded model knowledge against authentik's published data in
//! `../shared/authentik` (blueprint schemas 2024.10.5-2026.2.2, API field lists 2026.5/2026.8),
//! field by field, allowing only the deviations listed in `schemas/models.json`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use akbp::model::{
    knowledge, Deviation, FieldFormat, FieldLookup, FieldSpec, FieldType, Knowledge, ModelLookup,
};
use akbp::target::Target;
use serde_json::Value;

const SCHEMA_RELEASES: [&str; 9] = [
    "2024.10.5",
    "2024.12.5",
    "2025.2.4",
    "2025.4.4",
    "2025.6.4",
    "2025.8.6",
    "2025.10.4",
    "2025.12.4",
    "2026.2.2",
];
const DURATION_HINT: &str = "(Format: hours=1;minutes=2;seconds=3)";
const SLUG_PATTERN: &str = "^[-a-zA-Z0-9_]+$";

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/authentik")
}

fn read_json(rel: &str) -> Value {
    let path = shared().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (CI keeps ../shared beside the clone)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap()
}

fn t(s: &str) -> Target {
    s.parse().unwrap()
}

fn known<'k>(k: &'k Knowledge, model: &str, target: Target) -> akbp::model::ModelRef<'k> {
    match k.model(model, target) {
        ModelLookup::Known(m) => m,
        other => panic!("{model} at {target}: {other:?}"),
    }
}

/// The entry `oneOf` (inline up to 2025.6, `$defs/blueprint_entry` later): found, not assumed.
fn entry_branches(schema: &Value) -> Vec<&Value> {
    let mut stack = vec![schema];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(o) => {
                if let Some(Value::Array(branches)) = o.get("oneOf") {
                    if branches
                        .iter()
                        .any(|b| b.pointer("/properties/model/const").is_some())
                    {
                        return branches.iter().collect();
                    }
                }
                stack.extend(o.values());
            }
            Value::Array(a) => stack.extend(a),
            _ => {}
        }
    }
    panic!("entry oneOf not found")
}

fn schema_models(schema: &Value) -> Vec<(String, &Value)> {
    let defs = schema
        .get("$defs")
        .or_else(|| schema.get("definitions"))
        .unwrap();
    entry_branches(schema)
        .into_iter()
        .map(|b| {
            let name = b
                .pointer("/properties/model/const")
                .unwrap()
                .as_str()
                .unwrap();
            (name.to_string(), &defs[format!("model_{name}")])
        })
        .collect()
}

/// Compares one knowledge descriptor with one JSON Schema node; pushes a line per difference.
/// `skip_type` silences type/format (a listed `schema_type` deviation).
fn compare_schema_node(
    path: &str,
    k: &FieldSpec,
    s: &Value,
    skip_type: bool,
    out: &mut Vec<String>,
) {
    let (s_type, s_null) = match s.get("type") {
        Some(Value::String(ty)) => (ty.as_str(), false),
        Some(Value::Array(tys)) => (
            tys.iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap_or("any"),
            true,
        ),
        _ => ("any", false),
    };
    let mut s_format = s.get("format").and_then(Value::as_str).map(str::to_string);
    if s.get("pattern").and_then(Value::as_str) == Some(SLUG_PATTERN) {
        s_format = Some("slug".into());
    } else if let Some(p) = s.get("pattern") {
        out.push(format!("{path}: unknown pattern {p}"));
    }
    if s.get("description")
        .and_then(Value::as_str)
        .is_some_and(|d| d.contains(DURATION_HINT))
    {
        s_format = Some("duration".into());
    }
    if !skip_type {
        if k.ty.as_str() != s_type {
            out.push(format!("{path}: type {} vs schema {s_type}", k.ty.as_str()));
        }
        let k_format = k.format.as_ref().map(|f| f.name().to_string());
        if k_format != s_format {
            out.push(format!(
                "{path}: format {k_format:?} vs schema {s_format:?}"
            ));
        }
    }
    let s_enum: Option<BTreeSet<String>> = s.get("enum").and_then(Value::as_array).map(|vals| {
        vals.iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    });
    let k_enum: Option<BTreeSet<String>> =
        k.enum_values.as_ref().map(|v| v.iter().cloned().collect());
    if k_enum != s_enum {
        out.push(format!("{path}: enum {k_enum:?} vs schema {s_enum:?}"));
    }
    if s_null && !k.nullable {
        out.push(format!("{path}: schema allows null, knowledge does not"));
    }
    for (name, kv, key) in [
        ("min_length", k.min_length, "minLength"),
        ("max_length", k.max_length, "maxLength"),
        ("max_items", k.max_items, "maxItems"),
    ] {
        let sv = s.get(key).and_then(Value::as_u64);
        if kv != sv {
            out.push(format!("{path}: {name} {kv:?} vs schema {sv:?}"));
        }
    }
    for (name, kv, key) in [
        ("minimum", k.minimum, "minimum"),
        ("maximum", k.maximum, "maximum"),
    ] {
        let sv = s.get(key).and_then(Value::as_f64);
        if kv != sv {
            out.push(format!("{path}: {name} {kv:?} vs schema {sv:?}"));
        }
    }
    match (&k.items, s.get("items")) {
        (Some(ki), Some(si)) => compare_schema_node(&format!("{path}[]"), ki, si, skip_type, out),
        (None, None) => {}
        (ki, si) => out.push(format!(
            "{path}: items {} vs schema {}",
            ki.is_some(),
            si.is_some()
        )),
    }
    let s_props = s
        .get("properties")
        .and_then(Value::as_object)
        .filter(|p| !p.is_empty());
    match (&k.properties, s_props) {
        (None, None) => {}
        (Some(kp), Some(sp)) => {
            let required: BTreeSet<&str> = s
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            compare_field_sets(
                path,
                kp.keys().map(String::as_str),
                sp.keys().map(String::as_str),
                out,
            );
            for (name, kv) in kp {
                if let Some(sv) = sp.get(name) {
                    let sub = format!("{path}.{name}");
                    compare_schema_node(&sub, kv, sv, false, out);
                    if kv.required != required.contains(name.as_str()) {
                        out.push(format!("{sub}: required {} vs schema", kv.required));
                    }
                }
            }
        }
        (kp, sp) => out.push(format!(
            "{path}: properties {} vs schema {}",
            kp.is_some(),
            sp.is_some()
        )),
    }
}

fn compare_field_sets<'a>(
    path: &str,
    known: impl Iterator<Item = &'a str>,
    source: impl Iterator<Item = &'a str>,
    out: &mut Vec<String>,
) {
    let k: BTreeSet<&str> = known.collect();
    let s: BTreeSet<&str> = source.collect();
    for f in k.difference(&s) {
        out.push(format!("{path}: `{f}` only in the knowledge"));
    }
    for f in s.difference(&k) {
        out.push(format!("{path}: `{f}` only in the source"));
    }
}

/// Compares the knowledge's fields of one model at one release with the model's schema `attrs`.
fn compare_model_with_schema(
    model: &str,
    fields: &[(&str, &FieldSpec)],
    attrs: &Value,
    deviations: &[&Deviation],
) -> Vec<String> {
    let mut out = Vec::new();
    let props = attrs
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    compare_field_sets(
        model,
        fields.iter().map(|(n, _)| *n),
        props.keys().map(String::as_str),
        &mut out,
    );
    for (name, spec) in fields {
        let Some(s) = props.get(*name) else { continue };
        let skip_type = deviations
            .iter()
            .any(|d| d.kind == "schema_type" && d.field.as_deref() == Some(name));
        compare_schema_node(&format!("{model}.{name}"), spec, s, skip_type, &mut out);
    }
    out
}

/// Compares one release's knowledge with that release's published blueprint schema.
fn compare_release_with_schema(k: &Knowledge, release: &str, schema: &Value) -> Vec<String> {
    let target = t(release);
    let mut out = Vec::new();
    let models = schema_models(schema);
    compare_field_sets(
        release,
        k.model_names(target).into_iter(),
        models.iter().map(|(n, _)| n.as_str()),
        &mut out,
    );
    for (name, attrs) in &models {
        let ModelLookup::Known(m) = k.model(name, target) else {
            continue;
        };
        let fields: Vec<_> = m.fields_at().collect();
        let devs: Vec<&Deviation> = k.deviations_for(name, None, target).collect();
        out.extend(compare_model_with_schema(name, &fields, attrs, &devs));
    }
    out
}

/// `(type, format)` of a fields.json type name.
fn api_type(ty: &str) -> (FieldType, Option<FieldFormat>) {
    match ty {
        "string" => (FieldType::String, None),
        "boolean" => (FieldType::Boolean, None),
        "integer" => (FieldType::Integer, None),
        "number" => (FieldType::Number, None),
        "object" => (FieldType::Object, None),
        "any" => (FieldType::Any, None),
        "array" => (FieldType::Array, None),
        "uuid" => (FieldType::String, Some(FieldFormat::Uuid)),
        "date-time" => (FieldType::String, Some(FieldFormat::DateTime)),
        t if t.starts_with("enum:") => (FieldType::String, None),
        t if t.starts_with("ref:") => (FieldType::Object, None),
        other => panic!("unknown fields.json type {other}"),
    }
}

fn compare_api_field(
    path: &str,
    k: &FieldSpec,
    spec: &Value,
    api: &Value,
    extra_enum: &[String],
    out: &mut Vec<String>,
) {
    let ty = spec
        .get("type")
        .or(Some(spec))
        .and_then(Value::as_str)
        .unwrap();
    let (want_ty, want_fmt) = api_type(ty);
    if k.ty != want_ty {
        out.push(format!("{path}: type {:?} vs api {ty}", k.ty));
    }
    if want_fmt.is_some() && k.format != want_fmt {
        out.push(format!("{path}: format {:?} vs api {ty}", k.format));
    }
    if let Some(name) = ty.strip_prefix("enum:") {
        let want: BTreeSet<String> = api["enums"][name]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .chain(extra_enum.iter().cloned())
            .collect();
        let have: BTreeSet<String> = k.enum_values.iter().flatten().cloned().collect();
        if have != want {
            out.push(format!(
                "{path}: enum differs from api {name}: {:?}",
                have.symmetric_difference(&want).collect::<Vec<_>>()
            ));
        }
    } else if k.enum_values.is_some() {
        out.push(format!("{path}: enum in the knowledge, none in the api"));
    }
    if let Some(items) = spec.get("items") {
        match &k.items {
            Some(ki) => compare_api_field(&format!("{path}[]"), ki, items, api, extra_enum, out),
            None => out.push(format!("{path}: no items in the knowledge")),
        }
    }
    if let Some(r) = ty.strip_prefix("ref:") {
        let fields = api["models"]
            .get(r)
            .or_else(|| api["referenced_models"].get(r))
            .and_then(|m| m.get("fields"))
            .and_then(Value::as_object)
            .unwrap();
        let kp = k.properties.clone().unwrap_or_default();
        compare_field_sets(
            path,
            kp.keys().map(String::as_str),
            fields.keys().map(String::as_str),
            out,
        );
        for (name, fs) in fields {
            if let Some(kv) = kp.get(name) {
                compare_api_field(&format!("{path}.{name}"), kv, fs, api, &[], out);
            }
        }
    }
}

/// Compares one release's knowledge with that release's API request models (fields.json).
fn compare_release_with_api(
    k: &Knowledge,
    release: &str,
    api: &Value,
    blueprint_only_models: &[&str],
) -> Vec<String> {
    let target = t(release);
    let mut out = Vec::new();
    let model_enum = api["enums"]["ModelEnum"].as_array().unwrap();
    compare_field_sets(
        release,
        k.model_names(target).into_iter(),
        model_enum
            .iter()
            .map(|v| v.as_str().unwrap())
            .chain(blueprint_only_models.iter().copied()),
        &mut out,
    );
    for req in api["models"].as_object().unwrap().values() {
        let Some(bp) = req.get("blueprint_model").and_then(Value::as_str) else {
            continue;
        };
        let m = known(k, bp, target);
        let devs: Vec<&Deviation> = k.deviations_for(bp, None, target).collect();
        let dev_fields = |kind: &str| -> BTreeSet<&str> {
            devs.iter()
                .filter(|d| d.kind == kind)
                .filter_map(|d| d.field.as_deref())
                .collect()
        };
        let blueprint_only = dev_fields("blueprint_only_field");
        let api_only = dev_fields("api_only_field");
        let fields = req["fields"].as_object().unwrap();
        compare_field_sets(
            bp,
            m.field_names()
                .into_iter()
                .filter(|f| !blueprint_only.contains(f)),
            fields
                .keys()
                .map(String::as_str)
                .filter(|f| !api_only.contains(f)),
            &mut out,
        );
        for (name, spec) in fields {
            let FieldLookup::Known(ks) = m.field(name) else {
                continue;
            };
            let extra: Vec<String> = devs
                .iter()
                .filter(|d| d.kind == "schema_enum_extra" && d.field.as_deref() == Some(name))
                .flat_map(|d| d.values.clone())
                .collect();
            compare_api_field(&format!("{bp}.{name}"), ks, spec, api, &extra, &mut out);
            if ks.required != spec["required"].as_bool().unwrap() && !is_keep_required(bp, name) {
                out.push(format!("{bp}.{name}: required {} vs api", ks.required));
            }
        }
    }
    out
}

/// Required on create although the API model alone may not say so (see tools/derive-models.py).
fn is_keep_required(model: &str, field: &str) -> bool {
    matches!(
        (model, field),
        ("authentik_providers_oauth2.oauth2provider", "redirect_uris")
            | ("authentik_providers_saml.samlprovider", "acs_url")
            | ("authentik_providers_proxy.proxyprovider", "external_host")
            | ("authentik_core.application", "name" | "slug")
            | (
                "authentik_flows.flow",
                "name" | "slug" | "title" | "designation"
            )
    )
}

#[test]
fn knowledge_matches_every_published_schema() {
    let k = knowledge();
    let mut all = Vec::new();
    for rel in SCHEMA_RELEASES {
        let schema = read_json(&format!("{rel}/schema.json"));
        all.extend(
            compare_release_with_schema(k, rel, &schema)
                .into_iter()
                .map(|d| format!("{rel}: {d}")),
        );
    }
    assert!(
        all.is_empty(),
        "{} differences:\n{}",
        all.len(),
        all.join("\n")
    );
}

#[test]
fn knowledge_matches_api_field_lists() {
    let k = knowledge();
    let common = [
        "authentik_blueprints.metaapplyblueprint",
        "authentik_endpoints_connectors_agent.agentdeviceuserbinding",
        "authentik_reports.dataexport",
    ];
    let mut all = Vec::new();
    for (rel, extra) in [
        ("2026.5", vec![]),
        (
            "2026.8",
            vec!["authentik_core.actor", "authentik_requests.grantrequest"],
        ),
    ] {
        let api = read_json(&format!("{rel}/fields.json"));
        let bp_only: Vec<&str> = common.iter().copied().chain(extra).collect();
        all.extend(
            compare_release_with_api(k, rel, &api, &bp_only)
                .into_iter()
                .map(|d| format!("{rel}: {d}")),
        );
    }
    assert!(
        all.is_empty(),
        "{} differences:\n{}",
        all.len(),
        all.join("\n")
    );
}

#[test]
fn drift_is_detected_on_mutated_data() {
    let k = knowledge();
    let target = t("2024.10");
    let schema = read_json("2024.10.5/schema.json");
    let model = "authentik_providers_oauth2.oauth2provider";
    let attrs = schema_models(&schema)
        .into_iter()
        .find(|(n, _)| n == model)
        .map(|(_, a)| a.clone())
        .unwrap();
    let m = known(k, model, target);
    let fields: Vec<_> = m.fields_at().collect();
    assert!(compare_model_with_schema(model, &fields, &attrs, &[]).is_empty());

    // The source drifts: a length, an enum value, a new field, a lost field, a nested shape.
    let mut drifted = attrs.clone();
    let props = drifted["properties"].as_object_mut().unwrap();
    props["client_id"]["maxLength"] = 200.into();
    props["client_type"]["enum"]
        .as_array_mut()
        .unwrap()
        .push("hybrid".into());
    props.insert(
        "grant_types".into(),
        serde_json::json!({"type": "array", "items": {"type": "string"}}),
    );
    props.remove("sub_mode");
    props["redirect_uris"]["items"]["properties"]["matching_mode"]["enum"] =
        serde_json::json!(["strict"]);
    props["access_code_validity"]["description"] = "no hint any more".into();
    let diffs = compare_model_with_schema(model, &fields, &drifted, &[]);
    let expect = [
        "client_id: max_length",
        "client_type: enum",
        "`grant_types` only in the source",
        "`sub_mode` only in the knowledge",
        "redirect_uris[].matching_mode: enum",
        "access_code_validity: format",
    ];
    for e in expect {
        assert!(
            diffs.iter().any(|d| d.contains(e)),
            "missing `{e}` in {diffs:#?}"
        );
    }
    assert_eq!(diffs.len(), expect.len(), "{diffs:#?}");

    // The knowledge drifts: an in-memory copy with a wrong type and a lost nullable.
    let mut bad: Vec<(&str, FieldSpec)> = fields.iter().map(|(n, s)| (*n, (*s).clone())).collect();
    for (name, spec) in &mut bad {
        if *name == "include_claims_in_id_token" {
            spec.ty = FieldType::String;
        }
        if *name == "client_id" {
            spec.min_length = None;
        }
    }
    let bad_refs: Vec<(&str, &FieldSpec)> = bad.iter().map(|(n, s)| (*n, s)).collect();
    let diffs = compare_model_with_schema(model, &bad_refs, &attrs, &[]);
    assert_eq!(diffs.len(), 2, "{diffs:#?}");
}

#[test]
fn listed_deviations_still_hold() {
    let k = knowledge();
    for d in k.deviations() {
        assert!(!d.reason.is_empty());
        assert!(
            matches!(k.model(&d.model, d.since), ModelLookup::Known(_)),
            "deviation for a model missing at {}: {d:?}",
            d.since
        );
    }
    // TOTP digits: the schema says string enum, authentik's own blueprint writes an integer.
    let totp = std::fs::read_to_string(
        shared().join("2026.2.2/blueprints/default/flow-default-authenticator-totp-setup.yaml"),
    )
    .unwrap();
    assert!(totp.contains("digits: 6"));
    let digits = k
        .deviations_for(
            "authentik_stages_authenticator_totp.authenticatortotpstage",
            Some("digits"),
            t("2026.2"),
        )
        .next()
        .unwrap();
    assert_eq!(digits.kind, "lenient_value");
    // metaapplyblueprint: identifiers required in 2024.10/2024.12 only.
    for (rel, required) in [
        ("2024.10.5", true),
        ("2024.12.5", true),
        ("2025.2.4", false),
    ] {
        let schema = read_json(&format!("{rel}/schema.json"));
        let branch = entry_branches(&schema)
            .into_iter()
            .find(|b| {
                b.pointer("/properties/model/const").and_then(Value::as_str)
                    == Some("authentik_blueprints.metaapplyblueprint")
            })
            .unwrap();
        let req = branch["required"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "identifiers");
        assert_eq!(req, required, "{rel}");
        let listed = k
            .deviations_for("authentik_blueprints.metaapplyblueprint", None, t(rel))
            .any(|d| d.kind == "schema_requires_identifiers");
        assert_eq!(listed, required, "{rel}");
    }
}

#[test]
fn default_objects_resolve() {
    let k = knowledge();
    for target in Target::KNOWN {
        for slug in [
            "default-provider-authorization-implicit-consent",
            "default-provider-invalidation-flow",
        ] {
            assert!(
                k.is_default_object("authentik_flows.flow", &[("slug", slug)], target),
                "{slug} at {target}"
            );
        }
        assert!(k.is_default_object(
            "authentik_providers_oauth2.scopemapping",
            &[("managed", "goauthentik.io/providers/oauth2/scope-openid")],
            target
        ));
        assert!(k.is_default_object(
            "authentik_crypto.certificatekeypair",
            &[("name", "authentik Self-signed Certificate")],
            target
        ));
        assert!(k.is_default_object(
            "authentik_crypto.certificatekeypair",
            &[("managed", "goauthentik.io/crypto/jwt-managed")],
            target
        ));
        assert!(k.is_default_object(
            "authentik_brands.brand",
            &[("domain", "authentik-default")],
            target
        ));
    }
    assert!(!k.is_default_object("authentik_flows.flow", &[("slug", "my-flow")], t("2026.8")));
    assert!(!k.is_default_object(
        "authentik_providers_oauth2.scopemapping",
        &[("slug", "default-provider-invalidation-flow")],
        t("2026.8")
    ));
    assert!(!k.is_default_object("authentik_flows.flow", &[], t("2026.8")));
    // The entitlements scope mapping first ships in 2024.12.
    let ent = [(
        "managed",
        "goauthentik.io/providers/oauth2/scope-entitlements",
    )];
    assert!(!k.is_default_object(
        "authentik_providers_oauth2.scopemapping",
        &ent,
        t("2024.10")
    ));
    assert!(k.is_default_object(
        "authentik_providers_oauth2.scopemapping",
        &ent,
        t("2024.12")
    ));
}

#[test]
fn version_gated_lookups() {
    let k = knowledge();
    let oauth = "authentik_providers_oauth2.oauth2provider";
    assert!(matches!(
        known(k, oauth, t("2026.2")).field("grant_types"),
        FieldLookup::NotInRelease { since: Some(s), until: None } if s == t("2026.5")
    ));
    let FieldLookup::Known(gt) = known(k, oauth, t("2026.5")).field("grant_types") else {
        panic!()
    };
    assert_eq!(gt.ty, FieldType::Array);
    assert!(known(k, oauth, t("2026.8"))
        .field("grant_types")
        .is_known_with_enum_value("urn:ietf:params:oauth:grant-type:token-exchange"));
    assert!(!known(k, oauth, t("2026.5"))
        .field("grant_types")
        .is_known_with_enum_value("urn:ietf:params:oauth:grant-type:token-exchange"));

    let saml = "authentik_providers_saml.samlprovider";
    assert!(matches!(
        known(k, saml, t("2026.2")).field("issuer"),
        FieldLookup::Known(_)
    ));
    assert!(matches!(
        known(k, saml, t("2026.5")).field("issuer"),
        FieldLookup::NotInRelease { until: Some(u), .. } if u == t("2026.5")
    ));
    assert!(matches!(
        known(k, saml, t("2026.5")).field("issuer_override"),
        FieldLookup::Known(_)
    ));

    assert!(matches!(
        known(k, oauth, t("2024.10")).field("jwks_sources"),
        FieldLookup::Known(_)
    ));
    assert!(matches!(
        known(k, oauth, t("2024.12")).field("jwks_sources"),
        FieldLookup::NotInRelease { since: Some(s), until: Some(u) } if s == t("2024.10") && u == t("2024.12")
    ));

    // Group parent -> parents: the schemas show the switch in 2025.12.4.
    let group = "authentik_core.group";
    assert!(matches!(
        known(k, group, t("2025.10")).field("parent"),
        FieldLookup::Known(_)
    ));
    assert!(matches!(
        known(k, group, t("2025.12")).field("parent"),
        FieldLookup::NotInRelease { until: Some(u), .. } if u == t("2025.12")
    ));
    assert!(matches!(
        known(k, group, t("2025.10")).field("parents"),
        FieldLookup::NotInRelease { since: Some(s), until: None } if s == t("2025.12")
    ));

    let app = known(k, "authentik_core.application", t("2026.8"));
    assert!(matches!(app.field("launch_url"), FieldLookup::Unknown));
    assert!(matches!(
        app.field("meta_launch_url"),
        FieldLookup::Known(_)
    ));
    let mut req = app.required_fields();
    req.sort();
    assert_eq!(req, ["name", "slug"]);

    let FieldLookup::Known(redirects) = known(k, oauth, t("2026.5")).field("redirect_uris") else {
        panic!()
    };
    assert!(redirects.required);
    let item = redirects
        .items
        .as_ref()
        .unwrap()
        .properties
        .as_ref()
        .unwrap();
    assert!(
        item["matching_mode"].required
            && item["url"].required
            && !item["redirect_uri_type"].required
    );
    let FieldLookup::Known(validity) = known(k, oauth, t("2024.10")).field("access_token_validity")
    else {
        panic!()
    };
    assert_eq!(validity.format, Some(FieldFormat::Duration));

    assert!(matches!(
        k.model(oauth, t("2026.8")),
        ModelLookup::Known(m) if !m.is_meta() && m.fields_known()
    ));
    assert!(matches!(
        k.model("authentik_blueprints.metaapplyblueprint", t("2026.8")),
        ModelLookup::Known(m) if m.is_meta()
    ));
    assert!(
        matches!(k.model("authentik_core.actor", t("2026.8")), ModelLookup::Known(m) if !m.fields_known())
    );
    assert!(matches!(
        k.model("authentik_core.actor", t("2026.5")),
        ModelLookup::NotInRelease { since: Some(s), until: None } if s == t("2026.8")
    ));
    assert!(matches!(
        k.model("authentik_stages_consent.userconsent", t("2026.8")),
        ModelLookup::NotInRelease { until: Some(_), .. }
    ));
    assert!(k
        .model_names(t("2026.8"))
        .contains(&"authentik_agents.agent"));
}

/// Small extension to keep the assertions above readable.
trait LookupExt {
    fn is_known_with_enum_value(&self, value: &str) -> bool;
}

impl LookupExt for FieldLookup<'_> {
    fn is_known_with_enum_value(&self, value: &str) -> bool {
        matches!(self, FieldLookup::Known(s) if s.items.as_ref().and_then(|i| i.enum_values.as_ref()).is_some_and(|v| v.iter().any(|x| x == value)))
    }
}

#[test]
fn embedded_size_and_parse_time() {
    let models = include_str!("../schemas/models.json");
    let defaults = include_str!("../schemas/defaults.json");
    let start = std::time::Instant::now();
    let k = Knowledge::from_json(models, defaults).unwrap();
    let elapsed = start.elapsed();
    println!(
        "model knowledge: models.json {} bytes, defaults.json {} bytes, {} models, parsed in {:?}",
        models.len(),
        defaults.len(),
        k.all_model_names().len(),
        elapsed
    );
}

/// Every blueprint model of every published schema is also a model `!Find` resolves, and the
/// multi-table parents the schemas leave out are there too (schemas/lookups.json, derived from
/// authentik's models.py at the release tags by tools/derive-lookups.py).
#[test]
fn find_models_cover_schemas_and_base_models() {
    let k = knowledge();
    for release in SCHEMA_RELEASES {
        let line = release.rsplit_once('.').map_or(release, |(l, _)| l);
        let schema = read_json(&format!("{release}/schema.json"));
        for (name, _) in schema_models(&schema) {
            if name.starts_with("authentik_blueprints.meta") {
                continue;
            }
            let m = k
                .find_model(&name, t(line))
                .unwrap_or_else(|| panic!("{name} not resolvable at {line}"));
            assert!(!m.is_lookup_only(), "{name} is an entry model at {line}");
        }
    }
    for base in [
        "authentik_policies.policy",
        "authentik_core.provider",
        "authentik_core.source",
        "authentik_core.propertymapping",
        "authentik_flows.stage",
        "authentik_outposts.outpostserviceconnection",
    ] {
        for line in Target::KNOWN {
            let m = k.find_model(base, line).expect(base);
            assert!(m.is_lookup_only(), "{base} is lookup-only");
            assert!(m.has_filter("pk") && m.has_filter("name"), "{base} filters");
        }
    }
    // Inherited fields, attnames and reverse relations are filters; serializer-only names are not.
    let p = k
        .find_model("authentik_providers_oauth2.oauth2provider", t("2026.2"))
        .unwrap();
    for f in [
        "name",
        "authorization_flow",
        "authorization_flow_id",
        "provider_ptr",
        "application",
    ] {
        assert!(p.has_filter(f), "oauth2provider filter {f}");
    }
    assert!(!p.has_filter("redirect_uris"));
    assert!(k.lookups().is_carried_forward(t("2026.8")));
    // Renames come from migrations (and the tenant -> brand move).
    assert_eq!(
        k.renames()
            .model("authentik_tenants.tenant")
            .map(|r| r.new.as_str()),
        Some("authentik_brands.brand")
    );
    assert_eq!(
        k.renames()
            .field("authentik_providers_oauth2.oauth2provider", "jwks_sources")
            .map(|r| r.new.as_str()),
        Some("jwt_federation_sources")
    );
}

/// Default objects are found by each of their values, not only by the shipped identifiers.
#[test]
fn default_objects_have_every_identifier() {
    let k = knowledge();
    for line in Target::KNOWN {
        for lookups in [
            &[("managed", "goauthentik.io/outposts/embedded")][..],
            &[("name", "authentik Embedded Outpost")][..],
        ] {
            assert!(k.is_default_object("authentik_outposts.outpost", lookups, line));
        }
        assert!(k.is_default_object(
            "authentik_stages_prompt.prompt",
            &[("field_key", "username")],
            line
        ));
        assert!(!k.is_default_object(
            "authentik_stages_prompt.prompt",
            &[("field_key", "nickname")],
            line
        ));
        // `unique` lists only lookups the model declares unique (lookups.json).
        for o in k.default_objects(line) {
            let m = k.find_model(&o.model, line).expect(&o.model);
            for u in &o.unique {
                assert!(o.lookups.contains_key(u) && m.unique_fields().contains(&u.as_str()));
            }
        }
    }
}

/// URL validators come from the model fields at each tag (tools/derive-lookups.py).
#[test]
fn url_validators_per_release() {
    let k = knowledge();
    let v = |model: &str, field: &str, line: &str| {
        k.find_model(model, t(line))
            .and_then(|m| m.url_validator(field))
            .map(|u| u.validator.clone())
    };
    for line in ["2024.10", "2026.2", "2026.8"] {
        for f in ["external_host", "internal_host"] {
            assert_eq!(
                v("authentik_providers_proxy.proxyprovider", f, line).as_deref(),
                Some("DomainlessURLValidator")
            );
        }
        assert_eq!(
            v("authentik_core.application", "meta_launch_url", line).as_deref(),
            Some("DomainlessFormattedURLValidator")
        );
    }
    // SAML acs_url was a URLField (top-level domain needed) before 2025.4.
    let saml = "authentik_providers_saml.samlprovider";
    assert_eq!(
        v(saml, "acs_url", "2024.10").as_deref(),
        Some("URLValidator")
    );
    assert_eq!(
        v(saml, "acs_url", "2025.4").as_deref(),
        Some("DomainlessURLValidator")
    );
}

/// `schemas/shipped-blueprints.json` lists exactly the `*.yaml` files each release ships
/// (outside dot-folders), with the `metadata.name` each one has.
#[test]
fn shipped_blueprints_match_the_published_folders() {
    use akbp::model::blueprints::shipped_blueprints;
    let mut problems = Vec::new();
    for release in SCHEMA_RELEASES {
        let root = shared().join(release).join("blueprints");
        let target = t(release);
        let inputs = akbp::input::collect(
            std::slice::from_ref(&root),
            &akbp::input::Selection::everything(),
        )
        .unwrap()
        .inputs;
        let mut on_disk = BTreeSet::new();
        for input in inputs {
            let akbp::input::Input::File { path, .. } = input else {
                continue;
            };
            let rel = path.strip_prefix(&root).unwrap().display().to_string();
            if !rel.ends_with(".yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let doc = akbp::load::parse(akbp::load::SourceFile::new(rel.clone(), text)).unwrap();
            let name = doc
                .root
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(|n| n.as_str())
                .map_or_else(|| rel.clone(), str::to_string);
            if shipped_blueprints()
                .find(target, Some(&name), Some(&rel))
                .is_none()
            {
                problems.push(format!("{release}: {rel} ({name}) is not listed"));
            }
            on_disk.insert(rel);
        }
        for b in shipped_blueprints().at(target) {
            if !on_disk.contains(&b.path) {
                problems.push(format!("{release}: {} is listed but not shipped", b.path));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
