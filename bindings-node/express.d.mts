// ES module declarations of `smilepayz/express`, as express.mjs exports it: the names of the
// CommonJS module, and no default export (express.mjs has none).
export * from './express.js';
