// ES module declarations of `smilepayz/fastify`, as fastify.mjs exports it: the names of the
// CommonJS module, and no default export (fastify.mjs has none).
export * from './fastify.js';
