'use strict';
// The public API of `smilepayz`: a thin layer over the private native module. The core
// (Rust) owns every rule; this file converts arguments, wraps native handles and picks
// error classes.

const { inspect } = require('node:util');
const native = require('./native.js');
const { headerPairs, bodyBytes } = require('./lib/inputs.js');
const { nativeHandle, confirmedHandles } = require('./lib/handles.js');
const { CallbackHandler } = require('./handler.js');

const { callAsync, callSync } = require('./lib/errors.js');
const { EVENT_NAMES, Observed } = require('./lib/events.js');

// A verified callback's native handle, reachable only from here: `confirmCallback`
// accepts nothing a verifier did not produce.
// (A private field of VerifiedCallback, read through `handleOf`: a brand check costs
// less than a WeakMap entry per callback.)
let handleOf;
// Marks `fromEnv`'s overrides, which the constructor hands to the native `fromEnv`.
// The headers a callback's signature check reads.
const SIGNED_HEADERS = new Set(['x-timestamp', 'x-signature']);

const fromEnvOverrides = Symbol('smilepayz.fromEnv');

/** True once an order with this status can no longer change (the core decides). */
function isFinal(status) {
  return typeof status === 'string' && native.isFinal(status);
}

/** The body a callback handler answers with (HTTP 200) once it has processed it. */
const ACKNOWLEDGEMENT = native.callbackAcknowledgement();

/** The pay-out client. */
class Client extends Observed {
  #native;

  constructor(options) {
    super();
    const sink = Observed.sinkOf(this);
    if (typeof options === 'object' && options !== null && fromEnvOverrides in options) {
      this.#native = callSync(() => native.NativeClient.fromEnv(options[fromEnvOverrides], sink));
    } else {
      this.#native = callSync(() => new native.NativeClient(options ?? {}, sink));
    }
  }

  [nativeHandle]() {
    return this.#native;
  }

  /** A client from `SMILEPAYZ_*` environment variables, then `overrides`. */
  static fromEnv(overrides) {
    return new Client({ [fromEnvOverrides]: overrides ?? null });
  }

  get merchantId() {
    return this.#native.merchantId;
  }

  get baseUrl() {
    return this.#native.baseUrl;
  }

  // Every call takes `options` last: `{ timeoutMs, signal }`. `timeoutMs` is checked by
  // the core; `signal` (an AbortSignal) flips a core cancel token, and the core decides
  // what stopping means: AbortedError when nothing can have left, OutcomeUnknownError
  // (reason 'aborted') for a pay-out already on its way.
  #call(options, run) {
    const signal = options?.signal;
    if (signal === undefined || signal === null) return callAsync(() => run(this.#native, options));
    const { signal: _signal, ...settings } = options;
    if (typeof signal.addEventListener !== 'function' || typeof signal.aborted !== 'boolean') {
      return Promise.reject(new TypeError('options.signal must be an AbortSignal'));
    }
    const token = new native.NativeCancelToken();
    const stop = () => token.cancel();
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    return callAsync(() => run(this.#native.withCancel(token), settings)).finally(() =>
      signal.removeEventListener('abort', stop),
    );
  }

  payout(request, options) {
    return this.#call(options, (n, o) => n.payout(request, o));
  }

  inquireStatus(query, options) {
    return this.#call(options, (n, o) => n.inquireStatus(query?.orderNo ?? null, query?.tradeNo ?? null, o));
  }

  inquireBalance(accountNo, options) {
    return this.#call(options, (n, o) => n.inquireBalance(accountNo, o));
  }

  reconcilePayout(orderNo, options) {
    return this.#call(options, (n, o) => n.reconcilePayout(orderNo, o));
  }

  confirmCallback(callback, options) {
    return this.#call(options, (n, o) => {
      const handle = handleOf(callback);
      if (!handle) {
        throw new TypeError('confirmCallback takes the VerifiedCallback returned by verifyCallback or CallbackVerifier');
      }
      return n.confirmCallback(handle, o).then((native) => {
        const confirmed = JSON.parse(native.fieldsJson());
        confirmedHandles.set(confirmed, native);
        return confirmed;
      });
    });
  }

  [inspect.custom]() {
    return `Client { merchantId: ${inspect(this.merchantId)}, baseUrl: ${inspect(this.baseUrl)} }`;
  }

  toJSON() {
    return { merchantId: this.merchantId, baseUrl: this.baseUrl };
  }
}

/**
 * Signs requests with the merchant key, parsed once: `X-SIGNATURE` (base64 RSA-SHA256)
 * over `timestamp|merchantSecret|body`. The client signs for you; this is for checking
 * a signature or calling an endpoint the client does not cover.
 */
class RequestSigner {
  #native;

  constructor(privateKey) {
    if (typeof privateKey !== 'string') throw new TypeError('RequestSigner takes the private key text (PEM or base64 DER)');
    this.#native = callSync(() => new native.NativeRequestSigner(privateKey));
  }

  /** Modulus size in bits. */
  get bits() {
    return this.#native.bits;
  }

  /** `body` is the exact bytes sent: a string (UTF-8), Buffer or Uint8Array. */
  sign(timestamp, merchantSecret, body) {
    return this.#native.sign(timestamp, merchantSecret, body);
  }

  [inspect.custom]() {
    return `RequestSigner { RSA-${this.bits} }`;
  }

  toJSON() {
    return { bits: this.bits };
  }
}

/** A callback whose signature verified. Its status and money are claims until confirmed. */
class VerifiedCallback {
  #handle;
  #signedHeaders;

  static {
    handleOf = (callback) => (typeof callback === 'object' && callback !== null && #handle in callback ? callback.#handle : undefined);
  }

  constructor(handle, pairs = []) {
    if (!(handle instanceof native.NativeVerifiedCallback)) {
      throw new TypeError('a VerifiedCallback comes only from verifyCallback or CallbackVerifier.verify');
    }
    Object.assign(this, JSON.parse(handle.fieldsJson()));
    this.raw = handle.rawText();
    this.#handle = handle;
    // Only what the signature check reads travels to a queue (no cookies, no auth).
    this.#signedHeaders = pairs.filter(([name]) => SIGNED_HEADERS.has(name.toLowerCase()));
    Object.freeze(this);
  }

  /**
   * What a queue carries: the signed headers and the raw body, so that a worker can
   * verify it again with `CallbackVerifier.fromJSON` (it trusts nothing it reads back).
   */
  toJSON() {
    return { headers: this.#signedHeaders.map((pair) => [...pair]), body: this.raw };
  }
}

/** Verifies callbacks; build once (keys load once), use for every callback. */
class CallbackVerifier extends Observed {
  #native;

  constructor(options = {}) {
    super();
    // Passed on whole (the addon refuses unknown keys); only `now` is converted here.
    const now = options?.now === undefined ? undefined : new Date(options.now).getTime();
    const settings = options?.now === undefined ? options : { ...options, now };
    this.#native = callSync(() => new native.NativeVerifier(settings, Observed.sinkOf(this)));
  }

  [nativeHandle]() {
    return this.#native;
  }

  verify({ headers, body }) {
    const pairs = headerPairs(headers);
    const bytes = bodyBytes(body);
    return new VerifiedCallback(callSync(() => this.#native.verify(pairs, bytes)), pairs);
  }

  /**
   * Verifies again what `VerifiedCallback.toJSON()` wrote (the object or its JSON text),
   * e.g. in a queue worker: the signature is checked anew, never trusted.
   */
  fromJSON(json) {
    const value = typeof json === 'string' ? JSON.parse(json) : json;
    if (!value || !Array.isArray(value.headers) || typeof value.body !== 'string') {
      throw new TypeError('fromJSON takes what VerifiedCallback.toJSON() wrote: { headers: [[name, value], ...], body }');
    }
    return this.verify({ headers: value.headers, body: value.body });
  }

  [inspect.custom]() {
    return `CallbackVerifier { ${this.#native.describe()} }`;
  }
}

/** Verifies one callback; see `CallbackVerifier` to reuse loaded keys. */
function verifyCallback({ headers, body, ...options }) {
  return new CallbackVerifier(options).verify({ headers, body });
}

const { Batch } = require('./lib/batch.js');

module.exports = {
  Client,
  Batch,
  CallbackVerifier,
  VerifiedCallback,
  verifyCallback,
  RequestSigner,
  isFinal,
  ACKNOWLEDGEMENT,
  CallbackHandler,
  EVENT_NAMES,
  // The error classes, one per kind of the core's errors (generated).
  ...require('./lib/error-classes.js'),
};
