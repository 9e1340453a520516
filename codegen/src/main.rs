//! `cargo run -p smilepayz-codegen`: rewrites the generated typings of both bindings.

use std::process::ExitCode;

fn main() -> ExitCode {
    let root = smilepayz_codegen::workspace_root();
    let outputs = match smilepayz_codegen::outputs(&root) {
        Ok(outputs) => outputs,
        Err(e) => {
            eprintln!("gen-types: {e}");
            return ExitCode::FAILURE;
        }
    };
    for (path, text) in outputs {
        if let Err(e) = std::fs::write(root.join(&path), text) {
            eprintln!("gen-types: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}
