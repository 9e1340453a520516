// ES module entry for smilepayz/express: the CommonJS module's names.
export * from './express.js';
