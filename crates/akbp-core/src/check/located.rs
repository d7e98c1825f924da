//! Check every blueprint a file holds, wherever it sits: the file itself, each document
//! of a Kubernetes manifest, a ConfigMap or Secret value, an operator's custom resource.
//! Findings inside embedded text are moved to the outer file's positions.

use std::sync::Arc;

use super::mask::Secrets;
use crate::load::{Document, SourceFile, Span};
use crate::wrapper::{self, EmbeddedText, FileContents, Found, PositionMap};

use super::document::check_document_in;
use super::file_report::{failed_file, load_error_rule, FileReport, MAX_KEPT_PER_RULE};
use super::finding::{
    apply_edits, sort_findings, Edit, Finding, Fix, Options, Overflow, Sink, Suppressor,
};
use super::rules::discovery::NOT_DISCOVERED;
use super::rules::wrappers::{NOT_A_BLUEPRINT, TEMPLATE_FILE, WRAPPED_KEY_NOT_YAML};
use super::skip::SkipReason;
use super::suggest::Suggestions;
use super::suppress::Directives;

/// Load and check one source text.
/// Every blueprint in it is checked: the file itself, each document of a manifest, a
/// ConfigMap, Secret or custom resource holding one (see [`check_file`]).
pub fn check_source(source: SourceFile, options: &Options) -> FileReport {
    check_file(source, options, true)
}

/// Check one source text. `explicit`: the file was named on the command line (a file
/// found in a folder that is not a blueprint is skipped without a note).
pub fn check_file(source: SourceFile, options: &Options, explicit: bool) -> FileReport {
    let mut directives = Directives::for_file(&source, options);
    // The file's own `# akbp: target` beats the configuration, not `--target`.
    let pinned;
    let options = match directives.target {
        Some(target) if !options.target_pinned && target != options.target => {
            pinned = Options {
                target,
                ..options.clone()
            };
            &pinned
        }
        _ => options,
    };
    // Findings pushed here (wrappers, templates, load errors) get their final severity
    // through the same step as those of the rules. Rules build at most the findings a
    // report keeps; when that pre-cap could change which ones it keeps, check again
    // building all of them (slow, but the same result as never capping), with the
    // directives read afresh (resolving uses them up).
    let capped = check_every_blueprint(
        source.clone(),
        options,
        explicit,
        &mut directives,
        Some(MAX_KEPT_PER_RULE),
    );
    capped
        .resolve_capped(options, &mut directives)
        .unwrap_or_else(|| {
            let mut directives = Directives::for_file(&source, options);
            check_every_blueprint(source, options, explicit, &mut directives, None)
                .resolved_with(options, &mut directives)
        })
}

fn check_every_blueprint(
    source: SourceFile,
    options: &Options,
    explicit: bool,
    directives: &mut Directives,
    cap: Option<usize>,
) -> FileReport {
    let name = source.name.to_string();
    let (docs, alone) = match wrapper::read_file(&source) {
        FileContents::Documents { docs, alone } => (docs, alone),
        FileContents::Template(at) => return template(name, source, at),
        FileContents::Failed(e) => return failed_file(&name, Some(source), &e),
    };
    let capped = || cap.map_or_else(Sink::default, Sink::capped);
    let mut collected = Collected::default();
    let mut secrets = Secrets::default();
    // Values read from --env are secrets wherever they occur.
    for v in options.known.secret_values() {
        secrets.add_known(&v);
    }
    // One suggestion budget for every blueprint of the file.
    let suggestions = Suggestions::default();
    let mut blueprints = 0usize;
    let mut others = Vec::new();
    for doc in &docs {
        directives.add_document(&source, doc);
    }
    // Findings a suppression will remove do not use up a rule's cap (`--no-suppressions`
    // applies none).
    let suppressor = directives
        .suppressor(&source)
        .filter(|_| cap.is_some() && !options.policy.no_suppressions);
    // A sink for findings at the file's positions, or at an embedded text's (`map`).
    let sink_at = |map: Option<&PositionMap>| {
        let suppressor = match (&suppressor, map) {
            (Some(s), Some(map)) => {
                let (s, map) = (s.clone(), map.clone());
                Some(Suppressor(Arc::new(move |rule, span| {
                    (s.0)(rule, map.map(span))
                })))
            }
            (s, _) => s.clone(),
        };
        capped().suppressed_by(suppressor)
    };
    let sink = || sink_at(None);
    for f in docs.into_iter().flat_map(|d| wrapper::classify(d, alone)) {
        match f {
            Found::Blueprint(doc) => {
                blueprints += 1;
                check_tree(
                    &doc,
                    options,
                    sink(),
                    &suggestions,
                    &mut collected,
                    &mut secrets,
                );
            }
            Found::Wrapper {
                trees,
                texts,
                redactions: hidden,
                secret_values,
                ..
            } => {
                secrets.spans.extend(hidden);
                for v in &secret_values {
                    secrets.add_known(v);
                }
                for tree in &trees {
                    blueprints += 1;
                    check_tree(
                        tree,
                        options,
                        sink(),
                        &suggestions,
                        &mut collected,
                        &mut secrets,
                    );
                }
                for text in &texts {
                    blueprints += 1;
                    check_text(
                        &source,
                        text,
                        options,
                        &sink_at,
                        &suggestions,
                        &mut collected,
                        &mut secrets,
                    );
                }
            }
            Found::Other {
                what,
                redactions,
                secret_values,
            } => {
                secrets.spans.extend(redactions);
                for v in &secret_values {
                    secrets.add_known(v);
                }
                others.push(what);
            }
        }
    }
    let Collected {
        mut findings,
        overflow,
    } = collected;
    let mut skipped = None;
    if blueprints == 0 {
        skipped = Some(SkipReason::NotABlueprint);
        if explicit {
            let what = others.first().cloned().unwrap_or_default();
            let mut s = Sink::default();
            s.push(
                &NOT_A_BLUEPRINT,
                Span::empty(0),
                format!("this file is not a blueprint ({what}); akbp did not check it"),
            )
            .help("a blueprint has `entries:` (or `version:` and `metadata:`); a Kubernetes object needs one in a ConfigMap, a Secret or an operator's custom resource");
            findings = s.findings;
        }
    }
    sort_findings(&mut findings);
    let mut report = FileReport {
        name,
        source: Some(source),
        findings,
        skipped,
        omitted: Vec::new(),
        suppressed: Default::default(),
        overflow,
        target: options.target,
    };
    secrets.mask(&mut report.source, &mut report.findings);
    report
}

fn template(name: String, source: SourceFile, at: Span) -> FileReport {
    let mut sink = Sink::default();
    sink.push(
        &TEMPLATE_FILE,
        at,
        "this file is a template (`{{ ... }}`), not YAML yet; akbp did not check it",
    )
    .help("check what the template renders: `helm template RELEASE CHART | akbp validate -` (or pipe your template tool's output the same way)");
    // A template never parsed: mask what follows any secret key in its text.
    let secrets = Secrets::of_text(&source.text);
    let mut report = FileReport {
        name,
        source: Some(source),
        findings: sink.findings,
        skipped: Some(SkipReason::Template),
        omitted: Vec::new(),
        suppressed: Default::default(),
        overflow: Vec::new(),
        target: crate::target::Target::LATEST,
    };
    secrets.mask(&mut report.source, &mut report.findings);
    report
}

/// What the blueprints of one file produced so far.
#[derive(Default)]
struct Collected {
    findings: Vec<Finding>,
    overflow: Vec<Overflow>,
}

fn check_tree(
    doc: &Document,
    options: &Options,
    sink: Sink,
    suggestions: &Suggestions,
    found: &mut Collected,
    secrets: &mut Secrets,
) {
    let (findings, overflow) = check_document_in(doc, options, sink, suggestions);
    found.findings.extend(findings);
    found.overflow.extend(overflow);
    secrets.extend(Secrets::of_document(doc), |s| s);
}

fn check_text(
    outer: &SourceFile,
    text: &EmbeddedText,
    options: &Options,
    new_sink: &dyn Fn(Option<&PositionMap>) -> Sink,
    suggestions: &Suggestions,
    out: &mut Collected,
    secrets: &mut Secrets,
) {
    secrets.spans.extend(text.redactions.iter().copied());
    // authentik walks `rglob("**/*.yaml")` and skips dot-files (blueprints/v1/tasks.py).
    let hidden = |k: &str| !k.ends_with(".yaml") || k.starts_with('.');
    if let Some(key) = text.file_key.as_deref().filter(|k| hidden(k)) {
        let mut sink = Sink::default();
        sink.push(
            &WRAPPED_KEY_NOT_YAML,
            text.key_span,
            format!(
                "the {} key `{key}` holds a blueprint, but authentik discovers only `*.yaml` files",
                text.layout.describe()
            ),
        )
        .help(format!(
            "rename the key to `{}.yaml`; mounted as a file, this name is never applied",
            key.trim_end_matches(".yml")
        ));
        out.findings.extend(sink.findings);
    }
    let approximate = !text.map.is_exact();
    // The inner text's own secrets, at outer positions when the map says them exactly,
    // else wherever their values occur.
    let inner_secrets = match &text.parsed {
        Ok(inner) => Secrets::of_document(inner),
        Err(_) => Secrets::of_text(&text.text),
    };
    if approximate {
        secrets.extend(
            Secrets {
                spans: Vec::new(),
                values: inner_secrets.values,
            },
            |s| s,
        );
    } else {
        secrets.extend(inner_secrets, |s| text.map.map(s));
    }
    let (mut found, overflow): (Vec<Finding>, Vec<Overflow>) = match &text.parsed {
        Ok(inner) => {
            // The mounted name is the key's, which AKB110 checks; the inner text's own
            // name means nothing to authentik.
            // The suppressions are the outer file's: asked at outer positions.
            let sink = new_sink(Some(&text.map));
            let (mut f, mut o) = check_document_in(inner, options, sink, suggestions);
            f.retain(|f| f.rule.code != NOT_DISCOVERED.code);
            o.retain(|o| o.rule.code != NOT_DISCOVERED.code);
            (f, o)
        }
        Err(e) => {
            let mut s = Sink::default();
            s.push(load_error_rule(e.kind), e.span, e.message.clone());
            s.finish()
        }
    };
    for f in &mut found {
        f.span = text.map.map(f.span);
        for l in &mut f.labels {
            l.span = text.map.map(l.span);
        }
        if let Some(fix) = &mut f.fix {
            outer_fix(outer, text, fix);
        }
        if approximate {
            f.approximate = true;
            let why = match &text.map {
                PositionMap::Approximate { .. } if text.base64 => "base64",
                _ => "quoted or folded text",
            };
            f.label = Some(format!(
                "approximate position: the finding is inside `{}` ({why})",
                text.key
            ));
        }
    }
    out.findings.extend(found);
    out.overflow.extend(overflow.into_iter().map(|mut o| {
        o.span = text.map.map(o.span);
        o
    }));
}
/// Move a fix of an embedded blueprint to the outer file: in a literal block, at the
/// mapped place with the block's indentation after each line break. The outer file is
/// edited and read again as Kubernetes mounts it; unless the key then holds exactly the
/// inner text with the fix applied (a first line that starts with spaces changes the
/// block's detected indentation, a new last line its chomping), the fix is blocked.
fn outer_fix(outer: &SourceFile, text: &EmbeddedText, fix: &mut Fix) {
    if fix.blocked.is_some() {
        return;
    }
    let Some(expected) = fix.apply_to(&text.text) else {
        fix.block("its edits do not fit the embedded text");
        return;
    };
    let mapped: Option<Vec<Edit>> = fix
        .edits
        .iter()
        .map(|e| {
            Some(Edit::replace(
                text.map.map(e.span),
                text.map.map_text(&e.text)?,
            ))
        })
        .collect();
    let Some(mapped) = mapped else {
        let why = if text.base64 {
            "base64"
        } else {
            "quoted or folded text"
        };
        fix.block(format!(
            "the blueprint is {why} inside `{}`: akbp cannot edit it in place",
            text.key
        ));
        return;
    };
    let reads_back = apply_edits(&outer.text, &mapped).is_some_and(|after| {
        embedded_text_at(
            &SourceFile::new(outer.name.clone(), after),
            text.key_span.start,
        )
        .is_some_and(|t| t == expected)
    });
    if reads_back {
        fix.edits = mapped;
    } else {
        fix.block(format!(
            "edited in place, `{}` would not read as the fixed blueprint (the block's indentation or chomping would change)",
            text.key
        ));
    }
}

/// The embedded blueprint text whose key starts at `key_start`, as the file reads now.
fn embedded_text_at(source: &SourceFile, key_start: u32) -> Option<String> {
    let FileContents::Documents { docs, alone } = wrapper::read_file(source) else {
        return None;
    };
    docs.into_iter()
        .flat_map(|d| wrapper::classify(d, alone))
        .find_map(|f| match f {
            Found::Wrapper { texts, .. } => texts
                .into_iter()
                .find(|t| t.key_span.start == key_start)
                .map(|t| t.text),
            _ => None,
        })
}
