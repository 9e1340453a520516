// ES module declarations of `smilepayz`, as index.mjs exports it: every name of the
// CommonJS entry, and a default export that is the CommonJS module itself.
export * from './index.js';
export { default } from './index.js';
