//! Catalog entry + options -> a blueprint for authentik (`akbp generate`).
//!
//! [`generate`] builds the texts without touching the file system or drawing randomness
//! itself: the caller passes a [`Random`] source (the command line: the OS's) and writes
//! the texts (the command line: atomically). Every generated text is run through the
//! validator ([`self_check`]) before it is returned.
//!
//! Conventions of the generated files (documented in docs/generating.md):
//! - the metadata label [`INTEGRATION_LABEL`] names the catalog integration;
//! - the client id defaults to the application slug;
//! - the client secret is read by authentik from the environment variable
//!   `AKBP_<SLUG>_CLIENT_SECRET` ([`secret_env_var`]).

pub mod emit;
pub mod provider;
pub mod resolve;
mod scim;
pub mod show;

use std::fmt;

use crate::catalog::template::fill;
use crate::catalog::{self, template, Integration, Method, Provider};
use crate::check::{self, Severity};
use crate::load::SourceFile;
use crate::target::Target;

use emit::{Document, Item, Node, Seq};
use resolve::{check_text, find, key_of, selected, writable_values, Secret};

pub use resolve::{
    bind_password_env_var, check_base_url, check_slug, find_integration, find_method, outpost_step,
    provider_name, resolve, secret_env_var, GenerateError, GenerateOptions, Naming, OutpostOptions,
    Resolved, SecretMode,
};

pub use crate::catalog::{scope_managed_name, INTEGRATION_LABEL};

pub use crate::check::rules::application::RESERVED_SLUGS;

/// Where the client secret of a generated blueprint went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretOutcome {
    /// A public client has none.
    None,
    /// authentik's server and worker read it from this environment variable.
    Env { var: String },
    /// A random secret was written into the blueprint itself.
    Random,
    /// authentik generates one when it creates the provider.
    Omitted,
}

/// One generated blueprint.
#[derive(Debug, Clone)]
pub struct Blueprint {
    /// The catalog slug.
    pub integration: &'static str,
    /// The application slug.
    pub slug: String,
    /// The method generated.
    pub method: &'static str,
    /// `<slug>.yaml` for the default method, `<slug>-<method>.yaml` for the others: the
    /// file name used when writing into a directory.
    pub file_name: String,
    pub text: String,
    pub secret: SecretOutcome,
    /// Things the caller should tell the user (on stderr), such as dropped settings.
    pub notes: Vec<String>,
    /// `--keep-providers` named providers of the user's install for an outpost.
    pub keeps_providers: bool,
}

impl Blueprint {
    /// The one line to print on stderr about a random secret, once the file is at
    /// `destination`; `None` for the other secret modes.
    pub fn secret_message(&self, destination: &str) -> Option<String> {
        match self.secret {
            SecretOutcome::Random => Some(format!(
                "the random client secret for `{}` is in {destination} (client_secret); give the application the same value and keep the file out of version control",
                self.slug
            )),
            _ => None,
        }
    }
}

/// Fills a buffer with random bytes, or says why it cannot.
pub type Random<'a> = dyn FnMut(&mut [u8]) -> Result<(), String> + 'a;

/// Build one blueprint per selected integration. Nothing is written; the secret for
/// [`SecretMode::Random`] is drawn here from `random`.
pub fn generate(
    opts: &GenerateOptions,
    random: &mut Random<'_>,
) -> Result<Vec<Blueprint>, GenerateError> {
    writable_values(opts)?;
    let integrations = selected(opts)?;
    if integrations.len() > 1 {
        let n = &opts.naming;
        const EACH_DEFAULT: &str = "each uses its catalog default";
        for (set, option, instead) in [
            (
                n.app_url.is_some(),
                "--app-url",
                "use --domain to give each its own host",
            ),
            (n.slug.is_some(), "--slug", EACH_DEFAULT),
            (n.name.is_some(), "--name", EACH_DEFAULT),
            (n.client_id.is_some(), "--client-id", EACH_DEFAULT),
            (
                !n.params.is_empty(),
                "--param",
                "each parameter belongs to one entry",
            ),
        ] {
            if set {
                return Err(GenerateError::OnlyForOne { option, instead });
            }
        }
        if opts.domain.is_none() {
            return Err(GenerateError::Missing {
                option: "--domain",
                why: "with several integrations each gets the host <slug>.<domain>".into(),
            });
        }
    }
    if let Some(g) = &opts.allow_group {
        check_text("--allow-group", g, 150)?;
    }
    if let Some(o) = &opts.outpost {
        check_text("--add-to-outpost", &o.name, 200)?;
        if o.keep_providers.is_none() && !reads_outpost_providers(opts.target) {
            return Err(GenerateError::OutpostWithoutKeep);
        }
        for p in o.keep_providers.iter().flatten() {
            check_text("--keep-providers", p, 200)?;
        }
    }
    let mut out = Vec::with_capacity(integrations.len());
    for integration in integrations {
        let method = method_for(opts, integration)?;
        // `--all` cannot know values only each application shows: those entries are left
        // out, and `skipped_for_params` names them for the caller to report.
        if opts.all && !integration.params_of(method).is_empty() {
            continue;
        }
        if let (Some(_), None) = (&opts.outpost, method.provider.kind().outpost_type()) {
            return Err(GenerateError::NoOutpost {
                integration: integration.slug.clone(),
                method: method.name.clone(),
                kind: method.provider.type_label(),
            });
        }
        // A former slug (the guide was renamed) keeps naming the application, so that a
        // blueprint generated before the rename and after it update the same objects.
        let alias = requested_alias(&opts.integrations, integration);
        let naming = match alias {
            Some(a) if opts.naming.slug.is_none() => Naming {
                slug: Some(a.to_string()),
                ..opts.naming.clone()
            },
            _ => opts.naming.clone(),
        };
        let resolved = resolve(integration, method, &naming, opts.domain.as_deref(), false)?;
        // The port check first: its message says what to change, where the validator
        // would only quote the malformed URL the template made.
        check_port_templates(&resolved)?;
        check_url_fields(&resolved, opts.target)?;
        let secret = match (&resolved.secret_env, opts.secret) {
            (None, _) => Secret::None,
            (Some(var), SecretMode::Env) => Secret::Env(var.clone()),
            (Some(_), SecretMode::Random) => Secret::Literal(random_secret(64, random)?),
            (Some(_), SecretMode::Omit) => Secret::Omitted,
        };
        let mut bp = build(
            &resolved,
            &secret,
            opts.allow_group.as_deref(),
            opts.outpost.as_ref(),
            opts.target,
        );
        if let Some(a) = alias {
            bp.notes.insert(
                0,
                format!(
                    "`{a}` is now `{}` in the catalog (its guide: {}); the application slug stays `{}`",
                    integration.slug, integration.guide.path, resolved.slug
                ),
            );
        }
        self_check(&bp, opts.target, validator)?;
        out.push(bp);
    }
    Ok(out)
}

/// The former slug (alias) of `integration` that the user named, if any.
pub(crate) fn requested_alias<'a>(
    requested: &'a [String],
    integration: &Integration,
) -> Option<&'a str> {
    requested
        .iter()
        .find(|s| integration.aliases.contains(s))
        .map(String::as_str)
}

fn integrations_len_one(opts: &GenerateOptions) -> bool {
    !opts.all && opts.integrations.len() == 1
}

/// The method generated for `integration`: `--method`, or the guide's first. With several
/// integrations, `--method` applies to those that offer it.
fn method_for(
    opts: &GenerateOptions,
    integration: &'static Integration,
) -> Result<&'static Method, GenerateError> {
    match (&opts.method, integrations_len_one(opts)) {
        (Some(m), false) => Ok(integration
            .method(m)
            .unwrap_or_else(|| integration.default_method())),
        (m, _) => find_method(integration, m.as_deref()),
    }
}

/// With `--all`: the entries left out because their method needs `--param` values, each
/// with the parameter names (`akbp generate SLUG --param ...` generates them one by one).
pub fn skipped_for_params(opts: &GenerateOptions) -> Vec<(&'static str, Vec<&'static str>)> {
    if !opts.all {
        return Vec::new();
    }
    catalog::all()
        .iter()
        .filter_map(|i| {
            let m = method_for(opts, i).ok()?;
            let names: Vec<&'static str> = i.params_of(m).iter().map(|p| p.name.as_str()).collect();
            (!names.is_empty()).then_some((i.slug.as_str(), names))
        })
        .collect()
}

/// An alphanumeric secret from `random`. Rejection sampling keeps every character
/// equally likely: bytes from 248 up (248 = 4 * 62) are dropped.
pub fn random_secret(len: usize, random: &mut Random<'_>) -> Result<String, GenerateError> {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        random(&mut buf).map_err(GenerateError::Random)?;
        for b in buf {
            if b < 248 && out.len() < len {
                out.push(char::from(ALPHABET[usize::from(b % 62)]));
            }
        }
    }
    Ok(out)
}

/// The whole blueprint for one resolved integration and method.
fn build(
    r: &Resolved,
    secret: &Secret,
    allow_group: Option<&str>,
    outpost: Option<&OutpostOptions>,
    target: Target,
) -> Blueprint {
    let vars = r.vars(None);
    let mut notes = Vec::new();
    let parts = provider::build(r, secret, &vars, target, &mut notes);
    for (what, value, option) in r.placeholders() {
        notes.push(format!(
            "{what} {value} is the guide's example and stays in the file; pass {option} with yours"
        ));
    }

    let mut app_attrs = vec![
        ("name", Node::str(&r.name)),
        ("provider", key_of("provider")),
        (
            "meta_launch_url",
            Node::str(fill(r.method.launch_url(r.integration), &vars)),
        ),
    ];
    let scim = r
        .method
        .scim
        .as_ref()
        .map(|s| scim::build(r, s, &vars, target, &mut notes));
    if scim.is_some() {
        app_attrs.push(("backchannel_providers", Node::seq([key_of("scim")])));
    }
    let application = Node::map([
        ("model", Node::str("authentik_core.application")),
        ("id", Node::str("app")),
        ("identifiers", Node::map([("slug", Node::str(&r.slug))])),
        ("attrs", Node::map(app_attrs)),
    ]);

    let mut entries = parts.before;
    entries.push(Item {
        comments: vec![parts.comment],
        node: parts.provider,
    });
    if let Some(items) = scim {
        entries.extend(items);
    }
    entries.push(Item {
        comments: vec![match r.method.provider {
            Provider::Oauth2(_) => format!(
                "The application users see; its slug names the issuer /application/o/{}/.",
                r.slug
            ),
            Provider::Saml(_) => format!(
                "The application users see; its slug names the SAML endpoints /application/saml/{}/.",
                r.slug
            ),
            Provider::Proxy(_) | Provider::Ldap(_) => "The application users see.".to_string(),
        }],
        node: application,
    });
    let kind = r.method.provider.kind();
    if let (Some(o), Some(outpost_type)) = (outpost, kind.outpost_type()) {
        let named: Vec<Node> = o
            .keep_providers
            .iter()
            .flatten()
            .map(|p| find(kind.model(), "name", p))
            .collect();
        let merged = reads_outpost_providers(target);
        let (providers, comment) = if merged {
            // authentik replaces a list attribute on update, so the list is built when the
            // blueprint is applied: what the outpost has now (!FindObject, its serialized
            // `providers`), then this provider. !Enumerate with MAP output merges the two
            // `{providers: [...]}` maps with deepmerge's always_merger, which appends lists
            // (authentik 2026.2.2 blueprints/v1/common.py: Enumerate, If, AtIndex,
            // FindObject); seen on the lab (docs/proof.md, "Outposts").
            let mut add = vec![key_of("provider")];
            add.extend(named);
            let current = Node::tagged(
                "AtIndex",
                Node::seq([
                    Node::tagged(
                        "FindObject",
                        Node::seq([
                            Node::str("authentik_outposts.outpost"),
                            Node::seq([Node::str("name"), Node::str(&o.name)]),
                        ]),
                    ),
                    Node::str("providers"),
                ]),
            );
            let merge = Node::tagged(
                "Enumerate",
                Node::seq([
                    Node::seq([Node::Bool(false), Node::Bool(true)]),
                    Node::str("MAP"),
                    Node::map([(
                        "providers",
                        Node::tagged(
                            "If",
                            Node::seq([
                                Node::tagged("Value", Node::Int(0)),
                                Node::seq(add),
                                current,
                            ]),
                        ),
                    )]),
                ]),
            );
            // `!If [true, ...]`: !AtIndex resolves its object directly, and !Value finds its
            // !Enumerate only when the importer's tag resolver entered it (If does that).
            let entered = Node::tagged("If", Node::seq([Node::Bool(true), merge, Node::Null]));
            (
                Node::tagged("AtIndex", Node::seq([entered, Node::str("providers")])),
                format!(
                    "The existing {outpost_type} outpost `{}` serves this provider too. authentik replaces\na list on update, so the list is read from the outpost when this is applied\nand this provider added: the providers it has stay.",
                    o.name
                ),
            )
        } else {
            let mut list = named;
            list.push(key_of("provider"));
            let kept = match o.keep_providers.as_deref() {
                Some(k) if !k.is_empty() => format!("the providers it keeps: {}", k.join(", ")),
                _ => "no other provider".to_string(),
            };
            (
                Node::seq(list),
                format!(
                    "The existing {outpost_type} outpost `{}` serves this provider. authentik REPLACES\nits provider list with this one: {kept}.",
                    o.name
                ),
            )
        };
        entries.push(Item {
            comments: vec![comment],
            // `pk` from a lookup: the entry updates the outpost the user named and never
            // creates one (a missing outpost fails the import: "config: required").
            node: Node::map([
                ("model", Node::str("authentik_outposts.outpost")),
                (
                    "identifiers",
                    Node::map([("pk", find("authentik_outposts.outpost", "name", &o.name))]),
                ),
                (
                    "attrs",
                    Node::map([("type", Node::str(outpost_type)), ("providers", providers)]),
                ),
            ]),
        });
    } else if let Some(t) = kind.outpost_type() {
        notes.push(outpost_step(r, t));
    }
    if let Some(group) = allow_group {
        entries.push(Item {
            comments: vec![format!(
                "Only members of `{group}` may use {}; the group is created if missing.",
                r.name
            )],
            node: Node::map([
                ("model", Node::str("authentik_core.group")),
                ("id", Node::str("group")),
                ("state", Node::str("created")),
                ("identifiers", Node::map([("name", Node::str(group))])),
            ]),
        });
        entries.push(Item {
            comments: Vec::new(),
            node: Node::map([
                ("model", Node::str("authentik_policies.policybinding")),
                (
                    "identifiers",
                    Node::map([("target", key_of("app")), ("order", Node::Int(0))]),
                ),
                ("attrs", Node::map([("group", key_of("group"))])),
            ]),
        });
        if r.service_account.is_some() {
            // The LDAP outpost checks the application's bindings for every bind, the
            // service account's too (`check_access`, seen on the lab's 2026.2.2: refused
            // when only the group is bound). A binding of its own lets it in; the
            // application's policy engine mode `any` keeps everyone else outside the group out.
            entries.push(Item {
                comments: vec![format!(
                    "The service account {} binds with may use it too, though not in `{group}`.",
                    r.name
                )],
                node: Node::map([
                    ("model", Node::str("authentik_policies.policybinding")),
                    (
                        "identifiers",
                        Node::map([("target", key_of("app")), ("order", Node::Int(1))]),
                    ),
                    ("attrs", Node::map([("user", key_of("service-account"))])),
                ]),
            });
        }
    }

    let doc = Document {
        header: header(r, secret, allow_group, outpost, target),
        explicit_start: true,
        root: vec![
            ("version".into(), Node::Int(1)),
            (
                "metadata".into(),
                Node::map([
                    ("name", Node::str(blueprint_name(r))),
                    (
                        "labels",
                        Node::map([(INTEGRATION_LABEL, Node::str(&r.integration.slug))]),
                    ),
                ]),
            ),
            (
                "entries".into(),
                Node::Seq(Seq {
                    items: entries,
                    spaced: true,
                }),
            ),
        ],
    };
    Blueprint {
        integration: r.integration.slug.as_str(),
        method: r.method.name.as_str(),
        slug: r.slug.clone(),
        file_name: r.file_name(),
        text: emit::emit(&doc),
        secret: match secret {
            Secret::None => SecretOutcome::None,
            Secret::Env(var) => SecretOutcome::Env { var: var.clone() },
            Secret::Literal(_) => SecretOutcome::Random,
            Secret::Omitted => SecretOutcome::Omitted,
        },
        notes,
        keeps_providers: outpost.is_some_and(|o| {
            reads_outpost_providers(target)
                || o.keep_providers.as_ref().is_some_and(|k| !k.is_empty())
        }) && kind.outpost_type().is_some(),
    }
}

/// Whether a blueprint for `target` can read an outpost's current providers (`!FindObject`,
/// authentik 2025.8+) to keep them: before, the list is the one given.
pub fn reads_outpost_providers(target: Target) -> bool {
    crate::blueprint::tags::available_since("FindObject").is_none_or(|since| target.at_least(since))
}

/// `akbp-<slug>`, plus `-<method>` for a method other than the default, so that two
/// methods of one application can be installed side by side.
fn blueprint_name(r: &Resolved) -> String {
    format!("akbp-{}", r.file_name().trim_end_matches(".yaml"))
}

fn header(
    r: &Resolved,
    secret: &Secret,
    allow_group: Option<&str>,
    outpost: Option<&OutpostOptions>,
    target: Target,
) -> Vec<String> {
    let i = r.integration;
    let method = if i.methods.len() > 1 {
        format!(", method `{}`", r.method.name)
    } else {
        String::new()
    };
    let mut lines = vec![
        // The per-file target: `akbp validate` checks this file at the release it was made for.
        format!("akbp: target {target}"),
        format!(
            "authentik blueprint for {}{}{}`{method}\n(after the guide \"{}\").",
            r.name, catalog::GENERATED_MARK, i.slug, i.guide.title
        ),
        "Install: place this file under /blueprints/custom/ in both the authentik server and\nworker; authentik only discovers files ending in .yaml.".to_string(),
    ];
    match &r.method.provider {
        Provider::Oauth2(_) => lines.push(match secret {
            Secret::None => format!("Secret: none; {} is a public client.", r.name),
            Secret::Env(var) => format!(
                "Secret: authentik's server AND worker must both have {var} set\nbefore this is applied, and {} needs the same value. Unset, authentik rejects it:\n\"client_secret: This field may not be null\".",
                r.name
            ),
            Secret::Literal(_) => "Secret: a random client secret is written below; keep this file out of version control.".to_string(),
            Secret::Omitted => "Secret: authentik generates the client secret; copy it from the provider's page.".to_string(),
        }),
        Provider::Ldap(_) => {
            if let Some(var) = &r.bind_password_env {
                // authentik 2026.2.2 `core/api/users.py` `_set_password`: a null password in
                // a blueprint leaves a new user with an unusable one; the lab accepts the file.
                lines.push(format!(
                    "Secret: the service account's password is read from {var}; authentik's server\nAND worker must both have it set, and {} binds with the same value. Unset, authentik\nstill imports this file but creates the account with an unusable password, so binds fail.",
                    r.name
                ));
            }
        }
        Provider::Saml(_) | Provider::Proxy(_) => {}
    }
    if let Some(g) = allow_group {
        lines.push(format!("Access: only members of the group `{g}`."));
    }
    for (what, value, option) in r.placeholders() {
        lines.push(format!(
            "Placeholder: the {what} {value} is the guide's example; replace it with yours\n(or generate again with {option})."
        ));
    }
    if let Some(t) = r.method.provider.kind().outpost_type() {
        lines.push(match outpost {
            Some(o) if reads_outpost_providers(target) => format!(
                "Outpost: this file adds the provider to the {t} outpost `{}`, keeping its others.",
                o.name
            ),
            Some(o) => format!(
                "Outpost: this file sets the providers of the {t} outpost `{}`, replacing its list.",
                o.name
            ),
            None => format!(
                "Outpost: add the provider {} to {} outpost yourself (this file leaves outposts alone).",
                provider_name(r),
                if t == "proxy" { "a proxy" } else { "an LDAP" }
            ),
        });
    }
    lines.push(format!(
        "Application side: {}",
        show_command(r, target, secret)
    ));
    match &r.method.provider {
        Provider::Oauth2(_) => lines.push(format!("OpenID configuration: {}", r.discovery_url())),
        Provider::Saml(_) => lines.push(format!(
            "SAML metadata: {}/application/saml/{}/metadata/",
            r.authentik_url, r.slug
        )),
        Provider::Proxy(_) | Provider::Ldap(_) => {}
    }
    lines
}

/// The `akbp show` command line that prints the application-side settings of exactly
/// this file: the same naming, method, parameters, target and secret mode.
fn show_command(r: &Resolved, target: Target, secret: &Secret) -> String {
    let mut cmd = format!(
        "akbp show {} --app-url {} --authentik-url {}",
        r.integration.slug,
        shell_word(&r.app_url),
        shell_word(&r.authentik_url)
    );
    if !std::ptr::eq(r.method, r.integration.default_method()) {
        cmd.push_str(&format!(" --method {}", shell_word(&r.method.name)));
    }
    if r.slug != r.integration.slug {
        cmd.push_str(&format!(" --slug {}", shell_word(&r.slug)));
    }
    if r.method.client_type().is_some() && r.client_id != r.slug {
        cmd.push_str(&format!(" --client-id {}", shell_word(&r.client_id)));
    }
    if let (Provider::Ldap(p), Some(dn)) = (&r.method.provider, &r.base_dn) {
        if *dn != p.base_dn {
            cmd.push_str(&format!(" --base-dn {}", shell_word(dn)));
        }
    }
    let used = r.integration.params_of(r.method);
    for (name, value) in r
        .params
        .iter()
        .filter(|(n, _)| used.iter().any(|p| p.name == **n))
    {
        cmd.push_str(&format!(
            " --param {}",
            shell_word(&format!("{name}={value}"))
        ));
    }
    match secret {
        Secret::Literal(_) => cmd.push_str(" --secret random"),
        Secret::Omitted => cmd.push_str(" --secret omit"),
        Secret::None | Secret::Env(_) => {}
    }
    cmd.push_str(&format!(" --target {target}"));
    break_command(&cmd)
}

/// A command line in lines that fit a header comment (`# ` + 78 columns, the first after
/// `Application side: `), continued with ` \` as a shell reads it. The options are kept
/// whole (`--app-url URL` on one line).
fn break_command(cmd: &str) -> String {
    // Words as the shell splits them: a space inside '...' (or after a backslash) is kept.
    let mut words: Vec<String> = vec![String::new()];
    let (mut quoted, mut chars) = (false, cmd.chars());
    while let Some(c) = chars.next() {
        let word = words.last_mut().expect("one word");
        match c {
            '\\' if !quoted => {
                word.push(c);
                word.extend(chars.next());
            }
            '\'' => {
                quoted = !quoted;
                word.push(c);
            }
            ' ' if !quoted => words.push(String::new()),
            c => word.push(c),
        }
    }
    // `--option value` stay together where they fit.
    const WIDTH: usize = 76;
    let mut parts: Vec<String> = Vec::new();
    for word in words {
        match parts.last_mut() {
            Some(last)
                if last.starts_with("--")
                    && !last.contains(' ')
                    && !word.starts_with("--")
                    && last.chars().count() + 1 + word.chars().count() <= WIDTH - 2 =>
            {
                last.push(' ');
                last.push_str(&word);
            }
            _ => parts.push(word),
        }
    }
    let mut lines: Vec<String> = vec![String::new()];
    let mut width = WIDTH - "Application side: ".len();
    for part in parts {
        let cur = lines.last_mut().expect("one line");
        if cur.is_empty() || cur.chars().count() + 1 + part.chars().count() <= width {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(&part);
        } else if part.chars().count() + 2 > WIDTH {
            // Longer than a line: alone and unindented, one word yamllint lets overflow;
            // the next line's indent separates the words.
            lines.push(part);
            width = WIDTH;
        } else {
            lines.push(format!("  {part}"));
            width = WIDTH;
        }
    }
    let mut text = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(line);
        if i + 1 < lines.len() {
            text.push_str(if line.starts_with(' ') || i == 0 {
                " \\"
            } else {
                "\\"
            });
        }
    }
    text
}

fn shell_word(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A validator over a blueprint text at a target: the findings as
/// `(severity, "CODE: message")`.
pub type Validator = fn(&str, Target) -> Vec<(Severity, String)>;

/// akbp's own validator (`check::check_source`).
pub fn validator(text: &str, target: Target) -> Vec<(Severity, String)> {
    let options = check::Options {
        target,
        ..check::Options::default()
    };
    let report = check::check_source(SourceFile::new("<generated>", text), &options);
    report
        .findings
        .iter()
        .map(|f| (f.severity, format!("{}: {}", f.rule.code, f.message)))
        .collect()
}

/// Whether a self-check finding is the expected consequence of the user's options:
/// `--secret random` writes the secret into the file on purpose, and validating that
/// file later rightly warns about it (AKB413); `--keep-providers` names providers of
/// the user's install, which no default install has (AKB304).
pub fn tolerated(bp: &Blueprint, finding: &str) -> bool {
    let code = |rule: &crate::check::Rule| finding.starts_with(&format!("{}:", rule.code));
    (bp.secret == SecretOutcome::Random && code(&crate::check::rules::oauth2::SECRET_IN_CLEAR))
        || (bp.keeps_providers
            && code(&crate::check::rules::lookups::FIND_MAY_BE_NULL)
            && finding.contains("`providers`"))
}

/// The URLs a provider gets from the user's base URL must pass the validator authentik puts
/// on that model field at the target: SAML's `acs_url` and `sls_url` were Django
/// `URLField`s (a top-level domain required) until 2025.2, so `https://sso.lan` is fine for
/// 2025.4 but not for 2024.10. Refuse the option, as for any bad base URL, instead of
/// writing a blueprint that AKB208 (and authentik) rejects.
fn check_url_fields(r: &Resolved, target: Target) -> Result<(), GenerateError> {
    let Provider::Saml(p) = &r.method.provider else {
        return Ok(());
    };
    let Some(model) =
        crate::model::knowledge().find_model("authentik_providers_saml.samlprovider", target)
    else {
        return Ok(());
    };
    let vars = r.vars(None);
    for (field, template) in [
        ("acs_url", Some(&p.acs_url)),
        ("sls_url", p.sls_url.as_ref()),
    ] {
        let (Some(template), Some(validator)) = (template, model.url_validator(field)) else {
            continue;
        };
        let url = fill(template, &vars);
        if let Err(why) = crate::check::url_validator::validate(validator, &url) {
            let param = template::Template::parse(template)
                .ok()
                .and_then(|t| t.params().next().map(str::to_string));
            if let Some(name) = param {
                return Err(GenerateError::BadParam {
                    value: r.params.get(&name).cloned().unwrap_or_default(),
                    name,
                    reason: format!(
                        "authentik {target} checks the provider's `{field}` ({url}) with {}, which refuses it: it {why}",
                        validator.validator
                    ),
                });
            }
            return Err(GenerateError::BadValue {
                option: "--app-url",
                value: r.app_url.clone(),
                reason: format!(
                    "authentik {target} checks the provider's `{field}` ({url}) with {}, which refuses it: it {why}",
                    validator.validator
                ),
            });
        }
    }
    Ok(())
}

/// Proxmox VE's guide registers `{app_url}:8006`, FreshRSS's `{app_url}:443/i/oidc/`: the
/// port follows the host. A base URL that already has a port or a path would give
/// `https://pve.example.com:8443:8006`, which no validator (and no browser) accepts.
fn check_port_templates(r: &Resolved) -> Result<(), GenerateError> {
    if !r
        .method
        .adds_port_to_app_url(r.method.launch_url(r.integration))
    {
        return Ok(());
    }
    let has_port_or_path = url::Url::parse(&r.app_url)
        .map(|u| u.port().is_some() || !matches!(u.path(), "" | "/"))
        .unwrap_or(false);
    if has_port_or_path {
        return Err(GenerateError::BadValue {
            option: "--app-url",
            value: r.app_url.clone(),
            reason: format!(
                "{}'s guide puts a fixed port right after the host, so give the bare origin (scheme and host, no port or path)",
                r.integration.name
            ),
        });
    }
    Ok(())
}

/// Run `validate` over a generated blueprint: any error or warning is a bug in akbp,
/// except what [`tolerated`] allows.
pub fn self_check(
    bp: &Blueprint,
    target: Target,
    validate: Validator,
) -> Result<(), GenerateError> {
    let bad: Vec<String> = validate(&bp.text, target)
        .into_iter()
        .filter(|(s, m)| *s >= Severity::Warning && !tolerated(bp, m))
        .map(|(s, m)| format!("  {}: {m}", s.as_str()))
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(GenerateError::SelfCheck {
            integration: bp.integration.to_string(),
            findings: bad.join("\n"),
        })
    }
}

impl fmt::Display for SecretMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SecretMode::Env => "env",
            SecretMode::Random => "random",
            SecretMode::Omit => "omit",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_var_pattern() {
        assert_eq!(secret_env_var("my-app_2"), "AKBP_MY_APP_2_CLIENT_SECRET");
    }

    /// Every byte value below 248 maps to one character, 4 values each; 248 and up are
    /// dropped. (The command line's test draws from the OS source.)
    #[test]
    fn random_secrets_drop_bytes_from_248() {
        let mut next = 0u8;
        let mut counting = |buf: &mut [u8]| {
            for b in buf {
                *b = next;
                next = next.wrapping_add(1);
            }
            Ok(())
        };
        let s = random_secret(300, &mut counting).unwrap();
        assert_eq!(s.len(), 300);
        assert!(s.chars().all(|c| c.is_ascii_alphanumeric()));
        // 0..=247 give the alphabet 4 times; 248..=255 are skipped, then 0 starts it again.
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        assert_eq!(&s[..62], alphabet);
        assert_eq!(&s[248..262], &alphabet[..14]);
        let mut failing = |_: &mut [u8]| Err("no entropy".to_string());
        assert!(matches!(
            random_secret(8, &mut failing),
            Err(GenerateError::Random(m)) if m == "no entropy"
        ));
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            check_base_url("--app-url", "https://Gravitee.Company:8443/").unwrap(),
            "https://Gravitee.Company:8443",
            "kept as written, minus the trailing slash"
        );
        for bad in [
            "gravitee.company",
            "ftp://x.example",
            "https://",
            "https://x.example/?a=1",
            "https://x.example/#f",
            "https://u:p@x.example",
            "https://x.example /",
            "javascript:alert(1)",
            // authentik's DomainlessURLValidator refuses these host names.
            "https://app_x.example.org",
            "https://a.example-",
        ] {
            assert!(check_base_url("--app-url", bad).is_err(), "{bad}");
        }
        // Plain http: refused for authentik's URL, judged per method for the application's.
        assert!(check_base_url("--authentik-url", "http://x.example").is_err());
        assert!(check_base_url("--authentik-url", "http://127.0.0.1:9000").is_ok());
        assert!(check_base_url("--app-url", "http://x.example").is_ok());
    }

    #[test]
    fn slugs() {
        assert!(check_slug("my-app_1").is_ok());
        assert!(matches!(
            check_slug("token"),
            Err(GenerateError::ReservedSlug { .. })
        ));
        assert!(check_slug("a.b").is_err());
        assert!(check_slug("").is_err());
        assert!(check_slug(&"a".repeat(51)).is_err());
    }

    #[test]
    fn unknown_integration_suggests() {
        let e = find_integration("gravitee2").unwrap_err().to_string();
        assert!(e.contains("did you mean `gravitee`"), "{e}");
    }
}
