// ES module entry for smilepayz/fastify: the CommonJS module's names.
export * from './fastify.js';
