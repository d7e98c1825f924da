//! A blueprint JSON schema the caller gives (the command line: `--schema FILE`), for
//! models whose fields akbp does not know. The core only asks through [`ExternalSchema`];
//! the caller validates (the command line with `jsonschema`), so the core needs no
//! schema validator.

use crate::load::{Node, Span};

/// One schema error mapped back onto the document.
#[derive(Debug, Clone)]
pub struct SchemaViolation {
    pub span: Span,
    pub message: String,
}

/// What the rules ask of a published blueprint schema.
pub trait ExternalSchema: std::fmt::Debug + Send + Sync {
    /// Where it came from, shown in findings (`from schema.json`).
    fn path(&self) -> &str;
    /// Whether the schema describes `model` (any case).
    fn has_model(&self, model: &str) -> bool;
    /// An entry's attrs checked against the model's schema, with authentik's leniency.
    fn check_attrs(&self, model: &str, attrs: &Node) -> Vec<SchemaViolation>;
}
