// ES module entry for smilepayz/next: the CommonJS module's names.
export * from './next.js';
