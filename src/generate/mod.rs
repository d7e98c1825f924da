//! `akbp generate` on this machine: the core's generation (`akbp_core::generate`, whose
//! items this module re-exports) with [`SecretMode::Random`] secrets drawn from the
//! operating system's random source, and [`write`] to put the blueprints on disk
//! atomically.

pub mod write;

pub use akbp_core::generate::*;

/// [`akbp_core::generate::generate`] with the operating system's random source. Nothing
/// is written.
pub fn generate(opts: &GenerateOptions) -> Result<Vec<Blueprint>, GenerateError> {
    akbp_core::generate::generate(opts, &mut os_random)
}

/// The operating system's random source, as the core's [`Random`].
pub fn os_random(buf: &mut [u8]) -> Result<(), String> {
    getrandom::fill(buf).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_secrets_are_alphanumeric_and_differ() {
        let a = random_secret(64, &mut os_random).unwrap();
        let b = random_secret(64, &mut os_random).unwrap();
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
