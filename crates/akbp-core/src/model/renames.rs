//! Renames authentik made (`schemas/renames.json`): models and fields whose old name a
//! blueprint may still use. Did-you-mean hints come from here before any string distance.

use serde::Deserialize;

use super::error::KnowledgeError;

/// A model authentik renamed or moved to another app.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct ModelRename {
    /// The old `app_label.model_name`.
    pub old: String,
    /// The current `app_label.model_name`.
    pub new: String,
    /// The release line that made the change (or `before 2024.10`).
    pub release: String,
    /// The migration (or note) that records it.
    pub source: String,
}

/// A field authentik renamed on a model.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct FieldRename {
    /// The model (current name).
    pub model: String,
    /// The old field name.
    pub old: String,
    /// The current field name.
    pub new: String,
    /// The release line that made the change (or `before 2024.10`).
    pub release: String,
    /// The migration that records it.
    pub source: String,
}

/// Every known rename.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Renames {
    /// Model renames.
    pub models: Vec<ModelRename>,
    /// Field renames.
    pub fields: Vec<FieldRename>,
}

impl Renames {
    /// The rename of model `old` (any case).
    pub fn model(&self, old: &str) -> Option<&ModelRename> {
        let old = old.to_ascii_lowercase();
        self.models.iter().find(|r| r.old == old)
    }

    /// The rename of field `old` on `model` (the model's current name), also when the model
    /// itself was renamed.
    pub fn field(&self, model: &str, old: &str) -> Option<&FieldRename> {
        let model = model.to_ascii_lowercase();
        let model = self
            .model(&model)
            .map_or(model.as_str(), |r| r.new.as_str())
            .to_string();
        self.fields
            .iter()
            .find(|r| r.model == model && r.old == old)
    }
}

pub(super) fn parse(json: &str) -> Result<Renames, KnowledgeError> {
    Ok(serde_json::from_str(json)?)
}
