//! Why a file found by a run was not checked.

/// Why a file found during a folder walk was not checked. This is the one list of
/// reasons; the summary line and the JSON summary count them in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// git ignores it (`.gitignore`, `.git/info/exclude`, the global excludes file).
    Ignored,
    /// An `--exclude` glob matches it.
    Excluded,
    /// A YAML file that is not a blueprint (e.g. a Helm values file).
    NotABlueprint,
    /// A FIFO, device or socket: never opened.
    SpecialFile,
    /// A template that becomes a blueprint only once rendered.
    Template,
    /// A symbolic link whose target lies outside the folder being walked: not followed,
    /// so a link in a pull request cannot make akbp read (and print) a file elsewhere.
    LinkOutside,
}

impl SkipReason {
    pub const ALL: [SkipReason; 6] = [
        SkipReason::Ignored,
        SkipReason::Excluded,
        SkipReason::NotABlueprint,
        SkipReason::SpecialFile,
        SkipReason::Template,
        SkipReason::LinkOutside,
    ];

    /// The words used in the summary line and by `--verbose`.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Ignored => "ignored by git",
            SkipReason::Excluded => "excluded",
            SkipReason::NotABlueprint => "not a blueprint",
            SkipReason::SpecialFile => "special file",
            SkipReason::Template => "template",
            SkipReason::LinkOutside => "link outside the folder",
        }
    }
}
