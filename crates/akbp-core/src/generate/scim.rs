//! SCIM provisioning a guide makes part of a method: the guide's own SCIM mappings, the
//! SCIM provider with its token from the environment, written after the login provider;
//! the application lists it as its backchannel provider (`generate::build`).

use super::emit::{Item, Node};
use super::resolve::{find, key_of, scim_token_env_var, Resolved};
use crate::catalog::template::{self, fill};
use crate::catalog::ScimProvisioning;
use crate::target::Target;

/// `compatibility_mode` arrived in 2025.4 (schemas/models.json).
const COMPATIBILITY_SINCE: Target = Target::new(2025, 4);

/// The name of the guide's own SCIM mapping `n` (from 1) of `kind` (`user`, `group`).
/// SCIM mappings apply in name order and the guide's come after authentik's defaults
/// ("a name that sorts after `authentik default SCIM Mapping: User`, such as `zz AWS SCIM
/// User`", cloud-providers/aws), hence the `zz` prefix; the slug keeps two blueprints apart.
pub fn scim_mapping_name(r: &Resolved, kind: &str, n: usize) -> String {
    format!("zz akbp-{} SCIM {kind} {n}", r.slug)
}

pub(super) fn build(
    r: &Resolved,
    s: &ScimProvisioning,
    vars: &template::Vars,
    target: Target,
    notes: &mut Vec<String>,
) -> Vec<Item> {
    let mut items = Vec::new();
    let mut custom = |kind: &str, exprs: &[String]| -> Vec<Node> {
        exprs
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let id = format!("scim-{kind}-mapping-{}", i + 1);
                items.push(Item {
                    comments: if i == 0 {
                        vec![format!(
                            "The guide's own SCIM {kind} mapping{}, applied after the managed ones.",
                            if exprs.len() > 1 { "s" } else { "" }
                        )]
                    } else {
                        Vec::new()
                    },
                    node: Node::map([
                        ("model", Node::str("authentik_providers_scim.scimmapping")),
                        ("id", Node::str(&id)),
                        (
                            "identifiers",
                            Node::map([("name", Node::str(scim_mapping_name(r, kind, i + 1)))]),
                        ),
                        ("attrs", Node::map([("expression", Node::str(e))])),
                    ]),
                });
                key_of(&id)
            })
            .collect()
    };
    let managed = |m: &String| find("authentik_providers_scim.scimmapping", "managed", m);
    let users: Vec<Node> = s.user_mappings.iter().map(managed).collect();
    let users = [users, custom("user", &s.custom_user_mappings)].concat();
    let groups: Vec<Node> = s.group_mappings.iter().map(managed).collect();
    let groups = [groups, custom("group", &s.custom_group_mappings)].concat();
    let var = scim_token_env_var(&r.slug);
    let mut attrs = vec![
        ("url", Node::str(fill(&s.url, vars))),
        ("token", Node::tagged("Env", Node::str(&var))),
    ];
    if let Some(mode) = &s.compatibility_mode {
        if target.at_least(COMPATIBILITY_SINCE) {
            attrs.push(("compatibility_mode", Node::str(mode)));
        } else {
            notes.push(format!(
                "SCIM compatibility mode {mode} left out: authentik {target} has none (2025.4+)"
            ));
        }
    }
    attrs.push(("property_mappings", Node::seq(users)));
    attrs.push(("property_mappings_group", Node::seq(groups)));
    notes.push(format!(
        "the SCIM provider's token is read from {var}: set it in authentik's server and worker to the token {} shows",
        r.name
    ));
    items.push(Item {
        comments: vec![format!(
            "SCIM provisioning to {}, the application's backchannel provider; its token comes\nfrom {var}.",
            r.name
        )],
        node: Node::map([
            ("model", Node::str("authentik_providers_scim.scimprovider")),
            ("id", Node::str("scim")),
            (
                "identifiers",
                Node::map([("name", Node::str(format!("akbp-{} SCIM", r.slug)))]),
            ),
            ("attrs", Node::map(attrs)),
        ]),
    });
    items
}
