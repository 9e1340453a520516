// ES module entry: the same objects as the CommonJS entry (one native module loaded);
// Node reads the names index.js exports, the generated error classes included.
export * from './index.js';
export { default } from './index.js';
