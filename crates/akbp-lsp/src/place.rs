//! What a position in a blueprint is about: an entry's model, a field of the entry's model
//! (under `identifiers` or `attrs`, down through list items and nested properties), an
//! authentik tag, or the model or a lookup field of a `!Find`. Hover and completion both
//! start here.

use akbp_core::load::{Node, Pair};

use crate::views::Step;

/// What the cursor is on.
#[derive(Debug)]
pub enum Place<'d> {
    /// The `model` key or value of an entry.
    Model {
        entry: &'d Node,
        value: Option<&'d Node>,
    },
    /// A field of the entry's model: its key or value, `nested` the keys and list items
    /// below the top field (`redirect_uris`, item, `matching_mode`).
    Field {
        entry: &'d Node,
        /// `identifiers` or `attrs`.
        section: &'d str,
        name: &'d Pair,
        nested: Vec<Nested<'d>>,
        on_key: bool,
    },
    /// The mapping of `identifiers` or `attrs` itself (a new key is being typed).
    Fields { entry: &'d Node, map: &'d Node },
    /// An entry's own mapping (a new entry key is being typed).
    Entry { entry: &'d Node },
    /// A node tagged with an authentik tag; `on_tag`: the cursor is on the tag itself.
    Tag { node: &'d Node, on_tag: bool },
    /// The model (first item) of a `!Find`/`!FindObject`.
    FindModel { find: &'d Node, value: &'d Node },
    /// A lookup field (first item of a `[FIELD, VALUE]` pair) of a `!Find`/`!FindObject`.
    FindField { find: &'d Node, value: &'d Node },
}

#[derive(Debug, Clone, Copy)]
pub enum Nested<'d> {
    Item,
    Key(&'d Pair),
}

/// The entry a path goes through, and the steps below it.
pub fn entry<'p, 'd>(path: &'p [Step<'d>]) -> Option<(&'d Node, &'p [Step<'d>])> {
    let Some(Step::Value(p)) = path.first() else {
        return None;
    };
    if p.key.key_str() != Some("entries") {
        return None;
    }
    match path.get(1)? {
        Step::Item(_, n) => Some((n, &path[2..])),
        // The map form (2025.8): sections of entry lists.
        Step::Value(_) => match path.get(2)? {
            Step::Item(_, n) => Some((n, &path[3..])),
            _ => None,
        },
        Step::Key(_) => None,
    }
}

fn is_find(node: &Node) -> bool {
    matches!(
        node.custom_tag().map(|t| t.name.as_str()),
        Some("!Find" | "!FindObject")
    )
}

/// What the deepest step of `path` is about; `at` is the cursor's offset.
pub fn place<'d>(path: &[Step<'d>], at: usize) -> Option<Place<'d>> {
    // A tag (the innermost one the cursor is on or in) first, except inside a `!Find`,
    // whose items name a model and fields.
    for (i, step) in path.iter().enumerate().rev() {
        let node = step.node();
        if let Some(tag) = node.custom_tag() {
            let on_tag = tag.span.start as usize <= at && at <= tag.span.end as usize;
            if !on_tag && is_find(node) {
                if let Some(found) = find_place(node, &path[i + 1..]) {
                    return Some(found);
                }
            }
            if on_tag || i + 1 == path.len() {
                return Some(Place::Tag { node, on_tag });
            }
        }
    }
    let (entry, rest) = entry(path)?;
    let Some(first) = rest.first() else {
        return Some(Place::Entry { entry });
    };
    let (pair, on_key) = match first {
        Step::Key(p) => (*p, true),
        Step::Value(p) => (*p, false),
        Step::Item(..) => return None,
    };
    match pair.key.key_str()? {
        "model" => Some(Place::Model {
            entry,
            value: (!on_key).then_some(&pair.value),
        }),
        section @ ("identifiers" | "attrs") if !on_key => {
            let Some(field) = rest.get(1) else {
                return Some(Place::Fields {
                    entry,
                    map: &pair.value,
                });
            };
            let (name, mut on_key) = match field {
                Step::Key(p) => (*p, true),
                Step::Value(p) => (*p, false),
                Step::Item(..) => return None,
            };
            let mut nested = Vec::new();
            for step in &rest[2..] {
                match step {
                    Step::Item(..) => nested.push(Nested::Item),
                    Step::Key(p) => {
                        nested.push(Nested::Key(p));
                        on_key = true;
                    }
                    Step::Value(p) => {
                        nested.push(Nested::Key(p));
                        on_key = false;
                    }
                }
            }
            Some(Place::Field {
                entry,
                section,
                name,
                nested,
                on_key,
            })
        }
        _ => None,
    }
}

/// Inside a `!Find [MODEL, [FIELD, VALUE], ...]`: the model or a lookup field.
fn find_place<'d>(find: &'d Node, below: &[Step<'d>]) -> Option<Place<'d>> {
    match below {
        [Step::Item(0, value), ..] => Some(Place::FindModel { find, value }),
        [Step::Item(i, _), Step::Item(0, value), ..] if *i > 0 => {
            Some(Place::FindField { find, value })
        }
        _ => None,
    }
}

/// The model a `!Find`'s first item names, when written literally.
pub fn find_model(find: &Node) -> Option<&str> {
    find.as_seq()?.first()?.as_str()
}
