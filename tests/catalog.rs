//! The catalog data files against their JSON Schema, and the schema against the Rust
//! types (both refuse unknown keys).

use akbp::catalog;

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(catalog::SCHEMA).unwrap();
    jsonschema::validator_for(&schema).expect("the catalog schema compiles")
}

fn files() -> Vec<(String, serde_json::Value)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/catalog");
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, serde_json::from_str(&text).unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_file_matches_the_schema() {
    let v = validator();
    let files = files();
    assert!(files.len() >= 5, "the five seed integrations at least");
    for (name, value) in &files {
        let errors: Vec<String> = v
            .iter_errors(value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn every_file_is_embedded_and_loads() {
    let loaded = catalog::load_all().unwrap();
    let slugs: Vec<&str> = loaded.iter().map(|i| i.slug.as_str()).collect();
    let names: Vec<String> = files()
        .into_iter()
        .map(|(n, _)| n.trim_end_matches(".json").to_string())
        .collect();
    assert_eq!(slugs, names, "catalog/*.json and the embedded list differ");
    assert_eq!(catalog::all().len(), loaded.len());
}

type Mutation = Box<dyn Fn(&mut serde_json::Value)>;

#[test]
fn schema_and_types_refuse_the_same_mistakes() {
    let v = validator();
    let (_, good) = files().remove(0);
    let mutations: Vec<(&str, Mutation)> = vec![
        (
            "unknown top-level key",
            Box::new(|e| e["launch_uri"] = "x".into()),
        ),
        (
            "unknown provider key",
            Box::new(|e| e["methods"][0]["provider"]["grant_type"] = "x".into()),
        ),
        (
            "bad matching mode",
            Box::new(|e| {
                e["methods"][0]["provider"]["redirect_uris"][0]["matching_mode"] = "Strict".into()
            }),
        ),
        (
            "bad sub mode",
            Box::new(|e| e["methods"][0]["provider"]["sub_mode"] = "username".into()),
        ),
        (
            "bad provider type",
            Box::new(|e| e["methods"][0]["provider"]["type"] = "oidc".into()),
        ),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(!v.is_valid(&bad), "schema accepts {what}");
        assert!(
            serde_json::from_value::<catalog::Integration>(bad).is_err(),
            "serde accepts {what}"
        );
    }
    // And the schema alone catches what serde's types cannot express.
    for (what, mutate) in [
        (
            "empty grant types",
            Box::new(|e: &mut serde_json::Value| {
                e["methods"][0]["provider"]["grant_types"] = serde_json::json!([])
            }) as Box<dyn Fn(&mut serde_json::Value)>,
        ),
        (
            "redirect URI not built on the app URL",
            Box::new(|e| {
                e["methods"][0]["provider"]["redirect_uris"][0]["url"] = "https://x/cb".into()
            }),
        ),
        ("reserved slug", Box::new(|e| e["slug"] = "token".into())),
    ] {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(!v.is_valid(&bad), "schema accepts {what}");
    }
}

#[test]
fn logout_uris_fit_the_format() {
    let (_, mut e) = files().remove(0);
    e["methods"][0]["provider"]["post_logout_redirect_uris"] = serde_json::json!([
        {"matching_mode": "strict", "url": "{app_url}/logged-out", "redirect_uri_type": "logout"}
    ]);
    assert!(validator().is_valid(&e));
    let i: catalog::Integration = serde_json::from_value(e).unwrap();
    let catalog::Provider::Oauth2(p) = &i.methods[0].provider else {
        panic!("the first file is OAuth2")
    };
    assert_eq!(
        p.post_logout_redirect_uris[0].redirect_uri_type,
        catalog::RedirectUriType::Logout
    );
}
