'use strict';
// `smilepayz/testing`: the Rust mock gateway and signing helpers, for tests only.

const { inspect } = require('node:util');
const native = require('./native.js');
const { Client } = require('./index.js');
const { callAsync, callSync } = require('./lib/errors.js');
const { bodyBytes } = require('./lib/inputs.js');

const token = Symbol('smilepayz.testing');

function callbackBytes(body) {
  return typeof body === 'object' && !(body instanceof Uint8Array) ? Buffer.from(JSON.stringify(body)) : bodyBytes(body);
}

/** A Smilepayz gateway on 127.0.0.1 that checks requests as the real one does. */
class MockGateway {
  #native;

  constructor(secret, handle) {
    if (secret !== token) throw new TypeError('use `await MockGateway.start()`');
    this.#native = handle;
  }

  /** Starts a gateway on a free port with generated (or given) credentials. */
  static async start(options = {}) {
    // Passed on whole: the addon refuses unknown keys.
    const handle = await callAsync(() => native.startMockGateway(options));
    return new MockGateway(token, handle);
  }

  get baseUrl() {
    return this.#native.baseUrl;
  }
  get merchantId() {
    return this.#native.merchantId;
  }
  get merchantSecret() {
    return this.#native.merchantSecret;
  }
  get merchantPrivateKeyPem() {
    return this.#native.merchantPrivateKeyPem;
  }
  get platformPublicKey() {
    return this.#native.platformPublicKey;
  }
  /** The code the mock answers for an unknown order. */
  get orderNotFoundCode() {
    return this.#native.orderNotFoundCode;
  }

  /** Client options for this gateway (merchant id, secret, key, base URL, not-found code). */
  clientOptions(overrides = {}) {
    return {
      merchantId: this.merchantId,
      merchantSecret: this.merchantSecret,
      privateKey: this.merchantPrivateKeyPem,
      baseUrl: this.baseUrl,
      orderNotFoundCodes: [this.orderNotFoundCode],
      ...overrides,
    };
  }

  /** A client for this gateway. */
  client(overrides = {}) {
    return new Client(this.clientOptions(overrides));
  }

  /**
   * Spoils the next request to `endpoint` ('payout' | 'status' | 'balance') with `fault`.
   * After the gateway handled it (a pay-out is accepted and counted):
   * 'serverErrorAfterAccept', 'dropAfterAccept', 'malformedAfterAccept', 'delay' (with
   * `{ delayMs }`), 'redirectAfterAccept' (307, or `{ httpStatus: 308 }`) to a port where
   * nothing listens, 'truncatedAfterAccept' (fewer body bytes than Content-Length, then
   * closed), 'oversizedAfterAccept' (past the client's 1 MiB limit). Left unhandled (no
   * order): 'redirectBeforeAccept' and 'resetDuringUpload' (TCP reset once the head is
   * read). 'closeIdleKeepAlive' answers normally, then resets that kept-alive connection
   * under the client's next request, which is never read. Names and settings are read by
   * the testkit, as Python's are.
   */
  inject(endpoint, fault, options = {}) {
    callSync(() => this.#native.inject(endpoint, { ...options, fault }));
  }

  /** How many kept-alive connections 'closeIdleKeepAlive' reset under the client's next request. */
  closedKeepAliveConnections() {
    return this.#native.closedKeepAliveConnections();
  }

  /** Closes the port for `durationMs` (nothing can be sent); resolves once refused. */
  refuseConnectionsFor(durationMs) {
    return callAsync(() => this.#native.refuseConnectionsFor(durationMs));
  }

  /** Sets an order's status; delivers its callback when it has a callbackUrl. */
  settle(orderNo, status) {
    return callAsync(() => this.#native.settle(orderNo, status));
  }

  setRemark(orderNo, remark) {
    return this.#native.setRemark(orderNo, remark);
  }

  signedCallback(orderNo) {
    return this.#native.signedCallback(orderNo);
  }

  /** Signs any callback body (bytes, text or a JSON value) with this gateway's platform key. */
  signCallback(body, { timestamp } = {}) {
    return this.#native.signCallback(callbackBytes(body), timestamp);
  }

  order(orderNo) {
    return this.#native.order(orderNo);
  }

  orders() {
    return this.#native.orders();
  }

  payoutRequestsFor(orderNo) {
    return this.#native.payoutRequestsFor(orderNo);
  }

  received() {
    return callSync(() => this.#native.received());
  }

  setBalance(accountNo, { currency, balance, available }) {
    this.#native.setBalance(accountNo, currency, String(balance), String(available ?? balance));
  }

  /** Stops the server (idempotent); later calls throw. */
  close() {
    return callAsync(() => this.#native.close());
  }

  [inspect.custom]() {
    return `MockGateway { baseUrl: ${inspect(this.baseUrl)}, merchantId: ${inspect(this.merchantId)} }`;
  }
}

/** Signs a callback body as the gateway does, to test your own handler. */
function signCallback({ platformPrivateKey, body, timestamp }) {
  return callSync(() => native.signCallback(platformPrivateKey, callbackBytes(body), timestamp));
}

/** The exact body the client signs and sends for `request` (shared golden vectors). */
function preparePayoutBody(request, merchantId) {
  return callSync(() => native.preparePayoutBody(request, merchantId));
}

/** `X-SIGNATURE` over `timestamp|merchantSecret|body` (shared golden vectors). */
function signRequest({ privateKey, timestamp, merchantSecret, body }) {
  return callSync(() => native.signRequestBody(privateKey, timestamp, merchantSecret, body));
}

module.exports = { MockGateway, signCallback, preparePayoutBody, signRequest };
