//! `akbp list`: one row per integration with its provider type and redirect URIs.
//!
//! URIs are shown for the guide's placeholder host (`https://gravitee.company/...`).

use serde::Serialize;

use super::template::{fill, Vars};
use super::{all, Integration, Method, ProviderType, ReviewStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListFormat {
    #[default]
    Table,
    Json,
}

/// `akbp list` filters; all set filters must match.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// A word in the slug, name or category (any case).
    pub word: Option<String>,
    /// Some method has this provider type.
    pub provider: Option<ProviderType>,
    /// The guide category, exactly.
    pub category: Option<String>,
}

impl ListFilter {
    pub fn matches(&self, i: &Integration) -> bool {
        let word = self.word.as_ref().is_none_or(|w| {
            let w = w.to_lowercase();
            [&i.slug, &i.name, &i.category]
                .iter()
                .any(|s| s.to_lowercase().contains(&w))
        });
        let provider = self
            .provider
            .is_none_or(|t| i.methods.iter().any(|m| m.provider.kind() == t));
        let category = self.category.as_ref().is_none_or(|c| *c == i.category);
        word && provider && category
    }
}

#[derive(Serialize)]
struct Row<'a> {
    slug: &'a str,
    name: &'a str,
    category: &'a str,
    review: &'static str,
    /// The guide's first method is the default.
    methods: Vec<MethodRow<'a>>,
}

#[derive(Serialize)]
struct MethodRow<'a> {
    name: &'a str,
    provider_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    redirect_uris: Vec<UriRow>,
}

#[derive(Serialize)]
struct UriRow {
    matching_mode: &'static str,
    redirect_uri_type: &'static str,
    url: String,
}

fn uri_rows(i: &Integration, m: &Method) -> Vec<UriRow> {
    let vars = Vars {
        app_url: Some(i.placeholder_app_url()),
        authentik_url: Some(i.placeholder_authentik_url()),
        slug: Some(i.slug.clone()),
        // A value only the application knows shows as `<name>`, as in `show`.
        params: i
            .params
            .iter()
            .map(|p| (p.name.clone(), format!("<{}>", p.name)))
            .collect(),
        ..Vars::default()
    };
    m.all_redirect_uris()
        .map(|u| UriRow {
            matching_mode: u.matching_mode.as_str(),
            redirect_uri_type: u.redirect_uri_type.as_str(),
            url: fill(&u.url, &vars),
        })
        .collect()
}

/// Render the catalog entries the filter keeps as a table or as JSON (an array, one
/// object per integration).
pub fn list(filter: &ListFilter, format: ListFormat) -> String {
    let rows: Vec<Row> = all()
        .iter()
        .filter(|i| filter.matches(i))
        .map(|i| Row {
            slug: &i.slug,
            name: &i.name,
            category: &i.category,
            review: match i.review.status {
                ReviewStatus::GuideAndAppDocs => "guide_and_app_docs",
                ReviewStatus::GuideOnly => "guide_only",
            },
            methods: i
                .methods
                .iter()
                .map(|m| MethodRow {
                    name: &m.name,
                    provider_type: m.provider.type_key(),
                    client_type: m.client_type().map(|c| c.as_str()),
                    redirect_uris: uri_rows(i, m),
                })
                .collect(),
        })
        .collect();
    match format {
        ListFormat::Json => {
            let mut s = serde_json::to_string_pretty(&rows).unwrap_or_default();
            s.push('\n');
            s
        }
        ListFormat::Table => table(&rows),
    }
}

fn table(rows: &[Row]) -> String {
    let header = ["SLUG", "NAME", "CATEGORY", "METHODS", "REDIRECT URIS"];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            let methods = r
                .methods
                .iter()
                .map(|m| {
                    let client = m.client_type.map(|c| format!(", {c}")).unwrap_or_default();
                    if m.name == m.provider_type {
                        format!("{}{client}", m.name)
                    } else {
                        format!("{} ({}{client})", m.name, m.provider_type)
                    }
                })
                .collect::<Vec<_>>()
                .join(" | ");
            let uris = r
                .methods
                .iter()
                .flat_map(|m| &m.redirect_uris)
                .map(|u| {
                    let kind = if u.redirect_uri_type == "logout" {
                        ", logout"
                    } else {
                        ""
                    };
                    format!("{} ({}{kind})", u.url, u.matching_mode)
                })
                .collect::<Vec<_>>()
                .join(" ");
            [
                r.slug.to_string(),
                r.name.to_string(),
                r.category.to_string(),
                methods,
                uris,
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cols: [&str; 5]| {
        let mut l = String::new();
        for (i, (c, w)) in cols.iter().zip(widths).enumerate() {
            if i + 1 == cols.len() {
                l.push_str(c);
            } else {
                l.push_str(&format!("{c:<w$}  "));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(header);
    for row in &cells {
        line([&row[0], &row[1], &row[2], &row[3], &row[4]]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_one_row_per_integration() {
        let t = list(&ListFilter::default(), ListFormat::Table);
        assert_eq!(t.lines().count(), all().len() + 1);
        assert!(
            t.contains("https://gravitee.company/console/ (strict)"),
            "{t}"
        );
        assert!(t.contains(r"https://netbird\.company/.* (regex)"), "{t}");
    }

    #[test]
    fn filters_by_provider_word_and_category() {
        let only = |f: ListFilter| -> Vec<String> {
            let v: serde_json::Value = serde_json::from_str(&list(&f, ListFormat::Json)).unwrap();
            v.as_array()
                .unwrap()
                .iter()
                .map(|r| r["slug"].as_str().unwrap().to_string())
                .collect()
        };
        let saml = only(ListFilter {
            provider: Some(ProviderType::Saml),
            ..ListFilter::default()
        });
        assert!(saml.contains(&"kimai".to_string()), "{saml:?}");
        assert!(!saml.contains(&"gravitee".to_string()), "{saml:?}");
        assert_eq!(
            only(ListFilter {
                word: Some("LOUNGE".into()),
                ..ListFilter::default()
            }),
            ["thelounge"]
        );
        let media = only(ListFilter {
            category: Some("media".into()),
            provider: Some(ProviderType::Proxy),
            ..ListFilter::default()
        });
        assert!(media.contains(&"sonarr".to_string()), "{media:?}");
        assert!(only(ListFilter {
            word: Some("no-such-app".into()),
            ..ListFilter::default()
        })
        .is_empty());
    }

    #[test]
    fn json_is_an_array() {
        let v: serde_json::Value =
            serde_json::from_str(&list(&ListFilter::default(), ListFormat::Json)).unwrap();
        let arr = v.as_array().unwrap();
        assert_eq!(arr.len(), all().len());
        assert_eq!(arr[0]["methods"][0]["provider_type"], "oauth2");
    }
}
