//! `akbp list`: one row per integration with its provider type and redirect URIs.
//!
//! URIs are shown for the guide's placeholder host (`https://gravitee.company/...`).

use serde::Serialize;

use super::template::{fill, Vars};
use super::{all, Integration};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListFormat {
    #[default]
    Table,
    Json,
}

#[derive(Serialize)]
struct Row<'a> {
    slug: &'a str,
    name: &'a str,
    provider_type: &'static str,
    client_type: &'static str,
    redirect_uris: Vec<UriRow>,
}

#[derive(Serialize)]
struct UriRow {
    matching_mode: &'static str,
    redirect_uri_type: &'static str,
    url: String,
}

fn uri_rows(i: &Integration) -> Vec<UriRow> {
    let vars = Vars {
        app_url: Some(i.placeholder_app_url()),
        authentik_url: Some(i.placeholder_authentik_url()),
        slug: Some(i.slug.clone()),
        ..Vars::default()
    };
    i.all_redirect_uris()
        .map(|u| UriRow {
            matching_mode: u.matching_mode.as_str(),
            redirect_uri_type: u.redirect_uri_type.as_str(),
            url: fill(&u.url, &vars),
        })
        .collect()
}

/// Render the catalog as a table or as JSON (an array, one object per integration).
pub fn list(format: ListFormat) -> String {
    let rows: Vec<Row> = all()
        .iter()
        .map(|i| Row {
            slug: &i.slug,
            name: &i.name,
            provider_type: i.provider.type_key(),
            client_type: i.client_type().as_str(),
            redirect_uris: uri_rows(i),
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
    let header = ["SLUG", "NAME", "PROVIDER", "CLIENT", "REDIRECT URIS"];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            let uris = r
                .redirect_uris
                .iter()
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
                r.provider_type.to_string(),
                r.client_type.to_string(),
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
        let t = list(ListFormat::Table);
        assert_eq!(t.lines().count(), all().len() + 1);
        assert!(
            t.contains("https://gravitee.company/console/ (strict)"),
            "{t}"
        );
        assert!(t.contains(r"https://netbird\.company/.* (regex)"), "{t}");
    }

    #[test]
    fn json_is_an_array() {
        let v: serde_json::Value = serde_json::from_str(&list(ListFormat::Json)).unwrap();
        let arr = v.as_array().unwrap();
        assert_eq!(arr.len(), all().len());
        assert_eq!(arr[0]["provider_type"], "oauth2");
    }
}
