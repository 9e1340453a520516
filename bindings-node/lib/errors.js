'use strict';
// The one function that turns a native error into one of the SDK's error classes. Every
// field comes from `smilepayz_interop::error_fields`: none is named here.

const classes = require('./error-classes.js');

/** Starts the message of a native error that carries core error fields as JSON. */
const MARKER = 'SMILEPAYZ_ERROR_JSON:';

// Keyed by the core's `Error::kind()`, which each generated class carries as `kind`.
const BY_KIND = Object.fromEntries(
  Object.values(classes)
    .filter((Class) => typeof Class.kind === 'string')
    .map((Class) => [Class.kind, Class]),
);

/** The SDK error a native error stands for; anything else is returned unchanged. */
function fromNative(error) {
  const message = error && typeof error.message === 'string' ? error.message : '';
  if (!message.startsWith(MARKER)) return error;
  const fields = JSON.parse(message.slice(MARKER.length));
  const Class = BY_KIND[fields.kind] || classes.SmilepayzError;
  return new Class(fields);
}

/** Runs `fn` (sync or async) and rethrows native errors as SDK errors. */
async function callAsync(fn) {
  try {
    return await fn();
  } catch (e) {
    throw fromNative(e);
  }
}

/** Like `callAsync`, for synchronous calls. */
function callSync(fn) {
  try {
    return fn();
  } catch (e) {
    throw fromNative(e);
  }
}

module.exports = { fromNative, callAsync, callSync };
