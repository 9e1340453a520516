// ES module declarations of `smilepayz/next`, as next.mjs exports it: the names of the
// CommonJS module, and no default export (next.mjs has none).
export * from './next.js';
