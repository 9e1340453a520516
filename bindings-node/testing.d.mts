// ES module declarations of `smilepayz/testing`, as testing.mjs exports it: the names of the
// CommonJS module, and no default export (testing.mjs has none).
export * from './testing.js';
