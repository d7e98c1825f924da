//! `akbp show`: what to enter on the application's side, with the real hosts, slug
//! and client id filled in. Unset URLs show the guide's placeholder hosts.

use serde::Serialize;

use super::{find_integration, resolve, GenerateError, Naming, Resolved};
use crate::catalog::{template, Provider};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShowFormat {
    #[default]
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Default)]
pub struct ShowOptions {
    /// The same naming options as `generate` (`--name` is accepted and shown).
    pub naming: Naming,
    pub format: ShowFormat,
}

#[derive(Serialize)]
struct View {
    integration: String,
    name: String,
    slug: String,
    client_id: String,
    client_type: &'static str,
    location: String,
    settings: Vec<Setting>,
    /// The variable the blueprint reads the client secret from (`!Env`), which
    /// authentik's server and worker both need.
    secret_env: Option<String>,
    issuer: String,
    openid_configuration: String,
    redirect_uris: Vec<Uri>,
    guide: String,
}

#[derive(Serialize)]
struct Setting {
    field: String,
    value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[derive(Serialize)]
struct Uri {
    matching_mode: &'static str,
    redirect_uri_type: &'static str,
    url: String,
}

/// Render the application-side settings of catalog integration `slug`.
pub fn render(slug: &str, opts: &ShowOptions) -> Result<String, GenerateError> {
    let integration = find_integration(slug)?;
    let r = resolve(integration, &opts.naming, None, true)?;
    let view = view(&r);
    Ok(match opts.format {
        ShowFormat::Json => {
            let mut s = serde_json::to_string_pretty(&view).unwrap_or_default();
            s.push('\n');
            s
        }
        ShowFormat::Text => text(&view),
        ShowFormat::Markdown => markdown(&view),
    })
}

fn view(r: &Resolved) -> View {
    let i = r.integration;
    let Provider::Oauth2(p) = &i.provider;
    let secret_text = match &r.secret_env {
        Some(var) => format!("<the value of {var}>"),
        None => "(none: public client)".to_string(),
    };
    let vars = r.vars(Some(secret_text));
    let fill = |t: &str| template::fill(t, &vars);
    View {
        integration: i.slug.clone(),
        name: r.name.clone(),
        slug: r.slug.clone(),
        client_id: r.client_id.clone(),
        client_type: p.client_type.as_str(),
        location: i.app_settings.location.clone(),
        settings: i
            .app_settings
            .fields
            .iter()
            .map(|f| Setting {
                field: f.field.clone(),
                value: fill(&f.value),
                note: f.note.clone(),
            })
            .collect(),
        secret_env: r.secret_env.clone(),
        issuer: r.issuer(),
        openid_configuration: r.discovery_url(),
        redirect_uris: i
            .all_redirect_uris()
            .map(|u| Uri {
                matching_mode: u.matching_mode.as_str(),
                redirect_uri_type: u.redirect_uri_type.as_str(),
                url: fill(&u.url),
            })
            .collect(),
        guide: i.guide.title.clone(),
    }
}

fn secret_sentence(v: &View) -> Option<String> {
    v.secret_env.as_ref().map(|var| {
        format!(
            "The blueprint reads the client secret with `!Env {var}`: set {var} in the environment of authentik's server AND worker (unset, authentik rejects the blueprint with \"client_secret: This field may not be null\"), and give {} the same value.",
            v.name
        )
    })
}

fn uri_line(u: &Uri) -> String {
    let kind = if u.redirect_uri_type == "logout" {
        ", logout"
    } else {
        ""
    };
    format!("{} ({}{kind})", u.url, u.matching_mode)
}

fn text(v: &View) -> String {
    let mut s = format!(
        "{} (catalog `{}`): {} client, application slug `{}`\nIn {}:\n\n",
        v.name, v.integration, v.client_type, v.slug, v.location
    );
    let width = v
        .settings
        .iter()
        .map(|f| f.field.chars().count())
        .max()
        .unwrap_or(0);
    for f in &v.settings {
        s.push_str(&format!("  {:<width$}  {}\n", f.field, f.value));
        if let Some(n) = &f.note {
            s.push_str(&format!("  {:<width$}  ({n})\n", ""));
        }
    }
    s.push('\n');
    if let Some(line) = secret_sentence(v) {
        s.push_str(&line);
        s.push('\n');
    }
    s.push_str(&format!(
        "Issuer: {}\nOpenID configuration: {}\nRedirect URIs registered in authentik: {}\n",
        v.issuer,
        v.openid_configuration,
        v.redirect_uris
            .iter()
            .map(uri_line)
            .collect::<Vec<_>>()
            .join(", ")
    ));
    s
}

fn md_cell(s: &str) -> String {
    format!("`{}`", s.replace('|', "\\|").replace('`', "'"))
}

fn markdown(v: &View) -> String {
    let mut s = format!(
        "## {} (`{}`)\n\nIn {}:\n\n| Field | Value |\n| --- | --- |\n",
        v.name, v.integration, v.location
    );
    for f in &v.settings {
        let note = f
            .note
            .as_ref()
            .map(|n| format!(" ({})", n.replace('|', "\\|")))
            .unwrap_or_default();
        s.push_str(&format!(
            "| {} | {}{note} |\n",
            f.field.replace('|', "\\|"),
            md_cell(&f.value)
        ));
    }
    s.push('\n');
    if let Some(line) = secret_sentence(v) {
        s.push_str(&line);
        s.push_str("\n\n");
    }
    s.push_str(&format!(
        "- Issuer: `{}`\n- OpenID configuration: `{}`\n",
        v.issuer, v.openid_configuration
    ));
    for u in &v.redirect_uris {
        s.push_str(&format!(
            "- Redirect URI ({}{}): `{}`\n",
            u.matching_mode,
            if u.redirect_uri_type == "logout" {
                ", logout"
            } else {
                ""
            },
            u.url
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(slug: &str, format: ShowFormat) -> String {
        render(
            slug,
            &ShowOptions {
                naming: Naming {
                    app_url: Some("https://api.example.org/".into()),
                    authentik_url: Some("https://sso.example.org".into()),
                    slug: Some("gw".into()),
                    ..Naming::default()
                },
                format,
            },
        )
        .unwrap()
    }

    #[test]
    fn fills_hosts_slug_and_secret_variable() {
        let t = show("gravitee", ShowFormat::Text);
        assert!(
            t.contains("https://sso.example.org/application/o/gw/end-session/"),
            "{t}"
        );
        assert!(t.contains("Client ID"), "{t}");
        assert!(t.contains("<the value of AKBP_GW_CLIENT_SECRET>"), "{t}");
        assert!(t.contains("server AND worker"), "{t}");
        assert!(
            t.contains("https://api.example.org/console/ (strict)"),
            "{t}"
        );
        let md = show("gravitee", ShowFormat::Markdown);
        assert!(md.contains("| Scopes | `email openid profile` |"), "{md}");
        let j: serde_json::Value =
            serde_json::from_str(&show("gravitee", ShowFormat::Json)).unwrap();
        assert_eq!(j["secret_env"], "AKBP_GW_CLIENT_SECRET");
        assert_eq!(j["client_id"], "gw");
    }

    #[test]
    fn placeholders_without_urls() {
        let t = render("netbird", &ShowOptions::default()).unwrap();
        assert!(t.contains(
            "https://authentik.company/application/o/netbird/.well-known/openid-configuration"
        ));
        assert!(!t.contains("AKBP_"), "a public client has no secret: {t}");
    }

    #[test]
    fn unknown_slug() {
        assert!(matches!(
            render("budibas", &ShowOptions::default()),
            Err(GenerateError::UnknownIntegration {
                suggestion: Some("budibase"),
                ..
            })
        ));
    }
}
