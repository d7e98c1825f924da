//! akbp-wasm: akbp's core in the browser, for the playground (`playground/`). A thin layer
//! of wasm-bindgen exports over `akbp-core`; it reads no file and keeps no state. Each
//! export takes text and returns JSON text, which the page draws.
//!
//! ```text
//! lib.rs (exports) ──> report (validate: findings with line/column and UTF-16 offsets)
//!                  ──> catalog (integrations, generate, the application side)
//!                            └──> akbp-core (load, check, catalog, generate)
//! ```
//!
//! Built by `tools/wasm-chroot.sh` (Debian's rustc and wasm-bindgen in a forky chroot);
//! the randomness of a generated secret comes from the browser's `crypto.getRandomValues`.

pub mod catalog;
pub mod report;

use wasm_bindgen::prelude::*;

/// akbp's version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The release lines a blueprint can be checked at: `{"default": "2026.8", "targets": [...]}`,
/// newest first.
#[wasm_bindgen]
pub fn targets() -> String {
    report::targets().to_string()
}

/// Every rule of the registry with its documentation (Markdown).
#[wasm_bindgen]
pub fn rules() -> String {
    report::rules().to_string()
}

/// Check `text` as the file `filename` at `target` (`""`: the file's `# akbp: target`
/// comment, else the default). See [`report::validate`] for the shape.
#[wasm_bindgen]
pub fn validate(text: &str, target: &str, filename: &str) -> String {
    report::validate(text, target, filename).to_string()
}

/// The catalog: each integration with its methods and the parameters each method asks for.
#[wasm_bindgen]
pub fn integrations() -> String {
    catalog::integrations().to_string()
}

/// Generate one blueprint from a JSON request (see [`catalog::Request`]): `{"ok": true,
/// "filename", "blueprint", "show", "notes"}` or `{"ok": false, "error"}`.
#[wasm_bindgen]
pub fn generate(request: &str) -> String {
    catalog::generate(request, &mut browser_random).to_string()
}

#[wasm_bindgen]
extern "C" {
    /// The browser's cryptographic random source (Web Crypto).
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> Result<(), JsValue>;
}

/// The core's random source for a generated secret: Web Crypto, 64 bytes at a time
/// (its limit per call is 65,536).
fn browser_random(buf: &mut [u8]) -> Result<(), String> {
    for chunk in buf.chunks_mut(65_536) {
        get_random_values(chunk).map_err(|e| {
            format!(
                "the browser gave no random bytes (crypto.getRandomValues: {})",
                e.as_string().unwrap_or_else(|| format!("{e:?}"))
            )
        })?;
    }
    Ok(())
}
