//! Catalog templates: `{app_url}/console/`, `{authentik_url}/application/o/{slug}/`.
//!
//! Variables are fixed (see [`Var`]), plus the entry's own declared parameters written
//! `{param:NAME}` (values the user copies from the application, `--param NAME=VALUE`);
//! `{{` and `}}` stand for literal braces so that regex quantifiers such as `\d{{2}}`
//! can be written.

use std::collections::BTreeMap;
use std::fmt;

/// A variable a template may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Var {
    /// The application's base URL as the user wrote it, without a trailing slash.
    AppUrl,
    /// The same, escaped for a Python regular expression (dots become `\.`).
    AppUrlRegex,
    /// authentik's base URL, without a trailing slash.
    AuthentikUrl,
    /// The application slug (it names the issuer and the end-session endpoint).
    Slug,
    ClientId,
    /// App side only: where the client secret comes from.
    ClientSecret,
    /// The scopes, space-separated.
    Scopes,
    /// `{authentik_url}/application/saml/{slug}/metadata/`.
    SamlMetadataUrl,
    /// `.../sso/binding/redirect/`.
    SamlSsoRedirectUrl,
    /// `.../sso/binding/post/`.
    SamlSsoPostUrl,
    /// `.../sso/binding/init/` (IdP-initiated; never the SP's SSO URL).
    SamlSsoInitUrl,
    /// `.../slo/binding/redirect/`.
    SamlSloRedirectUrl,
    /// `.../slo/binding/post/`.
    SamlSloPostUrl,
    /// The IdP entity ID the provider sends (its issuer).
    SamlIdpEntityId,
    /// The LDAP provider's base DN.
    BaseDn,
    /// The service account's DN: `cn=<user>,ou=users,<base_dn>`.
    BindDn,
    /// `ldap://<outpost host>`.
    LdapUrl,
    /// App side only: where the service account's password comes from.
    BindPassword,
}

impl Var {
    const ALL: [Var; 18] = [
        Var::AppUrl,
        Var::AppUrlRegex,
        Var::AuthentikUrl,
        Var::Slug,
        Var::ClientId,
        Var::ClientSecret,
        Var::Scopes,
        Var::SamlMetadataUrl,
        Var::SamlSsoRedirectUrl,
        Var::SamlSsoPostUrl,
        Var::SamlSsoInitUrl,
        Var::SamlSloRedirectUrl,
        Var::SamlSloPostUrl,
        Var::SamlIdpEntityId,
        Var::BaseDn,
        Var::BindDn,
        Var::LdapUrl,
        Var::BindPassword,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Var::AppUrl => "app_url",
            Var::AppUrlRegex => "app_url_regex",
            Var::AuthentikUrl => "authentik_url",
            Var::Slug => "slug",
            Var::ClientId => "client_id",
            Var::ClientSecret => "client_secret",
            Var::Scopes => "scopes",
            Var::SamlMetadataUrl => "saml_metadata_url",
            Var::SamlSsoRedirectUrl => "saml_sso_redirect_url",
            Var::SamlSsoPostUrl => "saml_sso_post_url",
            Var::SamlSsoInitUrl => "saml_sso_init_url",
            Var::SamlSloRedirectUrl => "saml_slo_redirect_url",
            Var::SamlSloPostUrl => "saml_slo_post_url",
            Var::SamlIdpEntityId => "saml_idp_entity_id",
            Var::BaseDn => "base_dn",
            Var::BindDn => "bind_dn",
            Var::LdapUrl => "ldap_url",
            Var::BindPassword => "bind_password",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Var(Var),
    /// `{param:NAME}`: a parameter the catalog entry declares.
    Param(String),
}

/// The prefix of a declared parameter in a template: `{param:org}`.
pub const PARAM_PREFIX: &str = "param:";

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("unknown variable `{{{0}}}`")]
    UnknownVar(String),
    #[error("`{{param:{0}}}`: a parameter name is lower-case letters, digits and `_`, starting with a letter")]
    BadParamName(String),
    #[error("unclosed `{{`")]
    Unclosed,
    #[error("a lone `}}` (write `}}}}` for a literal brace)")]
    LoneClose,
}

/// The values the variables stand for. `None` renders a variable as itself, `{name}`.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    pub app_url: Option<String>,
    pub authentik_url: Option<String>,
    pub slug: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub scopes: Option<String>,
    /// The SAML issuer the provider sends.
    pub saml_idp_entity_id: Option<String>,
    pub base_dn: Option<String>,
    /// The LDAP service account's user name.
    pub bind_user: Option<String>,
    pub ldap_url: Option<String>,
    pub bind_password: Option<String>,
    /// Values of the entry's declared parameters, by name.
    pub params: BTreeMap<String, String>,
}

impl Vars {
    fn get(&self, var: Var) -> Option<String> {
        match var {
            Var::AppUrl => self.app_url.clone(),
            Var::AppUrlRegex => self.app_url.as_deref().map(escape_regex),
            Var::AuthentikUrl => self.authentik_url.clone(),
            Var::Slug => self.slug.clone(),
            Var::ClientId => self.client_id.clone(),
            Var::ClientSecret => self.client_secret.clone(),
            Var::Scopes => self.scopes.clone(),
            Var::SamlMetadataUrl => self.saml_url("metadata/"),
            Var::SamlSsoRedirectUrl => self.saml_url("sso/binding/redirect/"),
            Var::SamlSsoPostUrl => self.saml_url("sso/binding/post/"),
            Var::SamlSsoInitUrl => self.saml_url("sso/binding/init/"),
            Var::SamlSloRedirectUrl => self.saml_url("slo/binding/redirect/"),
            Var::SamlSloPostUrl => self.saml_url("slo/binding/post/"),
            Var::SamlIdpEntityId => self.saml_idp_entity_id.clone(),
            Var::BaseDn => self.base_dn.clone(),
            Var::BindDn => match (&self.bind_user, &self.base_dn) {
                (Some(u), Some(b)) => Some(format!("cn={u},ou=users,{b}")),
                _ => None,
            },
            Var::LdapUrl => self.ldap_url.clone(),
            Var::BindPassword => self.bind_password.clone(),
        }
    }

    /// One URL of authentik's SAML endpoints (`authentik/providers/saml/urls.py`,
    /// mounted at `/application/saml/`, 2024.10 to 2026.2).
    fn saml_url(&self, tail: &str) -> Option<String> {
        match (&self.authentik_url, &self.slug) {
            (Some(a), Some(s)) => Some(format!("{a}/application/saml/{s}/{tail}")),
            _ => None,
        }
    }
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if let Some(r) = rest.strip_prefix("{{") {
                literal.push('{');
                rest = r;
            } else if let Some(r) = rest.strip_prefix("}}") {
                literal.push('}');
                rest = r;
            } else if c == '}' {
                return Err(TemplateError::LoneClose);
            } else if c == '{' {
                let end = rest.find('}').ok_or(TemplateError::Unclosed)?;
                let name = &rest[1..end];
                let part = match name.strip_prefix(PARAM_PREFIX) {
                    Some(p) if is_param_name(p) => Part::Param(p.to_string()),
                    Some(p) => return Err(TemplateError::BadParamName(p.to_string())),
                    None => Var::ALL
                        .into_iter()
                        .find(|v| v.name() == name)
                        .map(Part::Var)
                        .ok_or_else(|| TemplateError::UnknownVar(name.to_string()))?,
                };
                if !literal.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut literal)));
                }
                parts.push(part);
                rest = &rest[end + 1..];
            } else {
                literal.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Template { parts })
    }

    /// Fill in the variables.
    pub fn render(&self, vars: &Vars) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Var(v) => match vars.get(*v) {
                    Some(value) => out.push_str(&value),
                    None => {
                        out.push('{');
                        out.push_str(v.name());
                        out.push('}');
                    }
                },
                Part::Param(p) => match vars.params.get(p) {
                    Some(value) => out.push_str(value),
                    None => {
                        out.push_str("{param:");
                        out.push_str(p);
                        out.push('}');
                    }
                },
            }
        }
        out
    }

    /// Whether the template uses `var`.
    pub fn uses(&self, var: Var) -> bool {
        self.parts.contains(&Part::Var(var))
    }

    /// The declared parameters the template uses, in order of appearance.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Param(name) => Some(name.as_str()),
            _ => None,
        })
    }

    /// Whether the template uses any declared parameter: its rendering then depends on a
    /// value the user copied from the application, not only on the URLs and the slug.
    pub fn has_params(&self) -> bool {
        self.params().next().is_some()
    }
}

/// Whether a catalog template text uses a declared parameter (`false` for a text that
/// does not parse; the catalog refuses those when it loads).
pub fn has_params(text: &str) -> bool {
    Template::parse(text).is_ok_and(|t| t.has_params())
}

/// A parameter name: `^[a-z][a-z0-9_]*$`.
pub fn is_param_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Parse and render in one step.
pub fn render(text: &str, vars: &Vars) -> Result<String, TemplateError> {
    Ok(Template::parse(text)?.render(vars))
}

/// Render a catalog template. Every catalog template is checked when the catalog
/// loads, so the fallback (the raw text) is unreachable for catalog data.
pub fn fill(text: &str, vars: &Vars) -> String {
    render(text, vars).unwrap_or_else(|_| text.to_string())
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(&Vars::default()))
    }
}

/// Escape a literal for Python's `re` (authentik full-matches regex redirect URIs with
/// `re.fullmatch`). Only the metacharacters are escaped, so the result stays readable:
/// `https://netbird\.company`.
pub fn escape_regex(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '.' | '^' | '$' | '*' | '+' | '?' | '{' | '}' | '[' | ']' | '\\' | '|' | '(' | ')'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_escapes() {
        let vars = Vars {
            app_url: Some("https://net.bird.example:8443".into()),
            slug: Some("netbird".into()),
            ..Vars::default()
        };
        let t = Template::parse("{app_url_regex}/.*").unwrap();
        assert_eq!(t.render(&vars), r"https://net\.bird\.example:8443/.*");
        let t = Template::parse("{authentik_url}/application/o/{slug}/").unwrap();
        assert_eq!(
            t.render(&vars),
            "{authentik_url}/application/o/netbird/",
            "an unset variable shows as itself"
        );
        assert_eq!(
            render(r"{app_url_regex}/\d{{2}}", &vars).unwrap(),
            r"https://net\.bird\.example:8443/\d{2}"
        );
    }

    #[test]
    fn refuses_unknown_and_unbalanced() {
        assert_eq!(
            Template::parse("{app}/x"),
            Err(TemplateError::UnknownVar("app".into()))
        );
        assert_eq!(Template::parse("{app_url"), Err(TemplateError::Unclosed));
        assert_eq!(Template::parse("a}b"), Err(TemplateError::LoneClose));
        assert_eq!(
            Template::parse("{param:Org}"),
            Err(TemplateError::BadParamName("Org".into()))
        );
        assert_eq!(
            Template::parse("{param:}"),
            Err(TemplateError::BadParamName(String::new()))
        );
    }

    #[test]
    fn params_render_from_their_values() {
        let t = Template::parse("{app_url}/orgs/{param:org}/saml/consume").unwrap();
        assert_eq!(t.params().collect::<Vec<_>>(), ["org"]);
        assert!(t.has_params());
        let mut vars = Vars {
            app_url: Some("https://github.com".into()),
            ..Vars::default()
        };
        assert_eq!(
            t.render(&vars),
            "https://github.com/orgs/{param:org}/saml/consume",
            "an unset parameter shows as itself"
        );
        vars.params.insert("org".into(), "acme".into());
        assert_eq!(t.render(&vars), "https://github.com/orgs/acme/saml/consume");
        assert!(!has_params("{app_url}/saml/acs"));
    }
}
