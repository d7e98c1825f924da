//! `!Find` lookups checked against model knowledge and the objects every install has.

use std::collections::HashMap;

use crate::blueprint::objects::{objects, Created, Objects};
use crate::blueprint::{State, Tag};
use crate::check::crossfile::{BlueprintIndex, Scope};
use crate::check::finding::{Ctx, Edit, Fix, Rule, Safety, Severity, Sink};
use crate::check::suggest::{rename_hint_field, rename_hint_model};
use crate::load::Node;
use crate::model::{knowledge, FieldLookup, ModelLookup};
use crate::target::Target;

pub const FIND_MAY_BE_NULL: Rule = Rule {
    code: "AKB304",
    name: "find-may-be-null",
    severity: Severity::Warning,
    summary: "A `!Find` where null is refused (a required reference, a list item, a binding's subject) looks up an object that not every install has.",
    doc: "## What it does\nFor fields the model requires (flows, keys, providers...), items of related-object lists (`property_mappings`, `sources`...), and a policy binding's `policy`, `group` or `user`, in `identifiers` and `attrs` alike, checks `!Find` lookups against the objects every authentik install creates at the target release (schemas/defaults.json, from the auto-instantiated shipped blueprints and the objects authentik creates in code), by any of their values: the default flows by slug or name, the managed scope and SAML mappings by `managed` or name, the default prompts by `field_key`, the embedded outpost by `managed` or name, `authentik Self-signed Certificate` by name. Other lookups may find nothing.\n\n## Why\n`!Find` returns null without an error when nothing matches; the entry then fails with an unrelated \"This field may not be null\" or, worse, is created without the reference. Lab-verified on authentik 2026.2.2: a null `property_mappings` item fails with `Invalid pk \"None\"`, a null flow stage binding `stage` with \"This field may not be null.\", a null binding `group` with \"One of 'group', 'policy', 'user' must be set.\"\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      authorization_flow: !Find [authentik_flows.flow, [slug, default-authorization-flow]]\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      authorization_flow: !Find [authentik_flows.flow, [slug, default-provider-authorization-implicit-consent]]\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_find_nullable),
};

pub const FIND_ORDER: Rule = Rule {
    code: "AKB310",
    name: "find-order-across-blueprints",
    severity: Severity::Warning,
    summary: "A `!Find` where null is refused looks up an object another blueprint of the run creates, and this blueprint does not apply that one first with a required `metaapplyblueprint`.",
    doc: r#"## What it does
In a run over several blueprints (a folder, or files named together), akbp indexes the objects each blueprint creates: model, and every plain value of its identifiers and attrs. A `!Find` where null is refused (the places AKB304 checks) that no default object answers, but another blueprint of the run creates, is fine when this blueprint applies that one first: a required `authentik_blueprints.metaapplyblueprint` entry naming it by path or name, directly or through the blueprints it applies. Otherwise this finding names the blueprint to depend on and gives the entry to add; it carries that entry as an unsafe fix (inserted before the first entry: authentik then also refuses this blueprint when the other one is missing). Multi-table parents count: `!Find [authentik_core.provider, [name, x]]` finds an OAuth2 provider named `x`.

The index is built only when a lookup needs it, from a second read of the inputs, and keeps hashes: a run without such lookups reads every file once.

## Why
authentik applies discovered blueprints in no guaranteed order (each instance is applied by its own task); a `!Find` evaluated before the other blueprint ran returns null, and the entry fails ("This field may not be null.") until a later periodic apply. A `metaapplyblueprint` entry applies the named blueprint first (authentik/blueprints/v1/meta/apply_blueprint.py, 2026.2.2); authentik issues #4945 and #19715 are about this order.

## Example
`base.yaml` creates the group `wiki-users` and the application `wiki`; `app.yaml`, in the same folder, checked with `akbp validate FOLDER` (the rule's fixtures under tests/fixtures/AKB310 are such a folder):

```text
version: 1
entries:
  - model: authentik_policies.policybinding
    identifiers:
      target: !Find [authentik_core.application, [slug, wiki]]
      group: !Find [authentik_core.group, [name, wiki-users]]
      order: 0
```

## Use instead
`app.yaml` applies `base.yaml` first:

```text
version: 1
entries:
  - model: authentik_blueprints.metaapplyblueprint
    attrs:
      identifiers:
        path: base.yaml
      required: true
  - model: authentik_policies.policybinding
    identifiers:
      target: !Find [authentik_core.application, [slug, wiki]]
      group: !Find [authentik_core.group, [name, wiki-users]]
      order: 0
```
"#,
    stops_load: false,
    cases: &[],
    check: None,
};

pub const FIND_BEFORE_CREATED: Rule = Rule {
    code: "AKB311",
    name: "find-before-created",
    severity: Severity::Warning,
    summary: "A `!Find` where null is refused looks up an object a later entry of the same blueprint creates.",
    doc: "## What it does\nFor the lookups AKB304 checks, reports one whose object is created by an entry that comes later in the same blueprint.\n\n## Why\nauthentik applies a blueprint's entries in order and evaluates each entry's tags when it gets to it (authentik/blueprints/v1/importer.py, 2026.2.2): the `!Find` runs before the object exists and returns null, so the first apply fails; a later apply may succeed, which hides the problem on a running instance.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: wiki-admins}\n    attrs:\n      parent: !Find [authentik_core.group, [name, wiki-users]]\n  - model: authentik_policies.policybinding\n    identifiers:\n      target: !Find [authentik_core.application, [slug, wiki]]\n      group: !Find [authentik_core.group, [name, wiki-users]]\n      order: 0\n  - model: authentik_core.group\n    identifiers: {name: wiki-users}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: wiki-users}\n  - model: authentik_policies.policybinding\n    identifiers:\n      target: !Find [authentik_core.application, [slug, wiki]]\n      group: !Find [authentik_core.group, [name, wiki-users]]\n      order: 0\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

pub const FIND_TYPO: Rule = Rule {
    code: "AKB312",
    name: "find-typo",
    severity: Severity::Error,
    summary: "A `!Find` where null is refused matches nothing, and one of its values is one edit away from a default object, an object of this blueprint or one another blueprint of the run creates.",
    doc: "## What it does\nFor the lookups AKB304 checks that nothing answers, compares each value with the default objects of the target release (schemas/defaults.json), the objects this blueprint creates and, in a run over several blueprints, the objects the others create. When all values match but one, and that one is one edit away (a character added, dropped, changed, or two swapped), the lookup is a typo: an error that names the value meant. The search is paid from the file's suggestion budget (see Hostile input): in a file of thousands of near misses the lookups after it is spent are reported as AKB304.\n\n## Why\n`!Find` returns null without an error; the entry then fails with \"This field may not be null\" (or is created without the reference), far from the typo. A one-edit near miss of an object that exists is almost never a different object.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      authorization_flow: !Find [authentik_flows.flow, [slug, default-provider-authorization-implicit-consnt]]\n      invalidation_flow: !Find [authentik_flows.flow, [slug, default-provider-invalidation-flow]]\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      authorization_flow: !Find [authentik_flows.flow, [slug, default-provider-authorization-implicit-consent]]\n      invalidation_flow: !Find [authentik_flows.flow, [slug, default-provider-invalidation-flow]]\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

/// The `[field, value]` pairs of a `!Find` whose parts are literal strings.
fn literal_lookups<'d>(conditions: &[(&'d Node, &'d Node)]) -> Option<Vec<(&'d str, &'d str)>> {
    conditions
        .iter()
        .map(|(f, v)| {
            Some((
                f.as_str()?,
                v.scalar_text().filter(|_| v.custom_tag().is_none())?,
            ))
        })
        .collect()
}

/// Why a null at this place fails the entry, or `None` when null is accepted there.
/// `item` is true for an item of a list value.
fn null_refused(model: &str, field: &str, required: bool, item: bool) -> Option<String> {
    if item {
        // A related-objects list refuses a null item ("This field may not be null.").
        return Some(format!("`{field}` items may not be null"));
    }
    let bindings = crate::model::bindings::policy_bindings();
    if model == bindings.model && bindings.is_subject(field) {
        // A null subject leaves the binding with none: "One of 'policy', 'group' or 'user'
        // must be set." (authentik/policies/api/bindings.py, 2026.2.2).
        return Some(format!("a policy binding needs its `{field}`"));
    }
    required.then(|| format!("`{field}` is required"))
}

fn check_find_nullable(ctx: &Ctx, sink: &mut Sink) {
    let k = knowledge();
    // What this blueprint creates, read once when a lookup needs it.
    let mut here: Option<Here> = None;
    for e in &ctx.bp.entries {
        if matches!(e.state(), Some(State::Absent) | None) {
            continue;
        }
        let Some(m) = super::models::model_of(e, ctx.target) else {
            continue;
        };
        let model_key = m.name();
        // Identifiers too: bindings are usually identified by their target and subject.
        let pairs = [e.identifiers(), e.attrs()]
            .into_iter()
            .flatten()
            .flat_map(|n| ctx.bp.dict_pairs(n));
        for p in pairs {
            let Some(field) = p.key.key_str() else {
                continue;
            };
            let FieldLookup::Known(spec) = m.field(field) else {
                continue;
            };
            let candidates: Vec<(&Node, String)> = match p.value.as_seq() {
                Some(items) if p.value.custom_tag().is_none() => items
                    .iter()
                    .filter_map(|n| Some((n, null_refused(model_key, field, spec.required, true)?)))
                    .collect(),
                _ => null_refused(model_key, field, spec.required, false)
                    .map(|why| vec![(&p.value, why)])
                    .unwrap_or_default(),
            };
            for (node, why) in candidates {
                let Some(Tag::Find {
                    model,
                    conditions,
                    object: false,
                }) = ctx.bp.tag(node)
                else {
                    continue;
                };
                let (Some(model_name), Some(lookups)) =
                    (model.as_str(), literal_lookups(conditions))
                else {
                    continue;
                };
                let model_key = model_name.to_ascii_lowercase();
                if k.is_default_object(&model_key, &lookups, ctx.target) {
                    continue;
                }
                let models = models_found_by(&model_key, ctx.target);
                if models[1..]
                    .iter()
                    .any(|m| k.is_default_object(m, &lookups, ctx.target))
                {
                    continue;
                }
                let pairs: Vec<(String, String)> = lookups
                    .iter()
                    .map(|(f, v)| (f.to_string(), v.to_string()))
                    .collect();
                let here = here.get_or_insert_with(|| Here::new(objects(ctx.bp)));
                let lookup = Unresolved {
                    model_name,
                    models: &models,
                    pairs: &pairs,
                    node,
                    why: &why,
                    entry: e.index,
                };
                judge(ctx, sink, &lookup, here);
            }
        }
    }
}

/// `model` and the models a `!Find` on it also finds: Django's multi-table children
/// (`authentik_core.provider` finds an OAuth2 provider through its `provider_ptr`).
pub fn models_found_by(model: &str, target: Target) -> Vec<String> {
    // Asked for every lookup nothing in its file answers: 10,000 files ask for the same
    // few models, and each answer scans every model of the release.
    type Cache = std::sync::Mutex<std::collections::HashMap<(String, Target), Vec<String>>>;
    static CACHE: std::sync::LazyLock<Cache> = std::sync::LazyLock::new(Default::default);
    let key = (model.to_string(), target);
    if let Some(found) = CACHE.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return found;
    }
    let out = children_of(model, target);
    if let Ok(mut c) = CACHE.lock() {
        c.insert(key, out.clone());
    }
    out
}

fn children_of(model: &str, target: Target) -> Vec<String> {
    let k = knowledge();
    let mut out = vec![model.to_string()];
    let names = k.lookups().names(target);
    let mut i = 0;
    while i < out.len() {
        let ptr = format!("{}_ptr", out[i].rsplit('.').next().unwrap_or_default());
        for n in &names {
            let child = k.find_model(n, target).is_some_and(|m| m.has_filter(&ptr));
            if child && !out.iter().any(|o| o == n) {
                out.push(n.to_string());
            }
        }
        i += 1;
    }
    out
}

/// What this blueprint creates, each object found by its model and any one of its
/// `(field, value)` pairs: a file of 22,000 `!Find` and as many objects would otherwise
/// compare every lookup with every object.
struct Here {
    objects: Objects,
    /// `(model, field, value)` -> positions in `objects.created`, ascending.
    by_pair: HashMap<(String, String, String), Vec<usize>>,
    /// Model -> positions in `objects.created` of the objects not deleted, ascending.
    by_model: HashMap<String, Vec<usize>>,
}

impl Here {
    fn new(objects: Objects) -> Self {
        let mut by_pair: HashMap<(String, String, String), Vec<usize>> = HashMap::new();
        let mut by_model: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, o) in objects.created.iter().enumerate() {
            if !o.absent {
                by_model.entry(o.model.clone()).or_default().push(i);
            }
            for (f, v) in &o.fields {
                let at = by_pair
                    .entry((o.model.clone(), f.clone(), v.clone()))
                    .or_default();
                if at.last() != Some(&i) {
                    at.push(i);
                }
            }
        }
        Here {
            objects,
            by_pair,
            by_model,
        }
    }

    /// The objects (not deleted) of the lookup's models, in apply order. Found per model
    /// rather than by passing over every object: a file of many objects of other models
    /// made each lookup walk them all.
    fn of_models<'h>(&'h self, l: &Unresolved) -> impl Iterator<Item = &'h Created> + 'h {
        let mut lists: Vec<std::iter::Peekable<std::slice::Iter<'h, usize>>> = l
            .models
            .iter()
            .filter_map(|m| self.by_model.get(m.as_str()))
            .map(|v| v.iter().peekable())
            .collect();
        // The lists merged in ascending order, one position at a time.
        std::iter::from_fn(move || {
            let (k, _) = lists
                .iter_mut()
                .enumerate()
                .filter_map(|(k, it)| it.peek().map(|p| (k, **p)))
                .min_by_key(|(_, p)| *p)?;
            lists[k].next().map(|p| &self.objects.created[*p])
        })
    }

    /// The objects (not deleted) this lookup finds, in apply order: those holding the
    /// lookup's rarest `(field, value)`, then checked for all of them.
    fn found_by<'h>(&'h self, l: &Unresolved) -> impl Iterator<Item = &'h Created> + 'h {
        let holding = |(f, v): &(String, String)| -> Vec<&'h Vec<usize>> {
            l.models
                .iter()
                .filter_map(|m| self.by_pair.get(&(m.clone(), f.clone(), v.clone())))
                .collect()
        };
        let rarest = l
            .pairs
            .iter()
            .map(holding)
            .min_by_key(|lists| lists.iter().map(|v| v.len()).sum::<usize>());
        let mut at: Vec<usize> = rarest.into_iter().flatten().flatten().copied().collect();
        at.sort_unstable();
        at.dedup();
        let pairs = l.pairs.to_vec();
        at.into_iter()
            .filter_map(|i| self.objects.created.get(i))
            .filter(move |o| !o.absent && o.matches(&pairs))
    }
}

/// A lookup no default object answers.
struct Unresolved<'a> {
    model_name: &'a str,
    models: &'a [String],
    pairs: &'a [(String, String)],
    node: &'a Node,
    why: &'a str,
    /// The entry holding it (apply order).
    entry: usize,
}

impl Unresolved<'_> {
    fn what(&self) -> String {
        self.pairs
            .iter()
            .map(|(f, v)| format!("{f} = {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn is_model(&self, model: &str) -> bool {
        self.models.iter().any(|m| m == model)
    }
}

/// Whether `a` and `b` differ by one edit: a character inserted, deleted or replaced, or
/// two neighbours swapped. Allocates nothing: it runs for every object a near-miss
/// lookup is compared with, millions of times in a hostile file.
pub fn one_edit(a: &str, b: &str) -> bool {
    // One edit changes the length by at most one character, four bytes.
    if a == b || a.len().abs_diff(b.len()) > 4 {
        return false;
    }
    // The common prefix and then the common suffix of what is left, in characters.
    let pre = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i);
    let (a, b) = (&a[pre..], &b[pre..]);
    let suf: usize = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    let (ra, rb) = (&a[..a.len() - suf], &b[..b.len() - suf]);
    let mut ca = ra.chars();
    let mut cb = rb.chars();
    match (ra.chars().count().min(3), rb.chars().count().min(3)) {
        (0, 1) | (1, 0) | (1, 1) => true,
        (2, 2) => {
            let (a0, a1) = (ca.next(), ca.next());
            let (b0, b1) = (cb.next(), cb.next());
            a0 == b1 && a1 == b0
        }
        _ => false,
    }
}

/// Every string one edit away from `v` over the characters identifiers use (for looking
/// them up among the run's hashed objects, which keep no strings).
fn one_edit_variants(v: &str) -> Vec<String> {
    const ALPHABET: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_. /:";
    let c: Vec<char> = v.chars().collect();
    if c.len() > 128 {
        return Vec::new();
    }
    let s = |x: &[char]| x.iter().collect::<String>();
    let mut out = Vec::new();
    for i in 0..=c.len() {
        for a in ALPHABET.chars() {
            let mut x = c.clone();
            x.insert(i, a);
            out.push(s(&x));
            if i < c.len() && c[i] != a {
                let mut y = c.clone();
                y[i] = a;
                out.push(s(&y));
            }
        }
        if i < c.len() {
            let mut x = c.clone();
            x.remove(i);
            out.push(s(&x));
        }
        if i + 1 < c.len() && c[i] != c[i + 1] {
            let mut x = c.clone();
            x.swap(i, i + 1);
            out.push(s(&x));
        }
    }
    out
}

/// Which `(field, value)` of `pairs` is one edit away from what `fields` holds, when all
/// others match exactly: `(index of the pair, the value held)`.
fn near_miss<'f>(
    pairs: &[(String, String)],
    get: impl Fn(&str) -> Option<&'f str>,
) -> Option<(usize, String)> {
    let mut off = None;
    for (i, (f, v)) in pairs.iter().enumerate() {
        match get(f) {
            Some(w) if w == v => {}
            Some(w) if off.is_none() && one_edit(v, w) => off = Some((i, w.to_string())),
            _ => return None,
        }
    }
    off
}

/// A typo'd lookup: the value one edit away, and where that object comes from.
fn typo(
    ctx: &Ctx,
    l: &Unresolved,
    here: &Here,
    index: Option<&BlueprintIndex>,
    me: Option<u32>,
) -> Option<(usize, String, String)> {
    let k = knowledge();
    for o in k
        .default_objects(ctx.target)
        .filter(|o| l.is_model(&o.model))
    {
        if let Some((i, w)) = near_miss(l.pairs, |f| o.lookups.get(f).map(String::as_str)) {
            return Some((
                i,
                w,
                format!("which every authentik {} install has", ctx.target),
            ));
        }
    }
    // Every object is a candidate: charged to the file's suggestion budget, so thousands
    // of near-miss lookups stop looking instead of comparing every pair.
    // Each object costs about as much as 32 character pairs besides its values: without
    // that, the budget let millions of objects be compared (0.7 s of a 1 MiB file).
    let looked: u64 = l.pairs.iter().map(|(_, v)| v.len() as u64 + 1).sum::<u64>() + 32;
    for o in here.of_models(l) {
        if !ctx.suggestions.spend(looked + o.fields.len() as u64) {
            return None;
        }
        let get = |f: &str| {
            o.fields
                .iter()
                .find(|(g, _)| g == f)
                .map(|(_, w)| w.as_str())
        };
        if let Some((i, w)) = near_miss(l.pairs, get) {
            return Some((i, w, "which this blueprint creates".to_string()));
        }
    }
    let index = index?;
    for (i, (f, v)) in l.pairs.iter().enumerate() {
        // About 140 strings per character of `v`, each as long as `v`, each looked up.
        let n = v.chars().count() as u64 + 1;
        if !ctx.suggestions.spend(n * n * 140) {
            return None;
        }
        for w in one_edit_variants(v) {
            let mut pairs = l.pairs.to_vec();
            pairs[i] = (f.clone(), w.clone());
            if let Some(c) = index
                .creators(l.models, &pairs)
                .into_iter()
                .find(|c| Some(*c) != me)
            {
                return Some((i, w, format!("which `{}` creates", index.file(c).file)));
            }
        }
    }
    None
}

/// Insert `entry` (a block-style list item, unindented) before the blueprint's first
/// entry, at that entry's indentation; `None` for the map form of `entries` or a flow list.
fn apply_first_fix(ctx: &Ctx, entry: &str) -> Option<Fix> {
    let first = ctx.bp.entries.first().filter(|e| e.section.is_none())?;
    let text = &ctx.doc.source.text;
    let start = first.node.span.start as usize;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..start];
    let dash = prefix.find('-')?;
    // Only `  - key: ...` on the entry's first line: the dash and spaces, nothing else.
    if !prefix[..dash].chars().all(|c| c == ' ') || !prefix[dash + 1..].chars().all(|c| c == ' ') {
        return None;
    }
    let indent = " ".repeat(dash);
    let block: String = entry.lines().map(|l| format!("{indent}{l}\n")).collect();
    Some(Fix::new(
        "apply the blueprint that creates the object first",
        // authentik now also fails this blueprint when the other one is missing.
        Safety::Unsafe,
        vec![Edit::insert(line_start, block)],
    ))
}

/// Decide what a lookup no default object answers finds: an object of this blueprint
/// (earlier: fine; later: AKB311), of another blueprint of the run (that this one applies
/// first: fine; otherwise AKB310), a near miss (AKB312), or nothing (AKB304).
fn judge(ctx: &Ctx, sink: &mut Sink, l: &Unresolved, here: &Here) {
    if here.found_by(l).any(|o| o.entry < l.entry) {
        return;
    }
    if let Some(later) = here.found_by(l).find(|o| o.entry > l.entry) {
        sink.push(
            &FIND_BEFORE_CREATED,
            l.node.span,
            format!(
                "{}, and `{}` with {} is created by entry {} of this blueprint, after this one: authentik applies entries in order, so `!Find` returns null on the first apply",
                l.why,
                l.model_name,
                l.what(),
                later.entry + 1
            ),
        )
        .help(format!(
            "move entry {} (`{}`) before entry {}, or reference it with `!KeyOf`",
            later.entry + 1,
            later.label(),
            l.entry + 1
        ));
        return;
    }
    let cross = &ctx.options.crossfile;
    // Only a lookup nothing here answers needs the other blueprints: asking builds the
    // run's index (once), and this file is checked again with it.
    let index = match cross.scope() {
        Scope::Alone => None,
        _ => match cross.index() {
            Some(i) => Some(i),
            None => return,
        },
    };
    let me = index.and_then(|i| i.id_of(&ctx.doc.source.name));
    if let Some(index) = index {
        let deleters: Vec<u32> = index
            .deleters(l.models, l.pairs)
            .into_iter()
            .filter(|c| Some(*c) != me)
            .collect();
        if let Some(first) = deleters.first() {
            sink.push(
                &super::absent::FIND_DELETED,
                l.node.span,
                format!(
                    "{}, and `{}` deletes `{}` with {} (`state: absent`): whichever blueprint authentik applies last wins, and after the deletion `!Find` returns null",
                    l.why,
                    index.file(*first).file,
                    l.model_name,
                    l.what()
                ),
            )
            .help("keep the object (remove the `absent` entry there), or look up one that no blueprint deletes");
            return;
        }
        let creators: Vec<u32> = index
            .creators(l.models, l.pairs)
            .into_iter()
            .filter(|c| Some(*c) != me)
            .collect();
        if !creators.is_empty() {
            let depends = &here.objects.depends;
            if creators.iter().any(|c| index.reaches(depends, *c)) {
                return;
            }
            let first = index.file(creators[0]);
            let others = match creators.len() {
                1 => String::new(),
                n => format!(
                    " (and {} other blueprint{})",
                    n - 1,
                    if n > 2 { "s" } else { "" }
                ),
            };
            let f = sink.push(
                &FIND_ORDER,
                l.node.span,
                format!(
                    "`{}` with {} is created by `{}`{others}, which this blueprint does not apply first: authentik applies blueprints in no guaranteed order, so `!Find` may run before it exists and return null",
                    l.model_name,
                    l.what(),
                    first.file
                ),
            )
            .help(format!(
                "make this blueprint depend on it: add as its first entry\n{}",
                first.apply_entry()
            ));
            if let Some(fix) = apply_first_fix(ctx, &first.apply_entry()) {
                f.fix(fix);
            }
            return;
        }
    }
    if let Some((i, w, whence)) = typo(ctx, l, here, index, me) {
        let (f, v) = &l.pairs[i];
        sink.push(
            &FIND_TYPO,
            l.node.span,
            format!(
                "{}, and nothing has `{}` with {f} = {v}; `{w}` is one edit away, {whence}: `!Find` returns null",
                l.why, l.model_name
            ),
        )
        .help(format!("did you mean `{w}`?"));
        return;
    }
    let nowhere = if index.is_some() {
        ", nor does any blueprint checked create it"
    } else {
        ""
    };
    let f = sink.push(&FIND_MAY_BE_NULL, l.node.span, format!("{}, but no default object `{}` with {} exists on every install{nowhere}; `!Find` may return null", l.why, l.model_name, l.what()));
    // Values of the same field only (a slug for a slug, not some label).
    let k = knowledge();
    let first_field = l.pairs.first().map(|(f, _)| f.as_str()).unwrap_or_default();
    let defaults: Vec<String> = k
        .default_objects(ctx.target)
        .filter(|o| l.is_model(&o.model))
        .filter_map(|o| o.lookups.get(first_field).cloned())
        .collect();
    match l.pairs.first().and_then(|(_, v)| ctx.suggestions.did_you_mean(v, defaults.iter().map(String::as_str))) {
        Some(s) => f.help(format!("did you mean `{s}`, which every install has?")),
        None if index.is_some() => f.help("create the object earlier in this blueprint (and use `!KeyOf`), in a blueprint this one applies first, or make sure it exists before applying"),
        None => f.help("create the object earlier in this blueprint (and use `!KeyOf`), or make sure it exists before applying; checked with the folder holding your other blueprints, akbp also finds the objects they create"),
    };
}

pub const FIND_TARGET: Rule = Rule {
    code: "AKB305",
    name: "find-target",
    severity: Severity::Error,
    summary: "A `!Find` names a model that does not exist at the target, or filters on a field the model does not have.",
    doc: "## What it does\nChecks the model of every `!Find`/`!FindObject` against the models Django's `apps.get_model` resolves at the target release (every concrete model of authentik's apps, including multi-table parents such as `authentik_policies.policy`, `authentik_core.provider` or `authentik_flows.stage`, which are never blueprint entries), and each `[field, value]` condition's field (before any `__` lookup suffix) against what a Django filter accepts on that model: its own and inherited fields, `<fk>_id`, `pk`, `<parent>_ptr` and reverse relations. Models of third-party apps (`auth`, `guardian`...) are not judged. Hints come from authentik's renames first, and only name models of the same app.\n\n## Why\n`Find` resolves `apps.get_model(app, model)` and filters with `Q(**{field: value})` (authentik 2026.2.2, blueprints/v1/common.py; models from models.py at each release tag; from source, not lab-verified). An unknown model fails the entry; an unknown field raises a Django FieldError that aborts the whole apply.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs:\n      name: Wiki\n      provider: !Find [authentik_providers_oauth2.oauth2providers, [nmae, wiki]]\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs:\n      name: Wiki\n      provider: !Find [authentik_providers_oauth2.oauth2provider, [name, wiki]]\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_find_target),
};

fn check_find_target(ctx: &Ctx, sink: &mut Sink) {
    let k = knowledge();
    for t in &ctx.bp.tags {
        let Some(Tag::Find {
            model, conditions, ..
        }) = t.ok()
        else {
            continue;
        };
        let Some(name) = model.as_str() else { continue };
        let key = name.to_ascii_lowercase();
        // Django's apps.get_model reaches every concrete model, entry or not (see lookups.json);
        // the entry knowledge covers models newer than the lookup data (2026.5+).
        let found = k.find_model(&key, ctx.target);
        let entry = match k.model(&key, ctx.target) {
            ModelLookup::Known(m) => Some(m),
            _ => None,
        };
        if found.is_none() && entry.is_none() {
            report_unknown_find_model(ctx, sink, model, name, &key);
            continue;
        }
        let carried = k.lookups().is_carried_forward(ctx.target);
        for (f, _) in conditions {
            let Some(field) = f.as_str() else { continue };
            let base = field.split("__").next().unwrap_or(field);
            let by_lookup = found.is_some_and(|m| m.has_filter(base));
            // Serializer fields count only where the model data is not exact: a model without
            // lookup data, or a release whose lookup data is carried forward.
            let by_entry = entry.is_some_and(|m| {
                (found.is_none() || carried)
                    && (!m.fields_known() || !matches!(m.field(base), FieldLookup::Unknown))
            });
            if by_lookup || by_entry || (found.is_none() && base == "pk") {
                continue;
            }
            let fnd = sink.push(
                &FIND_TARGET,
                f.span,
                format!("`{base}` is not a field of `{key}`; the lookup raises an error"),
            );
            let names: Vec<&str> = match (found, entry) {
                (Some(m), _) => m.field_names(),
                (None, Some(m)) => m.field_names(),
                (None, None) => Vec::new(),
            };
            match rename_hint_field(&key, base, ctx.target) {
                Some(h) => fnd.help(h),
                None => match ctx.suggestions.did_you_mean(base, names.iter().copied()) {
                    Some(s) => fnd.help(format!("did you mean `{s}`?")),
                    None => fnd.help(format!("filter on one of: {}", names.join(", "))),
                },
            };
        }
    }
}

fn report_unknown_find_model(ctx: &Ctx, sink: &mut Sink, model: &Node, name: &str, key: &str) {
    let k = knowledge();
    let app = key.split('.').next().unwrap_or("");
    // Third-party apps (django.contrib.auth, guardian, ...) resolve too; akbp has no list of
    // their models, so it does not judge them.
    if !app.starts_with("authentik") {
        return;
    }
    let other_release = k
        .lookups()
        .history(key)
        .map(|m| (m.since(), m.until()))
        .or_else(|| k.model_history(key).map(|m| (m.since(), m.until())));
    if let Some((since, until)) = other_release {
        let msg = match until {
            Some(u) if ctx.target >= u => {
                format!("`!Find` model `{name}` was removed in authentik {u}")
            }
            _ => format!(
                "`!Find` model `{name}` exists from authentik {since} (target {})",
                ctx.target
            ),
        };
        let f = sink.push(&FIND_TARGET, model.span, msg);
        match rename_hint_model(key, ctx.target) {
            Some(h) => f.help(h),
            None => f.help("use a model of the target release"),
        };
        return;
    }
    let f = sink.push(
        &FIND_TARGET,
        model.span,
        format!(
            "`!Find` model `{name}` is not a model of authentik {}",
            ctx.target
        ),
    );
    if let Some(h) = rename_hint_model(key, ctx.target) {
        f.help(h);
        return;
    }
    // Within a known app only that app's models are likely typos; across apps the closest
    // name is usually unrelated.
    let names = k.lookups().names(ctx.target);
    let app_known = names.iter().any(|n| n.split('.').next() == Some(app));
    let candidates = names
        .iter()
        .copied()
        .filter(|n| !app_known || n.split('.').next() == Some(app));
    match ctx.suggestions.did_you_mean(key, candidates) {
        Some(s) => f.help(format!("did you mean `{s}`?")),
        None => f.help("write the model as `app_label.model_name`"),
    };
}

#[cfg(test)]
mod one_edit_tests {
    use super::one_edit;
    use proptest::prelude::*;

    /// The decision as it was made on vectors of characters, before it stopped
    /// allocating.
    fn reference(a: &str, b: &str) -> bool {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        if a == b || a.len().abs_diff(b.len()) > 1 {
            return false;
        }
        let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let suf = a[pre..]
            .iter()
            .rev()
            .zip(b[pre..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        let (ra, rb) = (a.len() - pre - suf, b.len() - pre - suf);
        match (ra, rb) {
            (0, 1) | (1, 0) | (1, 1) => true,
            (2, 2) => a[pre] == b[pre + 1] && a[pre + 1] == b[pre],
            _ => false,
        }
    }

    proptest! {
        /// Over a small alphabet with multi-byte characters (so edits are common and
        /// byte and character lengths differ), and over one-edit variants of a word.
        #[test]
        fn one_edit_decides_as_the_character_vectors_did(
            a in "[abé€😀]{0,6}",
            b in "[abé€😀]{0,6}",
            at in 0usize..7,
            c in "[abé€😀]",
        ) {
            prop_assert_eq!(one_edit(&a, &b), reference(&a, &b), "{:?} {:?}", a, b);
            let chars: Vec<char> = a.chars().collect();
            let at = at.min(chars.len());
            let mut inserted = chars.clone();
            inserted.insert(at, c.chars().next().unwrap());
            let inserted: String = inserted.into_iter().collect();
            prop_assert_eq!(one_edit(&a, &inserted), reference(&a, &inserted));
            if at + 1 < chars.len() {
                let mut swapped = chars.clone();
                swapped.swap(at, at + 1);
                let swapped: String = swapped.into_iter().collect();
                prop_assert_eq!(one_edit(&a, &swapped), reference(&a, &swapped));
            }
        }
    }
}
