//! What a generated blueprint states so that it means the same on every release it
//! targets, and what the generator adds beyond authentik's defaults (issue 19): the
//! guide's own scope mappings, the LDAP service account behind `--allow-group`.

use akbp::catalog::{self, Provider};
use akbp::generate::{generate, GenerateOptions};
use akbp::load::{self, Node, SourceFile};
use akbp::target::Target;

/// One integration at made-up hosts, with the examples of the entry's declared parameters.
fn options(slug: &str) -> GenerateOptions {
    let mut o = GenerateOptions::new(slug, "https://app.example.com", "https://auth.example.com");
    o.naming.params = catalog::find(slug)
        .map(|i| i.example_params())
        .unwrap_or_default();
    o
}

fn parse(text: &str) -> load::Document {
    load::parse(SourceFile::new("t.yaml", text.to_string()))
        .unwrap_or_else(|e| panic!("generated YAML does not load: {e}\n{text}"))
}

fn entries(doc: &load::Document) -> Vec<&Node> {
    doc.root
        .get("entries")
        .and_then(Node::as_seq)
        .map(|s| s.iter().collect())
        .unwrap_or_default()
}

fn model_of(e: &Node) -> &str {
    e.get("model").and_then(Node::as_str).unwrap_or("")
}

fn attr<'a>(e: &'a Node, name: &str) -> Option<&'a Node> {
    e.get("attrs").and_then(|a| a.get(name))
}

/// `!KeyOf ID` -> Some(ID); a `!Find [model, [field, value]]` -> the value.
fn tag_arg(n: &Node) -> (String, String) {
    let tag = n.custom_tag().map(|t| t.name.clone()).unwrap_or_default();
    let arg = match n.as_seq() {
        Some(items) => items
            .get(1)
            .and_then(Node::as_seq)
            .and_then(|p| p.get(1))
            .and_then(Node::scalar_text)
            .unwrap_or("")
            .to_string(),
        None => n.scalar_text().unwrap_or("").to_string(),
    };
    (tag, arg)
}

#[test]
fn custom_scope_mappings_replace_the_managed_ones_at_every_target() {
    let mut seen = 0;
    for i in catalog::all() {
        for m in &i.methods {
            let Provider::Oauth2(p) = &m.provider else {
                continue;
            };
            if p.custom_scope_mappings.is_empty() {
                continue;
            }
            for target in Target::KNOWN {
                let mut o = options(&i.slug);
                o.method = Some(m.name.clone());
                o.target = target;
                let bp = generate(&o).unwrap().remove(0);
                let doc = parse(&bp.text);
                let es = entries(&doc);
                let provider = es
                    .iter()
                    .find(|e| model_of(e) == "authentik_providers_oauth2.oauth2provider")
                    .unwrap();
                let bound: Vec<(String, String)> = attr(provider, "property_mappings")
                    .and_then(Node::as_seq)
                    .unwrap()
                    .iter()
                    .map(tag_arg)
                    .collect();
                for c in &p.custom_scope_mappings {
                    let id = format!("scope-{}", c.scope_name);
                    let mapping = es
                        .iter()
                        .find(|e| e.get("id").and_then(Node::as_str) == Some(id.as_str()))
                        .unwrap_or_else(|| panic!("{} at {target}: no {id}\n{}", i.slug, bp.text));
                    assert_eq!(model_of(mapping), "authentik_providers_oauth2.scopemapping");
                    // The expression reads back byte for byte (a literal block).
                    assert_eq!(
                        attr(mapping, "expression").and_then(Node::as_str),
                        Some(c.expression.as_str()),
                        "{}",
                        bp.text
                    );
                    assert_eq!(
                        attr(mapping, "scope_name").and_then(Node::as_str),
                        Some(c.scope_name.as_str())
                    );
                    assert!(
                        bound.contains(&("!KeyOf".into(), id.clone())),
                        "{} at {target}: {bound:?}",
                        i.slug
                    );
                    // Two mappings of one scope would both run; the managed one is gone.
                    let managed = catalog::scope_managed_name(&c.scope_name);
                    assert!(
                        !bound.iter().any(|(_, v)| *v == managed),
                        "{} at {target}: {bound:?}",
                        i.slug
                    );
                }
                let extra = p
                    .custom_scope_mappings
                    .iter()
                    .filter(|c| !p.scopes.contains(&c.scope_name))
                    .count();
                assert_eq!(
                    bound.len(),
                    p.scopes.len() + p.extra_property_mappings.len() + extra
                );
                seen += 1;
            }
        }
    }
    assert!(seen >= 4 * Target::KNOWN.len(), "{seen}");
    // The lab's accepted failures were these four (tests/lab/logins-accepted.tsv).
    for slug in ["arcane", "beszel", "komga", "vaultwarden"] {
        let Provider::Oauth2(p) = &catalog::find(slug).unwrap().default_method().provider else {
            panic!("{slug}")
        };
        let c = p.custom_mapping("email").expect(slug);
        assert!(c.expression.contains("\"email_verified\": True"), "{slug}");
    }
}

#[test]
fn ldap_service_account_may_bind_behind_allow_group() {
    let mut checked = 0;
    for i in catalog::all() {
        for m in &i.methods {
            let Provider::Ldap(p) = &m.provider else {
                continue;
            };
            let mut o = options(&i.slug);
            o.method = Some(m.name.clone());
            o.allow_group = Some("staff".into());
            let bp = generate(&o).unwrap().remove(0);
            let doc = parse(&bp.text);
            let es = entries(&doc);
            let bindings: Vec<&&Node> = es
                .iter()
                .filter(|e| model_of(e) == "authentik_policies.policybinding")
                .collect();
            let group = bindings
                .iter()
                .filter(|b| attr(b, "group").is_some())
                .count();
            let users: Vec<(String, String)> = bindings
                .iter()
                .filter_map(|b| attr(b, "user").map(tag_arg))
                .collect();
            assert_eq!(group, 1, "{}", bp.text);
            if p.service_account.is_some() {
                assert_eq!(
                    users,
                    vec![("!KeyOf".to_string(), "service-account".to_string())],
                    "{}",
                    bp.text
                );
            } else {
                assert!(users.is_empty(), "{}", bp.text);
            }
            checked += 1;
        }
    }
    assert!(checked >= 12, "{checked}");
}

/// Each blueprint sets its service account's password from its own variable: two
/// applications with one account would overwrite each other's password.
#[test]
fn ldap_service_accounts_are_per_application() {
    let mut names: Vec<(String, String)> = Vec::new();
    for i in catalog::all() {
        for m in &i.methods {
            let Provider::Ldap(p) = &m.provider else {
                continue;
            };
            let Some(sa) = &p.service_account else {
                continue;
            };
            let mut o = options(&i.slug);
            o.method = Some(m.name.clone());
            let bp = generate(&o).unwrap().remove(0);
            let doc = parse(&bp.text);
            let user = entries(&doc)
                .into_iter()
                .find(|e| model_of(e) == "authentik_core.user")
                .and_then(|e| {
                    e.get("identifiers")?
                        .get("username")?
                        .as_str()
                        .map(String::from)
                })
                .unwrap();
            assert!(user.starts_with(&sa.username), "{user}");
            assert!(
                !names.iter().any(|(_, u)| *u == user),
                "{} and {names:?} share {user}",
                i.slug
            );
            names.push((i.slug.clone(), user));
            // Another slug for the same integration is another application.
            o.naming.slug = Some(format!("{}-2", i.slug));
            let other = generate(&o).unwrap().remove(0);
            assert!(
                other
                    .text
                    .contains(&format!("username: {}-{}-2\n", sa.username, i.slug)),
                "{}",
                other.text
            );
        }
    }
    assert!(names.len() >= 10, "{names:?}");
    assert!(names.contains(&("nextcloud".into(), "ldapservice-nextcloud".into())));
    assert!(names.contains(&("calibre-web".into(), "calibreweb".into())));
}
