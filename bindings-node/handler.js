'use strict';
// The callback handler behind the framework adapters (express.js, fastify.js, next.js).
// The core verifies, confirms and decides every answer; this file converts the request,
// calls the merchant's function once per confirmed callback and returns the answer.

const native = require('./native.js');
const { nativeHandle } = require('./lib/handles.js');
const { headerPairs, bodyBytes } = require('./lib/inputs.js');
const { callAsync, callSync } = require('./lib/errors.js');

function handleOf(value, what) {
  if (value === null || typeof value !== 'object' || typeof value[nativeHandle] !== 'function') {
    throw new TypeError(`${what} must be a smilepayz ${what === 'client' ? 'Client' : 'CallbackVerifier'}`);
  }
  return value[nativeHandle]();
}

function reportFailure(error, delivery) {
  // A failed booking must not pass silently; the callback will be sent again.
  console.error(`smilepayz: the callback function failed for ${delivery.idempotencyKey}; answered 503`, error);
}

/**
 * Verifies a callback, confirms it with the gateway, calls `onCallback(delivery)` once
 * and answers `200 SUCCESS` only after it returned (or its Promise resolved); `401` for a
 * callback that is not genuine or not about its order; `503` when it could not be
 * confirmed now or `onCallback` threw, so Smilepayz sends it again. Stateless: bookings
 * must be idempotent on `delivery.idempotencyKey` (tradeNo + booked status).
 */
class CallbackHandler {
  #native;
  #onCallback;
  #onError;

  constructor({ client, verifier, onCallback, onError = reportFailure } = {}) {
    if (typeof onCallback !== 'function') throw new TypeError('onCallback must be a function');
    if (typeof onError !== 'function') throw new TypeError('onError must be a function');
    const [c, v] = [handleOf(client, 'client'), handleOf(verifier, 'verifier')];
    this.#native = callSync(() => new native.NativeCallbackHandler(c, v));
    this.#onCallback = onCallback;
    this.#onError = onError;
  }

  /** Handles one request from its headers and raw body; resolves to `{ status, body, contentType }`. */
  async handle(headers, body) {
    const pairs = headerPairs(headers);
    const bytes = bodyBytes(body);
    const names = pairs.map(([name]) => name);
    const values = pairs.map(([, value]) => value);
    const received = await callAsync(() => this.#native.receive(names, values, bytes));
    if (!received.delivery) return received.response;
    try {
      await this.#onCallback(received.delivery);
    } catch (error) {
      this.#onError(error, received.delivery);
      return native.NativeCallbackHandler.afterBooking(false);
    }
    return native.NativeCallbackHandler.afterBooking(true);
  }

  get [Symbol.toStringTag]() {
    return 'CallbackHandler';
  }
}

module.exports = { CallbackHandler };
