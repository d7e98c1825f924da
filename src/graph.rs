//! `akbp graph PATHS`: the blueprints of a repository as authentik loads them, drawn as
//! Mermaid or Graphviz DOT. Nodes are the blueprints, the blueprints they apply first
//! (`metaapplyblueprint`), and the objects one blueprint creates that another looks up;
//! edges say which blueprint applies, creates and finds what. Three things are
//! highlighted: cycles of `metaapplyblueprint` (authentik never finishes them), races (a
//! lookup of another blueprint's object without applying that blueprint first: authentik
//! applies blueprints in no guaranteed order) and missing objects (a lookup nothing in the
//! repository creates and no install has).

use std::collections::HashSet;
use std::path::PathBuf;

use akbp_core::blueprint::objects::{objects, Dependency, Objects};
use akbp_core::blueprint::Blueprint;
use akbp_core::check::crossfile::instance_paths;
use akbp_core::check::rules::lookups::models_found_by;
use akbp_core::model::blueprints::shipped_blueprints;
use akbp_core::model::knowledge;
use akbp_core::target::Target;

use crate::input::{Input, Selection, SkipTally};
use crate::read::{self, Fs};

/// One blueprint of the repository.
#[derive(Debug, Clone)]
pub struct Member {
    /// The file as given (how `validate` names it).
    pub file: String,
    /// `metadata.name`, or the path when there is none.
    pub name: Option<String>,
    /// Its paths relative to the blueprints roots.
    pub paths: Vec<String>,
    pub objects: Objects,
}

/// What a node of the picture is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A blueprint of the repository (index into `members`).
    Blueprint(usize),
    /// A blueprint authentik ships, applied first by one of the repository's.
    Shipped(String),
    /// A `metaapplyblueprint` naming a blueprint that exists nowhere.
    MissingBlueprint(String),
    /// An object a blueprint creates that another looks up: (creator, its label).
    Object(usize, String),
    /// A lookup nothing creates and no install has.
    MissingObject(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeKind {
    /// `from` applies `to` first; `cycle` when `to` also applies `from`, directly or not.
    Applies { cycle: bool },
    /// `from` creates the object `to`.
    Creates,
    /// `from` looks the object `to` up; `race` when `from` does not apply its creator first.
    Finds { race: bool },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
}

/// The picture: nodes and edges, in a stable order.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub members: Vec<Member>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Graph {
    fn node(&mut self, n: Node) -> usize {
        match self.nodes.iter().position(|m| *m == n) {
            Some(i) => i,
            None => {
                self.nodes.push(n);
                self.nodes.len() - 1
            }
        }
    }

    fn edge(&mut self, from: usize, to: usize, kind: EdgeKind) {
        let e = Edge { from, to, kind };
        if !self.edges.contains(&e) {
            self.edges.push(e);
        }
    }

    pub fn races(&self) -> usize {
        self.edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Finds { race: true })
            .count()
    }

    pub fn cycles(&self) -> usize {
        self.edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Applies { cycle: true })
            .count()
    }

    pub fn missing(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| matches!(n, Node::MissingObject(_) | Node::MissingBlueprint(_)))
            .count()
    }
}

/// The members a dependency names (by name, path or both).
fn named(members: &[Member], d: &Dependency) -> Vec<usize> {
    members
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            d.name.as_ref().is_none_or(|n| m.name.as_ref() == Some(n))
                && d.path.as_ref().is_none_or(|p| m.paths.contains(p))
        })
        .map(|(i, _)| i)
        .collect()
}

/// Whether member `from` applies member `to` first, directly or through others.
fn reaches(deps: &[Vec<usize>], from: usize, to: usize) -> bool {
    let mut seen = HashSet::new();
    let mut todo = deps[from].clone();
    while let Some(i) = todo.pop() {
        if i == to {
            return true;
        }
        if seen.insert(i) {
            todo.extend(deps[i].iter().copied());
        }
    }
    false
}

/// Build the picture of `members` at `target`.
pub fn build(members: Vec<Member>, target: Target) -> Graph {
    let mut g = Graph::default();
    let deps: Vec<Vec<usize>> = members
        .iter()
        .map(|m| {
            m.objects
                .depends
                .iter()
                .flat_map(|d| named(&members, d))
                .collect()
        })
        .collect();
    for i in 0..members.len() {
        g.node(Node::Blueprint(i));
    }
    for (i, m) in members.iter().enumerate() {
        for d in &m.objects.depends {
            let local = named(&members, d);
            if !local.is_empty() {
                for j in local {
                    let cycle = reaches(&deps, j, i);
                    g.edge(i, j, EdgeKind::Applies { cycle });
                }
                continue;
            }
            let shipped = shipped_blueprints().find(target, d.name.as_deref(), d.path.as_deref());
            let label = d
                .name
                .clone()
                .or_else(|| d.path.clone())
                .unwrap_or_default();
            let to = match shipped {
                Some(b) if b.instantiated => g.node(Node::Shipped(b.name.clone())),
                _ => g.node(Node::MissingBlueprint(label)),
            };
            g.edge(i, to, EdgeKind::Applies { cycle: false });
        }
    }
    let k = knowledge();
    for (i, m) in members.iter().enumerate() {
        for l in &m.objects.lookups {
            let pairs: Vec<(&str, &str)> = l
                .pairs
                .iter()
                .map(|(f, v)| (f.as_str(), v.as_str()))
                .collect();
            let models = models_found_by(&l.model, target);
            if models
                .iter()
                .any(|md| k.is_default_object(md, &pairs, target))
            {
                continue;
            }
            let creates = |c: &Member| {
                c.objects
                    .created
                    .iter()
                    .find(|o| !o.absent && models.contains(&o.model) && o.matches(&l.pairs))
                    .cloned()
            };
            if creates(m).is_some() {
                continue;
            }
            let creators: Vec<(usize, String)> = members
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .filter_map(|(j, c)| creates(c).map(|o| (j, o.label())))
                .collect();
            if creators.is_empty() {
                let what: Vec<String> = l.pairs.iter().map(|(f, v)| format!("{f} = {v}")).collect();
                let to = g.node(Node::MissingObject(format!(
                    "{} {}",
                    l.model,
                    what.join(", ")
                )));
                g.edge(i, to, EdgeKind::Finds { race: false });
                continue;
            }
            let race = !creators.iter().any(|(j, _)| reaches(&deps, i, *j));
            for (j, label) in creators {
                let to = g.node(Node::Object(j, label));
                g.edge(j, to, EdgeKind::Creates);
                g.edge(i, to, EdgeKind::Finds { race });
            }
        }
    }
    g.members = members;
    g
}

/// Read the blueprints under `paths` (folders are blueprints roots, as for `validate`).
pub fn read(paths: &[PathBuf], selection: &Selection, fs: &dyn Fs) -> Result<Vec<Member>, String> {
    let roots: Vec<PathBuf> = paths.iter().filter(|p| p.is_dir()).cloned().collect();
    let mut walk = crate::input::inputs(paths, selection).map_err(|e| e.to_string())?;
    let mut skipped = SkipTally::new(false);
    let mut out = Vec::new();
    loop {
        let chunk = walk.next_chunk(256, &mut skipped);
        if chunk.is_empty() {
            return Ok(out);
        }
        for input in &chunk {
            out.extend(members_of(input, &roots, fs));
        }
    }
}

fn members_of(input: &Input, roots: &[PathBuf], fs: &dyn Fs) -> Vec<Member> {
    let Input::File { path, .. } = input else {
        return Vec::new();
    };
    let Ok(source) = read::read_source(fs, path, input.name()) else {
        return Vec::new();
    };
    let akbp_core::wrapper::FileContents::Documents { docs, alone } =
        akbp_core::wrapper::read_file(&source)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for found in docs
        .into_iter()
        .flat_map(|d| akbp_core::wrapper::classify(d, alone))
    {
        let (docs, paths) = match found {
            akbp_core::wrapper::Found::Blueprint(doc) => {
                (vec![doc], instance_paths(path, roots).unwrap_or_default())
            }
            akbp_core::wrapper::Found::Wrapper { trees, texts, .. } => {
                let parsed = texts.into_iter().filter_map(|t| t.parsed.ok());
                (trees.into_iter().chain(parsed).collect(), Vec::new())
            }
            _ => continue,
        };
        for doc in docs {
            let name = doc
                .root
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(|n| n.as_str())
                .map(str::to_string)
                .or_else(|| paths.first().cloned());
            out.push(Member {
                file: input.name().to_string(),
                name,
                paths: paths.clone(),
                objects: objects(&Blueprint::new(&doc)),
            });
        }
    }
    out
}

/// Text safe inside a quoted label of either format.
fn label_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' => '\'',
            '<' | '>' | '{' | '}' | '[' | ']' | '|' | '\\' | '`' | '#' | ';' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// A node's label, one escaped line per item, joined with `sep`.
fn node_label(g: &Graph, n: &Node, sep: &str) -> String {
    let lines: Vec<String> = match n {
        Node::Blueprint(i) => {
            let m = &g.members[*i];
            let shown = m.paths.first().unwrap_or(&m.file).clone();
            match &m.name {
                Some(name) if *name != shown => vec![shown, name.clone()],
                _ => vec![shown],
            }
        }
        Node::Shipped(name) => vec![name.clone(), "(shipped with authentik)".into()],
        Node::MissingBlueprint(name) => vec![name.clone(), "(no such blueprint)".into()],
        Node::Object(_, label) => vec![label.clone()],
        Node::MissingObject(what) => vec![what.clone(), "(nothing creates it)".into()],
    };
    lines
        .iter()
        .map(|l| label_text(l))
        .collect::<Vec<_>>()
        .join(sep)
}

/// Mermaid `flowchart` text (for Markdown and pull requests).
pub fn mermaid(g: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    for (i, n) in g.nodes.iter().enumerate() {
        let label = node_label(g, n, "<br/>");
        let shape = match n {
            Node::Blueprint(_) | Node::Shipped(_) | Node::MissingBlueprint(_) => {
                format!("n{i}[\"{label}\"]")
            }
            Node::Object(..) | Node::MissingObject(_) => format!("n{i}([\"{label}\"])"),
        };
        out.push_str(&format!("  {shape}\n"));
    }
    for (k, e) in g.edges.iter().enumerate() {
        let arrow = match e.kind {
            EdgeKind::Applies { cycle: false } => "==>|applies first|".to_string(),
            EdgeKind::Applies { cycle: true } => "==>|applies first: cycle|".to_string(),
            EdgeKind::Creates => "-->|creates|".to_string(),
            EdgeKind::Finds { race: false } => "-.->|finds|".to_string(),
            EdgeKind::Finds { race: true } => "-.->|finds: race|".to_string(),
        };
        out.push_str(&format!("  n{} {arrow} n{}\n", e.from, e.to));
        let bad = matches!(
            e.kind,
            EdgeKind::Applies { cycle: true } | EdgeKind::Finds { race: true }
        );
        if bad {
            out.push_str(&format!(
                "  linkStyle {k} stroke:#d62728,stroke-width:2px\n"
            ));
        }
    }
    out.push_str("  classDef shipped fill:#eeeeee,stroke:#999999\n");
    out.push_str("  classDef missing fill:#fde0e0,stroke:#d62728,color:#8b0000\n");
    out.push_str("  classDef object fill:#eef5ff,stroke:#5b8bd6\n");
    for (i, n) in g.nodes.iter().enumerate() {
        let class = match n {
            Node::Shipped(_) => "shipped",
            Node::MissingBlueprint(_) | Node::MissingObject(_) => "missing",
            Node::Object(..) => "object",
            Node::Blueprint(_) => continue,
        };
        out.push_str(&format!("  class n{i} {class}\n"));
    }
    out
}

/// Graphviz DOT text.
pub fn dot(g: &Graph) -> String {
    let mut out = String::from(
        "digraph blueprints {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    for (i, n) in g.nodes.iter().enumerate() {
        let label = node_label(g, n, "\\n");
        let style = match n {
            Node::Blueprint(_) => "shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\"",
            Node::Shipped(_) => {
                "shape=box, style=\"rounded,filled\", fillcolor=\"#eeeeee\", color=\"#999999\""
            }
            Node::MissingBlueprint(_) => {
                "shape=box, style=\"rounded,filled\", fillcolor=\"#fde0e0\", color=\"#d62728\""
            }
            Node::Object(..) => {
                "shape=ellipse, style=filled, fillcolor=\"#eef5ff\", color=\"#5b8bd6\""
            }
            Node::MissingObject(_) => {
                "shape=ellipse, style=filled, fillcolor=\"#fde0e0\", color=\"#d62728\""
            }
        };
        out.push_str(&format!("  n{i} [label=\"{label}\", {style}];\n"));
    }
    for e in &g.edges {
        let attrs = match e.kind {
            EdgeKind::Applies { cycle: false } => "label=\"applies first\", penwidth=2",
            EdgeKind::Applies { cycle: true } => {
                "label=\"applies first: cycle\", penwidth=2, color=\"#d62728\", fontcolor=\"#d62728\""
            }
            EdgeKind::Creates => "label=\"creates\"",
            EdgeKind::Finds { race: false } => "label=\"finds\", style=dashed",
            EdgeKind::Finds { race: true } => {
                "label=\"finds: race\", style=dashed, color=\"#d62728\", fontcolor=\"#d62728\", penwidth=2"
            }
        };
        out.push_str(&format!("  n{} -> n{} [{attrs}];\n", e.from, e.to));
    }
    out.push_str("}\n");
    out
}

/// Render DOT text to SVG with Graphviz's `dot`, or say why not.
pub fn svg(dot_text: &str) -> Result<String, String> {
    use std::io::Write;
    let mut child = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "--format svg needs Graphviz's `dot` on the PATH (e.g. `apt-get install graphviz`); `--format dot` writes the same picture for rendering elsewhere".to_string(),
            _ => format!("cannot run Graphviz's `dot`: {e}"),
        })?;
    let mut stdin = child.stdin.take().ok_or("cannot write to `dot`")?;
    let text = dot_text.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("`dot` failed: {e}"))?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(format!(
            "`dot` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| "`dot` wrote something that is not UTF-8".into())
}

/// The one-line summary `graph` writes to standard error.
pub fn summary(g: &Graph) -> String {
    format!(
        "{} blueprints, {} cycles, {} races, {} missing",
        g.members.len(),
        g.cycles(),
        g.races(),
        g.missing()
    )
}
