//! Criterion benchmarks of the core live in `benches/core.rs`; run them with
//! `cargo bench -p smilepayz-benches`.
