//! Why a knowledge file could not be read.

/// Why a knowledge file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    /// Not JSON, or not the expected shape.
    #[error("model knowledge is not valid JSON of the expected shape: {0}")]
    Json(#[from] serde_json::Error),
    /// A release line that `Target` does not know.
    #[error("model knowledge names an unknown release line `{0}`")]
    Release(String),
    /// Anything else that does not fit (unknown enum name, bad type, ...).
    #[error("model knowledge is inconsistent: {0}")]
    Invalid(String),
}
