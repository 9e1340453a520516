//! Writes the typings of the Python and Node bindings from the Rust core's own types
//! (feature `describe` of `smilepayz`) and the error kinds of `smilepayz-interop`:
//! nothing about a request, an answer or an error is typed by hand in Python or
//! TypeScript. `cargo run -p smilepayz-codegen` rewrites the files; a test fails while
//! the committed ones differ.

mod model;
mod python;
mod typescript;

use std::path::{Path, PathBuf};

/// Every generated file: its path under the workspace root and its text.
pub fn outputs(root: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let vectors = std::fs::read_to_string(root.join("tests/vectors/requests.json"))
        .map_err(|e| format!("tests/vectors/requests.json: {e}"))?;
    let model = model::model(&vectors)?;
    let py = Path::new("bindings-python/python/smilepayz");
    Ok(vec![
        (py.join("requests.py"), python::requests(&model)),
        (py.join("models.py"), python::models(&model)),
        (py.join("errors.py"), python::errors(&model)),
        (py.join("batch_models.py"), python::batch_models(&model)),
        (PathBuf::from("bindings-node/types.d.ts"), typescript::types(&model)),
        (PathBuf::from("bindings-node/lib/error-classes.js"), typescript::error_classes_js(&model)),
    ])
}

/// The workspace root (this crate's parent folder).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
