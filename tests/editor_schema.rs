//! The JSON Schema akbp publishes for editors: committed for the default release, kept
//! current, accepting what akbp accepts and rejecting silently dropped fields.
//! `AKBP_BLESS=1 cargo test --test editor_schema` rewrites the committed file.

use std::path::{Path, PathBuf};

use akbp::check::{self, Options};
use akbp::load::{self, Node, NodeKind, Scalar, SourceFile};
use akbp::model::editor_schema;
use akbp::target::Target;
use serde_json::{Map, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The document as yaml-language-server sees it with `customTags`: a tagged node is
/// just its node kind.
fn as_editor_sees(n: &Node) -> Value {
    match &n.kind {
        NodeKind::Scalar(s) if n.custom_tag().is_some() => Value::String(s.text.to_string()),
        NodeKind::Scalar(s) => match s.value() {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Int(i) => Value::from(i),
            Scalar::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
            _ => Value::String(s.text.to_string()),
        },
        NodeKind::Seq(items) => Value::Array(items.iter().map(as_editor_sees).collect()),
        NodeKind::Map(pairs) => Value::Object(
            pairs
                .iter()
                .map(|p| {
                    (
                        p.key.scalar_text().unwrap_or("").to_string(),
                        as_editor_sees(&p.value),
                    )
                })
                .collect::<Map<_, _>>(),
        ),
    }
}

fn schema_errors(validator: &jsonschema::Validator, path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = load::parse(SourceFile::new(path.display().to_string(), text)).unwrap();
    validator
        .iter_errors(&as_editor_sees(&doc.root))
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn committed_schema_is_current() {
    let path = root().join("schemas/blueprint.schema.json");
    let want = editor_schema::render(Target::LATEST);
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        if std::env::var_os("AKBP_BLESS").is_some() {
            std::fs::write(&path, want).unwrap();
        } else {
            panic!("schemas/blueprint.schema.json is stale; run `AKBP_BLESS=1 cargo test --test editor_schema`");
        }
    }
}

#[test]
fn accepts_what_akbp_accepts_and_flags_dropped_fields() {
    let validator = jsonschema::validator_for(&editor_schema::build(Target::LATEST)).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("blueprints"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.push(root().join("examples/grafana-oidc.yaml"));
    for f in &files {
        let errors = schema_errors(&validator, f);
        assert!(errors.is_empty(), "{}: {errors:#?}", f.display());
    }
    let broken = root().join("examples/broken/wiki-typos.yaml");
    let errors = schema_errors(&validator, &broken);
    assert!(
        errors.iter().any(|e| e.contains("launch_url")),
        "{errors:#?}"
    );
    assert!(errors.iter().any(|e| e.contains("entires")), "{errors:#?}");
}

/// Over authentik's own blueprints at 2026.2: wherever akbp reports no unknown model,
/// key or field, the editor schema must not complain either (no false alarms).
#[test]
fn no_false_alarms_on_shipped_blueprints() {
    let target = Target::new(2026, 2);
    let validator = jsonschema::validator_for(&editor_schema::build(target)).unwrap();
    let inputs = akbp::input::collect(
        &[root().join("../shared/authentik/2026.2.2/blueprints")],
        &akbp::input::Selection::everything(),
    )
    .unwrap()
    .inputs;
    let options = Options {
        target,
        schema: None,
        ..Default::default()
    };
    let mut checked = 0;
    for input in &inputs {
        let akbp::input::Input::File { path, .. } = input else {
            continue;
        };
        let text = std::fs::read_to_string(path).unwrap();
        let report = check::check_source(SourceFile::new("x.yaml", text), &options);
        let structural = report
            .findings
            .iter()
            .any(|f| ["AKB102", "AKB200", "AKB202", "AKB103"].contains(&f.rule.code));
        if structural {
            continue;
        }
        checked += 1;
        let errors = schema_errors(&validator, path);
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
    assert!(checked >= 30, "only {checked} shipped blueprints compared");
}
