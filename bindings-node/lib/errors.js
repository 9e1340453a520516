'use strict';
// The error classes, and the one function that turns a native error into one of them.
// Every field comes from `smilepayz_interop::error_fields`: none is named here.

/** Starts the message of a native error that carries core error fields as JSON. */
const MARKER = 'SMILEPAYZ_ERROR_JSON:';

class SmilepayzError extends Error {
  constructor(fields) {
    super(fields.message);
    this.name = new.target.name;
    const { message: _message, ...rest } = fields;
    Object.assign(this, rest);
  }
}
class ValidationError extends SmilepayzError {}
class ConfigError extends SmilepayzError {}
class ApiError extends SmilepayzError {}
class OutcomeUnknownError extends SmilepayzError {}
class TransportError extends SmilepayzError {}
class ProtocolError extends SmilepayzError {}
class SignatureError extends SmilepayzError {}
class CallbackMismatchError extends SmilepayzError {}
// Deliberately not a CallbackMismatchError: a handler that refuses mismatches must book
// a stale callback (at `gatewayStatus`) and acknowledge it instead.
class StaleCallbackError extends SmilepayzError {}
class InternalError extends SmilepayzError {}

// Keyed by the core's `Error::kind()`.
const BY_KIND = {
  validation: ValidationError,
  config: ConfigError,
  api: ApiError,
  outcome_unknown: OutcomeUnknownError,
  transport: TransportError,
  protocol: ProtocolError,
  signature: SignatureError,
  callback_mismatch: CallbackMismatchError,
  stale_callback: StaleCallbackError,
  internal: InternalError,
};

/** The SDK error a native error stands for; anything else is returned unchanged. */
function fromNative(error) {
  const message = error && typeof error.message === 'string' ? error.message : '';
  if (!message.startsWith(MARKER)) return error;
  const fields = JSON.parse(message.slice(MARKER.length));
  const Class = BY_KIND[fields.kind] || SmilepayzError;
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

module.exports = {
  SmilepayzError,
  ValidationError,
  ConfigError,
  ApiError,
  OutcomeUnknownError,
  TransportError,
  ProtocolError,
  SignatureError,
  CallbackMismatchError,
  StaleCallbackError,
  InternalError,
  fromNative,
  callAsync,
  callSync,
};
