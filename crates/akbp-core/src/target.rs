//! The authentik release a blueprint is meant for (`--target`).
//!
//! A target names a release line (`YYYY.M`) and means that line's latest patch, so
//! patch-level changes such as 2024.10.3 (list-form `redirect_uris`) or 2025.12.5
//! (no more auto-learned redirect URIs) count as present on their line.

use std::fmt;
use std::str::FromStr;

/// An authentik release line, ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    pub year: u16,
    pub month: u8,
}

impl Target {
    pub const fn new(year: u16, month: u8) -> Self {
        Target { year, month }
    }

    /// Every release line akbp knows, oldest first.
    pub const KNOWN: [Target; 11] = [
        Target::new(2024, 10),
        Target::new(2024, 12),
        Target::new(2025, 2),
        Target::new(2025, 4),
        Target::new(2025, 6),
        Target::new(2025, 8),
        Target::new(2025, 10),
        Target::new(2025, 12),
        Target::new(2026, 2),
        Target::new(2026, 5),
        Target::new(2026, 8),
    ];

    /// The default target: the newest supported release.
    pub const LATEST: Target = Target::new(2026, 8);

    pub fn is_known(self) -> bool {
        Self::KNOWN.contains(&self)
    }

    /// The known release lines as `2024.10, 2024.12, ...` for messages.
    pub fn known_list() -> String {
        Self::KNOWN
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether this target is at or after `other`.
    pub fn at_least(self, other: Target) -> bool {
        self >= other
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.year, self.month)
    }
}

/// Why a `--target` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("`{0}` is not a release line: write it as YYYY.M, for example 2026.8")]
    Malformed(String),
    #[error("authentik {0} is not supported: known releases are {known}", known = Target::known_list())]
    Unknown(String),
}

impl FromStr for Target {
    type Err = TargetError;

    /// Accepts `YYYY.M`, and `YYYY.M.P` for convenience (the patch is ignored: a target
    /// always means the line's latest patch).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.trim().split('.');
        let year = parts.next().and_then(|p| p.parse::<u16>().ok());
        let month = parts.next().and_then(|p| p.parse::<u8>().ok());
        let patch_ok = match parts.next() {
            None => true,
            Some(p) => !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
        };
        let (Some(year), Some(month)) = (year, month) else {
            return Err(TargetError::Malformed(s.to_string()));
        };
        if !patch_ok || parts.next().is_some() {
            return Err(TargetError::Malformed(s.to_string()));
        }
        let t = Target::new(year, month);
        if t.is_known() {
            Ok(t)
        } else {
            Err(TargetError::Unknown(s.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines_and_patches() {
        assert_eq!("2026.8".parse::<Target>(), Ok(Target::new(2026, 8)));
        assert_eq!("2024.10.5".parse::<Target>(), Ok(Target::new(2024, 10)));
        assert!(matches!(
            "2026.11".parse::<Target>(),
            Err(TargetError::Unknown(_))
        ));
        assert!(matches!(
            "2024.8".parse::<Target>(),
            Err(TargetError::Unknown(_))
        ));
        assert!(matches!(
            "latest".parse::<Target>(),
            Err(TargetError::Malformed(_))
        ));
        assert!(Target::new(2025, 12) < Target::new(2026, 2));
    }

    #[test]
    fn unknown_lists_known() {
        let e = "2027.1".parse::<Target>().unwrap_err().to_string();
        assert!(e.contains("2024.10") && e.contains("2026.8"), "{e}");
    }
}
