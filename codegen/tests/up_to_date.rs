//! The committed typings are what the generator writes from the core today.

#[test]
fn the_committed_typings_are_generated_from_the_core() {
    let root = smilepayz_codegen::workspace_root();
    let outputs = smilepayz_codegen::outputs(&root).expect("the generator runs");
    let stale: Vec<String> = outputs
        .iter()
        .filter(|(path, text)| std::fs::read_to_string(root.join(path)).ok().as_deref() != Some(text.as_str()))
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(stale.is_empty(), "stale generated files (run `cargo run -p smilepayz-codegen`): {stale:?}");
}
