//! Models and fields checked against akbp's per-release knowledge (`schemas/models.json`).

use crate::blueprint::drf::drf_boolean;
use crate::blueprint::{Entry, State};
use crate::check::finding::{Case, Ctx, Edit, Fix, Rule, Severity, Sink};
use crate::check::rewrite::trimmed;
use crate::check::suggest::{field_hint, rename_hint_model};
use crate::load::{Node, NodeKind, Pair, Scalar};
use crate::model::{
    knowledge, FieldFormat, FieldLookup, FieldSpec, FieldType, ModelLookup, ModelRef, UrlValidator,
};
use crate::target::Target;

pub const UNKNOWN_MODEL: Rule = Rule {
    code: "AKB200",
    name: "unknown-model",
    severity: Severity::Error,
    summary: "The entry's model does not exist in the target authentik release.",
    doc: "## What it does\nChecks each entry's `model` against the complete list of blueprint models of the target release, telling a typo from a model that is newer or was removed.\n\n## Why\nauthentik fails the entry with \"App or Model does not exist\" and rolls the whole blueprint back.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.aplication\n    identifiers: {slug: wiki}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki}\n```\n\n## Fix\n**Safe**: for a model authentik renamed (`schemas/renames.json`, e.g. `authentik_tenants.tenant` to `authentik_brands.brand`), `akbp fix` writes the new name, and renames the entry's fields authentik renamed with it, only when every field of `attrs` and `identifiers` exists on the new model at the target; otherwise (tenant settings that moved to system settings) there is no fix.\n",
    stops_load: false,
    cases: &[],
    check: Some(check_unknown_model),
};

/// The knowledge of an entry's model at the target, if the model is known there.
pub fn model_of<'k>(e: &Entry, target: Target) -> Option<ModelRef<'k>> {
    match knowledge().model(e.model_key()?, target) {
        ModelLookup::Known(m) => Some(m),
        _ => None,
    }
}

/// The values of fields that may not be null, in `identifiers` and `attrs` of entries that
/// create or update an object: a null there fails the entry ("This field may not be
/// null."). Nullability comes from model knowledge.
pub fn non_nullable_values<'a, 'd>(
    ctx: &'a Ctx<'a, 'd>,
) -> impl Iterator<Item = (&'a Entry<'d>, &'d str, &'d Node)> + 'a {
    ctx.bp
        .entries
        .iter()
        .filter(|e| {
            matches!(
                e.state(),
                Some(State::Present | State::Created | State::MustCreated)
            )
        })
        .filter_map(move |e| Some((e, model_of(e, ctx.target)?)))
        .flat_map(move |(e, m)| {
            [e.identifiers(), e.attrs()]
                .into_iter()
                .flatten()
                .flat_map(|n| ctx.bp.dict_pairs(n))
                .filter_map(move |p| {
                    let field = p.key.key_str()?;
                    match m.field(field) {
                        FieldLookup::Known(spec) if !spec.nullable => Some((e, field, &p.value)),
                        _ => None,
                    }
                })
        })
}

fn check_unknown_model(ctx: &Ctx, sink: &mut Sink) {
    let k = knowledge();
    for e in &ctx.bp.entries {
        let (Some(name), Some(node)) = (e.model_name(), e.model()) else {
            continue;
        };
        if name.split('.').count() != 2 {
            continue; // AKB104 reports the form
        }
        let key = name.to_ascii_lowercase();
        match k.model(&key, ctx.target) {
            ModelLookup::Known(_) => {}
            ModelLookup::NotInRelease { since, until } => {
                let (msg, help) = match (since, until) {
                    (_, Some(u)) => (
                        format!(
                            "`{name}` was removed in authentik {u} (target {})",
                            ctx.target
                        ),
                        format!("drop the entry, or target a release before {u}"),
                    ),
                    (Some(s), None) => (
                        format!(
                            "`{name}` exists from authentik {s}; the target is {}",
                            ctx.target
                        ),
                        format!("raise --target to {s} or later, or drop the entry"),
                    ),
                    (None, None) => (
                        format!("`{name}` does not exist in authentik {}", ctx.target),
                        String::new(),
                    ),
                };
                let f = sink.push(&UNKNOWN_MODEL, node.span, msg);
                match (
                    rename_hint_model(&key, ctx.target),
                    rename_fix(ctx, e, node, &key),
                ) {
                    (Some(h), fix) => {
                        f.help(h);
                        if let Some(fix) = fix {
                            f.fix(fix);
                        }
                    }
                    (None, _) => {
                        f.help(help);
                    }
                }
            }
            ModelLookup::Unknown => {
                if ctx
                    .options
                    .schema
                    .as_ref()
                    .is_some_and(|s| s.has_model(&key))
                {
                    continue;
                }
                let names = k.model_names(ctx.target);
                // A model Django knows but the importer does not accept (a multi-table parent
                // such as authentik_core.provider): say so instead of "correcting" it.
                if let Some(lm) = k.find_model(&key, ctx.target) {
                    let f = sink.push(
                        &UNKNOWN_MODEL,
                        node.span,
                        format!(
                            "`{name}` is a model of authentik {}, but not one a blueprint entry can create or update; only `!Find` can look it up",
                            ctx.target
                        ),
                    );
                    match rename_hint_model(lm.name(), ctx.target) {
                        Some(h) => {
                            f.help(h);
                            if let Some(fix) = rename_fix(ctx, e, node, &key) {
                                f.fix(fix);
                            }
                        }
                        None => {
                            f.help("use the concrete model (e.g. the provider or policy type) as the entry's model");
                        }
                    };
                    continue;
                }
                let f = sink.push(
                    &UNKNOWN_MODEL,
                    node.span,
                    format!(
                        "`{name}` is not a blueprint model in authentik {}",
                        ctx.target
                    ),
                );
                if let Some(h) = rename_hint_model(&key, ctx.target) {
                    f.help(h);
                    if let Some(fix) = rename_fix(ctx, e, node, &key) {
                        f.fix(fix);
                    }
                    continue;
                }
                let app = key.split('.').next();
                let app_known = names.iter().any(|n| n.split('.').next() == app);
                let candidates = names
                    .iter()
                    .copied()
                    .filter(|n| !app_known || n.split('.').next() == app);
                match ctx.suggestions.did_you_mean(&key, candidates) {
                    Some(s) => f.help(format!("did you mean `{s}`?")),
                    None => f.help("`akbp` knows every model of authentik 2024.10 to 2026.8; check the app label and model name"),
                };
            }
        }
    }
}

/// Rename a model authentik renamed (`schemas/renames.json`) and the entry's fields it
/// renamed with it, when every field of `attrs` and `identifiers` then exists on the new
/// model at the target; otherwise some value would be dropped or refused, and the entry
/// needs a person (`authentik_tenants.tenant` settings that moved to system settings).
fn rename_fix(ctx: &Ctx, e: &Entry, node: &Node, old: &str) -> Option<Fix> {
    let k = knowledge();
    let r = k.renames().model(old)?;
    let ModelLookup::Known(m) = k.model(&r.new, ctx.target) else {
        return None;
    };
    if !m.fields_known() {
        return None;
    }
    let mut edits = vec![Edit::replace(
        trimmed(&ctx.doc.source.text, node.span),
        r.new.clone(),
    )];
    for (section, map) in [("attrs", e.attrs()), ("identifiers", e.identifiers())] {
        let Some(map) = map else { continue };
        for p in map.as_map()? {
            let key = p.key.key_str()?;
            let field = if section == "identifiers" {
                lookup_base(key)
            } else {
                key
            };
            if section == "identifiers" && field == "pk" {
                continue;
            }
            if matches!(m.field(field), FieldLookup::Known(_)) {
                continue;
            }
            let renamed = k.renames().field(&r.new, field)?;
            if !matches!(m.field(&renamed.new), FieldLookup::Known(_)) || field != key {
                return None;
            }
            edits.push(Edit::replace(p.key.span, renamed.new.clone()));
        }
    }
    Some(Fix::safe(
        format!("rename `{}` to `{}` ({})", r.old, r.new, r.release),
        edits,
    ))
}

pub const UNVERIFIED_MODEL: Rule = Rule {
    code: "AKB201",
    name: "unverified-model",
    severity: Severity::Warning,
    summary: "akbp knows this model's name but not its fields; its attrs are not checked (pass `--schema`).",
    doc: "## What it does\nWarns when an entry uses a model whose fields akbp does not know at the target (for example `authentik_core.actor` in 2026.8), unless `--schema FILE` gives a blueprint schema that describes it; with `--schema`, its attrs are checked against that schema.\n\n## Why\nSilence would suggest the entry was checked.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.actor\n    identifiers: {name: bot}\n```\n\n## Use instead\nRun `akbp validate --schema schema.json` with the schema of your authentik release.\n",
    stops_load: false,
    cases: &[],
    check: Some(check_unverified_model),
};

fn check_unverified_model(ctx: &Ctx, sink: &mut Sink) {
    for e in &ctx.bp.entries {
        let Some(key) = e.model_key() else { continue };
        // Field knowledge: akbp's own, else the --schema's, else a warning.
        let (known, fields_known) = match knowledge().model(key, ctx.target) {
            ModelLookup::Known(m) => (true, m.fields_known()),
            ModelLookup::NotInRelease { .. } => continue,
            ModelLookup::Unknown => (false, false),
        };
        if fields_known {
            continue;
        }
        match &ctx.options.schema {
            Some(schema) if schema.has_model(key) => {
                let Some(attrs) = e.attrs().filter(|a| a.as_map().is_some()) else {
                    continue;
                };
                for v in schema.check_attrs(key, attrs) {
                    sink.push(&FIELD_TYPE, v.span, v.message)
                        .help(format!("from {}", schema.path()));
                }
            }
            // Unknown models are AKB200's business.
            _ if !known => {}
            _ => {
                let at = e.model().map_or(e.node.span, |n| n.span);
                sink.push(&UNVERIFIED_MODEL, at, format!("akbp has no field list for `{key}` in authentik {}; its attrs are not checked", ctx.target))
                    .help("pass --schema with your authentik release's blueprint schema to check them");
            }
        }
    }
}

pub const UNKNOWN_FIELD: Rule = Rule {
    code: "AKB202",
    name: "unknown-field",
    severity: Severity::Warning,
    summary: "An attrs or identifiers field the model does not have in the target release; authentik drops it silently.",
    doc: "## What it does\nChecks every key of `attrs` and `identifiers` against the model's fields at the target release, with did-you-mean and the release where a field was added or removed.\n\n## Why\nauthentik's serializers drop undeclared fields without a word: `launch_url` instead of `meta_launch_url`, SAML `issuer` after 2026.5, `jwks_sources` after 2024.12 are silently ignored, and the setting never takes effect.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs:\n      name: Wiki\n      launch_url: https://wiki.example.com\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs:\n      name: Wiki\n      meta_launch_url: https://wiki.example.com\n```\n\n## Fix\n**Safe**: a field authentik renamed on the model (`schemas/renames.json`) is renamed to its current name when the entry does not already set that name.\n",
    stops_load: false,
    cases: &[
        Case {
            id: "in-identifiers",
            severity: Severity::Error,
            summary: "An unknown field in `identifiers`.",
        },
    ],
    check: Some(check_unknown_fields),
};

/// Identifier keys that are Django lookups rather than serializer fields.
fn lookup_base(key: &str) -> &str {
    key.split("__").next().unwrap_or(key)
}

fn check_unknown_fields(ctx: &Ctx, sink: &mut Sink) {
    for e in &ctx.bp.entries {
        let Some(m) = model_of(e, ctx.target) else {
            continue;
        };
        if !m.fields_known() {
            continue;
        }
        for (section, node) in [("attrs", e.attrs()), ("identifiers", e.identifiers())] {
            // The fields as authentik gets them: a duplicate's dropped value is not one.
            let Some(pairs) = node
                .filter(|n| n.as_map().is_some())
                .map(|n| ctx.bp.dict_pairs(n))
            else {
                continue;
            };
            if section == "identifiers" && m.is_meta() {
                continue;
            }
            for p in pairs.iter().copied() {
                let Some(k) = p.key.key_str() else {
                    continue;
                };
                let field = if section == "identifiers" {
                    lookup_base(k)
                } else {
                    k
                };
                if section == "identifiers" && field == "pk" {
                    continue;
                }
                match m.field(field) {
                    FieldLookup::Known(_) => {}
                    FieldLookup::NotInRelease { since, until } => {
                        let msg = match (until, since) {
                            (Some(u), _) => format!("`{k}` was removed from `{}` in authentik {u}; authentik {} ignores it", m.name(), ctx.target),
                            (None, Some(s)) => format!("`{k}` exists on `{}` from authentik {s}; authentik {} ignores it", m.name(), ctx.target),
                            (None, None) => format!("`{k}` is not a field of `{}` in authentik {}", m.name(), ctx.target),
                        };
                        let f = sink.push(&UNKNOWN_FIELD, p.key.span, msg);
                        // The hint compares with every field name: only for shown findings.
                        if f.counted_only() {
                            continue;
                        }
                        match field_hint(ctx.suggestions, &m, field, Some(&p.value)) {
                            Some(h) => f.help(h),
                            None => f.help(
                                "remove it, or set --target to the release the blueprint is for",
                            ),
                        };
                        if let Some(fix) = field_rename_fix(&m, field, k, p, &pairs) {
                            f.fix(fix);
                        }
                    }
                    FieldLookup::Unknown => {
                        let f = sink.push(
                            &UNKNOWN_FIELD,
                            p.key.span,
                            format!(
                                "`{k}` is not a field of `{}`; authentik drops it silently",
                                m.name()
                            ),
                        );
                        if section == "identifiers" {
                            f.case("in-identifiers");
                        }
                        if f.counted_only() {
                            continue;
                        }
                        match field_hint(ctx.suggestions, &m, field, Some(&p.value)) {
                            Some(h) => f.help(h),
                            None => f.help(format!(
                                "fields of `{}`: {}",
                                m.name(),
                                m.field_names().join(", ")
                            )),
                        };
                        if let Some(fix) = field_rename_fix(&m, field, k, p, &pairs) {
                            f.fix(fix);
                        }
                    }
                }
            }
        }
    }
}

/// Rename a field authentik renamed on the model (`schemas/renames.json`), when the new
/// name is a field at the target and the entry does not set it already. Only a plain key
/// (not `name__iexact` in identifiers) is renamed.
fn field_rename_fix(
    m: &ModelRef<'_>,
    field: &str,
    key: &str,
    p: &Pair,
    pairs: &[&Pair],
) -> Option<Fix> {
    if field != key {
        return None;
    }
    let r = knowledge().renames().field(m.name(), field)?;
    let taken = pairs
        .iter()
        .any(|q| q.key.key_str() == Some(r.new.as_str()));
    if taken || !matches!(m.field(&r.new), FieldLookup::Known(_)) {
        return None;
    }
    Some(Fix::safe(
        format!("rename `{}` to `{}` ({})", r.old, r.new, r.release),
        vec![Edit::replace(p.key.span, r.new.clone())],
    ))
}

pub const FIELD_TYPE: Rule = Rule {
    code: "AKB203",
    name: "field-type",
    severity: Severity::Error,
    summary: "A field's value has the wrong type for authentik's serializer (after PyYAML typing and DRF coercions).",
    doc: "## What it does\nChecks literal values against the field's type the way authentik reads them: PyYAML types unquoted scalars (`on` is a boolean, `0755` an integer), then Django REST framework coerces (an integer is accepted where a string is expected, `\"true\"` where a boolean is). Values computed by tags are not checked. Also flags `null` for fields that may not be null, and too-long strings.\n\n## Why\nauthentik rejects the entry at apply time with a serializer error and rolls back the blueprint.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n    attrs:\n      is_superuser: maybe\n      attributes: {}\n      users: 5\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n    attrs:\n      is_superuser: true\n      users: [5]\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_field_values),
};

pub const ENUM_VALUE: Rule = Rule {
    code: "AKB204",
    name: "enum-value",
    severity: Severity::Error,
    summary: "A choice field (client_type, sub_mode, matching_mode, grant_types, mode, designation...) has a value authentik does not accept.",
    doc: "## What it does\nChecks choice fields against the exact values of the target release (`client_type`, `sub_mode`, `issuer_mode`, `grant_types` items, `matching_mode`, `sp_binding`, proxy `mode`, `policy_engine_mode`, flow `designation`...). Like DRF, the value's `str()` is compared, so `digits: 6` matches the choice `\"6\"`.\n\n## Why\nauthentik fails with `\"Confidential\" is not a valid choice.` and applies nothing.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      client_type: Confidential\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      client_type: confidential\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

pub const DURATION: Rule = Rule {
    code: "AKB206",
    name: "duration-format",
    severity: Severity::Error,
    summary: "A duration field is not `key=value(;key=value)*` with known keys and numeric values.",
    doc: "## What it does\nChecks duration fields (`access_token_validity`, `refresh_token_validity`, `access_code_validity`, SAML assertion validity...) as authentik parses them (authentik/lib/utils/time.py): `;`-separated `key=value` pairs, keys among microseconds, milliseconds, seconds, minutes, hours, days, weeks, values numbers, no trailing `;`.\n\n## Why\nauthentik fails with \"... is not in the correct format of 'hours=3;minutes=1'.\"\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      access_token_validity: hours=1;\n      refresh_token_validity: 30 days\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      access_token_validity: hours=1\n      refresh_token_validity: days=30\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

pub const FIELD_FORMAT: Rule = Rule {
    code: "AKB208",
    name: "field-format",
    severity: Severity::Error,
    summary: "A literal value breaks the field's format: a UUID reference that is not a UUID, a URL, an email, a slug.",
    doc: "## What it does\nChecks literal values of fields with a format: `uuid` (references to flows, keys, groups... must be UUIDs), `uri`, `email`, `slug`. URL fields are checked with the validator their model declares at the target release (schemas/lookups.json, from models.py at each tag): proxy `external_host`/`internal_host`, SAML `acs_url`/`sls_url`, webhook `webhook_url` and OAuth2 logout URIs use authentik's DomainlessURLValidator (a scheme is required, no top-level domain is needed, `_` is refused in host names, `blank://blank` passes); `meta_launch_url` uses DomainlessFormattedURLValidator (also `%(...)s` host templates); `URLField`s use Django's URLValidator (top-level domain needed). Tags, placeholders and empty strings are not checked.\n\n## Why\nauthentik rejects `\"default-authentication-flow\" is not a valid UUID` at apply time; a slug in a uuid field is usually a missing `!Find`. authentik 2026.2.2 rejects `external_host: status.example.org` and `https://app_x.example.org` (seen on a real importer; the validators are from authentik/lib/models.py at version/2026.2.2).\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      authorization_flow: default-provider-authorization-implicit-consent\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      authorization_flow: !Find [authentik_flows.flow, [slug, default-provider-authorization-implicit-consent]]\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

/// Parse an authentik duration string (authentik/lib/utils/time.py `timedelta_string_validator`).
pub fn duration_problem(s: &str) -> Option<String> {
    const KEYS: [&str; 7] = [
        "microseconds",
        "milliseconds",
        "seconds",
        "minutes",
        "hours",
        "days",
        "weeks",
    ];
    let mut known = 0;
    for pair in s.split(';') {
        let parts: Vec<&str> = pair.split('=').collect();
        if parts.len() != 2 {
            return Some(if pair.is_empty() {
                "an empty `key=value` pair (a trailing `;`?)".to_string()
            } else {
                format!("`{pair}` is not a `key=value` pair")
            });
        }
        if parts[1].trim().parse::<f64>().is_err() {
            return Some(format!("`{}` is not a number", parts[1]));
        }
        if KEYS.contains(&parts[0].to_ascii_lowercase().as_str()) {
            known += 1;
        }
    }
    (known == 0).then(|| format!("no known unit; use {}", KEYS.join(", ")))
}

fn is_uuid(s: &str) -> bool {
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    let s = s
        .trim_start_matches("urn:uuid:")
        .trim_matches(|c| c == '{' || c == '}');
    hex.len() == 32
        && hex.chars().all(|c| c.is_ascii_hexdigit())
        && (s.len() == 32 || s.len() == 36)
}

/// What DRF would construct from a literal scalar for a field of type `ty`; `Err` says why not.
fn scalar_fits(ty: FieldType, value: &Scalar) -> Result<(), &'static str> {
    match (ty, value) {
        (FieldType::Any | FieldType::Object, _) => Ok(()),
        (
            FieldType::String,
            Scalar::Str(_) | Scalar::Int(_) | Scalar::BigInt(_) | Scalar::Float(_),
        ) => Ok(()),
        (FieldType::String, Scalar::Bool(_)) => Err("a boolean is not a valid string; quote it"),
        (FieldType::String, Scalar::Timestamp(_)) => Err("PyYAML reads this as a date; quote it"),
        (FieldType::Integer, Scalar::Int(_) | Scalar::BigInt(_)) => Ok(()),
        (FieldType::Integer, Scalar::Str(s)) if s.trim().parse::<i64>().is_ok() => Ok(()),
        (FieldType::Integer, Scalar::Float(f)) if f.fract() == 0.0 => Ok(()),
        (FieldType::Number, Scalar::Int(_) | Scalar::Float(_)) => Ok(()),
        (FieldType::Number, Scalar::Str(s)) if s.trim().parse::<f64>().is_ok() => Ok(()),
        (FieldType::Boolean, v) if drf_boolean(v).is_some() => Ok(()),
        (FieldType::Array, _) => Err("expected a list"),
        (FieldType::Integer, _) => Err("expected an integer"),
        (FieldType::Number, _) => Err("expected a number"),
        (FieldType::Boolean, _) => Err("expected a boolean (true or false)"),
        (FieldType::String, _) => Err("expected a string"),
    }
}

struct ValueCheck<'a, 'c> {
    sink: &'a mut Sink,
    target: Target,
    ctx: &'a Ctx<'c, 'c>,
    /// The field has a URL validator in the lookup knowledge, checked by `check_url_field`.
    url_checked: bool,
}

impl ValueCheck<'_, '_> {
    fn check(&mut self, path: &str, spec: &FieldSpec, node: &Node) {
        if node.custom_tag().is_some() {
            return;
        }
        match &node.kind {
            NodeKind::Scalar(s) => {
                if s.value() == Scalar::Null {
                    if !spec.nullable && spec.ty != FieldType::Any {
                        self.sink
                            .push(&FIELD_TYPE, node.span, format!("`{path}` may not be null"))
                            .help(
                                "give a value, or leave the field out to keep authentik's default",
                            );
                    }
                    return;
                }
                // `${PORT}`, `__ENABLED__`: any type once a deploy step fills it in.
                if matches!(&s.value(), Scalar::Str(t) if self.ctx.options.placeholders.is_whole(t))
                {
                    return;
                }
                if let Err(why) = scalar_fits(spec.ty, &s.value()) {
                    self.sink
                        .push(
                            &FIELD_TYPE,
                            node.span,
                            format!("`{path}` is {}: {why}", node.describe()),
                        )
                        .help(type_help(spec));
                    return;
                }
                self.check_scalar(path, spec, node, s.text.as_str(), &s.value());
            }
            NodeKind::Seq(items) => match spec.ty {
                FieldType::Array => {
                    if let Some(max) = spec.max_items {
                        if items.len() as u64 > max {
                            self.sink.push(
                                &FIELD_TYPE,
                                node.span,
                                format!(
                                    "`{path}` has {} items; at most {max} are allowed",
                                    items.len()
                                ),
                            );
                        }
                    }
                    if let Some(item_spec) = &spec.items {
                        for (i, item) in items.iter().enumerate() {
                            self.check(&format!("{path}[{i}]"), item_spec, item);
                        }
                    }
                }
                FieldType::Any | FieldType::Object => {}
                _ => {
                    self.sink
                        .push(
                            &FIELD_TYPE,
                            node.span,
                            format!(
                                "`{path}` is a list, but the field takes a single {}",
                                spec.ty.as_str()
                            ),
                        )
                        .help(type_help(spec));
                }
            },
            NodeKind::Map(pairs) => match spec.ty {
                FieldType::Object | FieldType::Any => {
                    if let Some(props) = &spec.properties {
                        for p in pairs {
                            if let (Some(k), Some(ps)) =
                                (p.key.key_str(), p.key.key_str().and_then(|k| props.get(k)))
                            {
                                self.check(&format!("{path}.{k}"), ps, &p.value);
                            }
                        }
                        for (name, ps) in props {
                            if ps.required && node.get(name).is_none() {
                                self.sink
                                    .push(
                                        &FIELD_TYPE,
                                        node.span,
                                        format!("`{path}` has no `{name}`"),
                                    )
                                    .help(format!("add `{name}`"));
                            }
                        }
                    }
                }
                _ => {
                    let f = self.sink.push(
                        &FIELD_TYPE,
                        node.span,
                        format!(
                            "`{path}` is a mapping, but the field takes {}",
                            article(spec.ty)
                        ),
                    );
                    f.help(type_help(spec));
                }
            },
        }
    }

    fn check_scalar(
        &mut self,
        path: &str,
        spec: &FieldSpec,
        node: &Node,
        text: &str,
        value: &Scalar,
    ) {
        let placeholders = &self.ctx.options.placeholders;
        if matches!(value, Scalar::Str(s) if placeholders.contains(s)) {
            // Length and choice depend on the filled-in value; formats are checked on
            // the text around the placeholders.
            if let (Scalar::Str(s), Some(format)) = (value, &spec.format) {
                self.check_format(path, format, node, &placeholders.mask(s));
            }
            return;
        }
        if let Some(values) = &spec.enum_values {
            // DRF ChoiceField compares `str(value)`.
            let s = match value {
                Scalar::Bool(true) => "True".to_string(),
                Scalar::Bool(false) => "False".to_string(),
                Scalar::Str(s) => s.clone(),
                _ => text.to_string(),
            };
            if !values.contains(&s) {
                let f = self.sink.push(
                    &ENUM_VALUE,
                    node.span,
                    format!(
                        "`{s}` is not a valid choice for `{path}` in authentik {}",
                        self.target
                    ),
                );
                let ci = values.iter().find(|v| v.eq_ignore_ascii_case(&s));
                match ci.map(String::as_str).or_else(|| {
                    self.ctx
                        .suggestions
                        .did_you_mean(&s, values.iter().map(String::as_str))
                }) {
                    Some(v) => f.help(format!("did you mean `{v}`?")),
                    None if values.len() <= 12 => {
                        f.help(format!("choose one of {}", values.join(", ")))
                    }
                    None => f.help(format!(
                        "{} choices; `akbp explain AKB204` for how to list them",
                        values.len()
                    )),
                };
            }
            return;
        }
        let Scalar::Str(s) = value else { return };
        if let Some(min) = spec.min_length {
            if (s.chars().count() as u64) < min {
                self.sink
                    .push(
                        &FIELD_TYPE,
                        node.span,
                        if s.is_empty() {
                            format!("`{path}` may not be blank")
                        } else {
                            format!("`{path}` is shorter than {min} characters")
                        },
                    )
                    .help("give a value, or leave the field out");
                return;
            }
        }
        if let Some(max) = spec.max_length {
            if s.chars().count() as u64 > max {
                self.sink.push(
                    &FIELD_TYPE,
                    node.span,
                    format!(
                        "`{path}` is {} characters long; at most {max} are allowed",
                        s.chars().count()
                    ),
                );
                return;
            }
        }
        if let Some(format) = &spec.format {
            self.check_format(path, format, node, s);
        }
    }

    fn check_format(&mut self, path: &str, format: &FieldFormat, node: &Node, s: &str) {
        match format {
            FieldFormat::Duration => {
                if let Some(why) = duration_problem(s) {
                    self.sink
                        .push(&DURATION, node.span, format!("`{s}` is not an authentik duration: {why}"))
                        .help("write it like `hours=1;minutes=30` (keys: seconds, minutes, hours, days, weeks...)");
                }
            }
            FieldFormat::Uuid if !is_uuid(s) => {
                let f = self.sink.push(
                    &FIELD_FORMAT,
                    node.span,
                    format!("`{path}` takes a UUID, found `{s}`"),
                );
                if s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    f.help(format!(
                        "look the object up: `!Find [<model>, [slug, {s}]]` (or `[name, ...]`)"
                    ));
                } else {
                    f.help("reference the object with `!Find` or `!KeyOf` instead of a literal");
                }
            }
            FieldFormat::Slug if !super::application::slug_is_valid(s) => {
                self.sink
                    .push(&FIELD_FORMAT, node.span, format!("`{s}` is not a valid slug for `{path}`: only letters, digits, `-` and `_`"))
                    .help("replace spaces and other characters with `-`");
            }
            FieldFormat::Email if !s.contains('@') => {
                self.sink.push(
                    &FIELD_FORMAT,
                    node.span,
                    format!("`{s}` is not an email address"),
                );
            }
            FieldFormat::Uri if !self.url_checked => {
                if let Err(why) = http_url(s) {
                    self.sink
                        .push(&FIELD_FORMAT, node.span, format!("`{path}`: {why}"))
                        .help("write a full http(s) URL");
                }
            }
            _ => {}
        }
    }
}

/// A literal URL checked with the validator the model field declares (schemas/lookups.json):
/// authentik 2026.2.2 rejects `external_host: status.example.org` (no scheme) and
/// `https://app_x.example.org` (underscore) with DomainlessURLValidator.
fn check_url_field(ctx: &Ctx, sink: &mut Sink, field: &str, v: &UrlValidator, node: &Node) {
    if node.custom_tag().is_some() {
        return;
    }
    let Some(Scalar::Str(s)) = node.scalar_value() else {
        return;
    };
    let s = s.as_str();
    // DRF returns "" before validators run; placeholders are filled in later: both opaque.
    if s.is_empty() || ctx.options.placeholders.contains(s) {
        return;
    }
    if let Err(why) = crate::check::url_validator::validate(v, s) {
        sink.push(&FIELD_FORMAT, node.span, format!("`{field}`: `{s}` {why}"))
            .help(format!(
                "authentik checks `{field}` with {} (schemes {})",
                v.validator,
                v.schemes.join(", ")
            ));
    }
}

fn http_url(s: &str) -> Result<(), String> {
    match url::Url::parse(s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(()),
        Ok(u) => Err(format!("`{}` URLs are not accepted here", u.scheme())),
        Err(e) => Err(format!("`{s}` is not a URL ({e})")),
    }
}

fn article(ty: FieldType) -> String {
    match ty {
        FieldType::Integer => "an integer".into(),
        FieldType::Array => "a list".into(),
        other => format!("a {}", other.as_str()),
    }
}

fn type_help(spec: &FieldSpec) -> String {
    match spec.ty {
        FieldType::Array => "write a list: `[a, b]` or `- a` lines".into(),
        FieldType::Boolean => "write `true` or `false`".into(),
        FieldType::Integer => "write a whole number".into(),
        FieldType::String if spec.format == Some(FieldFormat::Uuid) => {
            "reference the object with `!Find` or `!KeyOf`".into()
        }
        FieldType::String => "quote the value to keep it a string".into(),
        _ => format!("the field takes {}", article(spec.ty)),
    }
}

fn check_field_values(ctx: &Ctx, sink: &mut Sink) {
    for e in &ctx.bp.entries {
        if e.state() == Some(State::Absent) {
            continue; // authentik ignores serializer errors for deletions
        }
        let Some(m) = model_of(e, ctx.target) else {
            continue;
        };
        let lookup = knowledge().find_model(m.name(), ctx.target);
        let mut vc = ValueCheck {
            sink: &mut *sink,
            target: ctx.target,
            ctx,
            url_checked: false,
        };
        for section in [e.attrs(), e.identifiers()] {
            let Some(pairs) = section
                .filter(|n| n.as_map().is_some())
                .map(|n| ctx.bp.dict_pairs(n))
            else {
                continue;
            };
            for p in pairs.iter().copied() {
                let Some(k) = p.key.key_str() else {
                    continue;
                };
                // The string form of redirect_uris has its own rule (AKB400) with a migration hint.
                if k == "redirect_uris" && p.value.as_scalar().is_some() && !p.value.is_null() {
                    continue;
                }
                if let FieldLookup::Known(spec) = m.field(k) {
                    if k == "digits"
                        && knowledge()
                            .deviations_for(m.name(), Some(k), ctx.target)
                            .next()
                            .is_some()
                    {
                        // authentik's own TOTP blueprints write `digits: 6`; DRF accepts it.
                        if matches!(p.value.scalar_value(), Some(Scalar::Int(6 | 8))) {
                            continue;
                        }
                    }
                    let url = lookup.and_then(|l| l.url_validator(k));
                    vc.url_checked = url.is_some();
                    vc.check(k, spec, &p.value);
                    if let Some(url) = url {
                        check_url_field(vc.ctx, vc.sink, k, url, &p.value);
                    }
                }
            }
        }
    }
}

pub const REQUIRED_FIELD: Rule = Rule {
    code: "AKB205",
    name: "required-field",
    severity: Severity::Error,
    summary: "A field authentik requires to create the object is missing from attrs and identifiers.",
    doc: "## What it does\nChecks that entries which may create an object (`present`, `created`, `must_created`) give every field the model requires on create, in `attrs` or `identifiers` (authentik merges them). For example an OAuth2 provider needs `name`, `authorization_flow`, `invalidation_flow` and `redirect_uris`; an application `name` and `slug`. Entries whose identifiers match an object every install has (schemas/defaults.json, by any of its values: a default prompt by `field_key`, the embedded outpost by `managed: goauthentik.io/outposts/embedded` or by its name, a default flow by slug) update it and need none of them.\n\n## Why\nauthentik fails with \"This field is required.\" when the object does not exist yet. An existing object is found with `filter(**identifiers).first()` and updated partially (authentik 2026.2.2 blueprints/v1/importer.py; from source, not lab-verified).\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_required),
};

/// Whether every identifier is a literal string that a default object of `target` has.
fn updates_default_object(e: &Entry, model: &str, target: Target) -> bool {
    let Some(pairs) = e
        .identifiers()
        .filter(|i| i.as_map().is_some())
        .map(Node::dict_pairs)
    else {
        return false;
    };
    let lookups: Option<Vec<(&str, &str)>> = pairs
        .iter()
        .map(|p| {
            let v = &p.value;
            let text = match v.as_scalar().and_then(|s| s.str_value()) {
                Some(s) if v.custom_tag().is_none() => s,
                _ => return None,
            };
            Some((p.key.key_str()?, text))
        })
        .collect();
    lookups.is_some_and(|l| knowledge().is_default_object(model, &l, target))
}

fn check_required(ctx: &Ctx, sink: &mut Sink) {
    for e in &ctx.bp.entries {
        if matches!(e.state(), Some(State::Absent) | None) {
            continue;
        }
        let Some(m) = model_of(e, ctx.target) else {
            continue;
        };
        if m.is_meta() || !m.fields_known() {
            continue;
        }
        // An `identifiers: {pk: ...}` entry targets an existing object.
        if e.identifiers().and_then(|i| i.get("pk")).is_some() {
            continue;
        }
        // So does one whose identifiers match an object every install has (by any of its
        // values: a prompt by `field_key`, the embedded outpost by `managed` or `name`): the
        // importer finds it with filter(**identifiers).first() and updates it partially.
        if updates_default_object(e, m.name(), ctx.target) {
            continue;
        }
        let missing: Vec<&str> = m
            .required_fields()
            .into_iter()
            .filter(|f| e.field(f).is_none())
            .collect();
        if missing.is_empty() {
            continue;
        }
        let list = missing
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let f = sink.push(
            &REQUIRED_FIELD,
            e.anchor_span(),
            format!("`{}` needs {list} to be created", m.name()),
        );
        f.help(if e.state() == Some(State::Present) {
            "add them to attrs; if the entry only updates an object that always exists, this finding can be ignored".to_string()
        } else {
            "add them to attrs".to_string()
        });
    }
}
