'use strict';
// Shared by the Node tests: the vectors of tests/vectors, requests for each region, checks
// that no secret leaks, a mock gateway for a whole file, and the error a call gives.

const fs = require('node:fs');
const path = require('node:path');
const test = require('node:test');
const assert = require('node:assert/strict');

const VECTORS = path.join(__dirname, '..', 'vectors');
const load = (name) => JSON.parse(fs.readFileSync(path.join(VECTORS, name), 'utf8'));
const keys = load('keys.json');

/** Resolves a key spec of bad-inputs.json: text, or `{ fromKeys: pointer }` into keys.json. */
function keyText(spec) {
  if (typeof spec === 'string') return spec;
  const parts = spec.fromKeys.split('/').slice(1);
  return parts.reduce((v, p) => v[p], keys);
}

/** No 16-character run of the key's base64 body appears in `message`. */
function assertNoKeyMaterial(message, key) {
  const body = key
    .split('\n')
    .filter((l) => !l.startsWith('-----'))
    .join('')
    .replaceAll('\\n', '')
    .replace(/\s/g, '');
  for (let i = 0; i + 16 <= body.length; i += 8) {
    const needle = body.slice(i, i + 16);
    assert.ok(!message.includes(needle), `key material in error: ${message}`);
  }
}

let counter = 0;
/** A fresh order number (letters and digits, unique in this process). */
function orderNo(prefix = 'ORD') {
  counter += 1;
  return `${prefix}${process.pid}${Date.now() % 1e8}${String(counter).padStart(4, '0')}`.slice(0, 32);
}

const golden = Object.fromEntries(load('requests.json').cases.map((c) => [c.name, c.request]));

/** The golden request `name` of requests.json under a fresh order number, without its callbackUrl. */
function goldenRequest(name, overrides = {}) {
  const { callbackUrl: _callbackUrl, ...request } = structuredClone(golden[name]);
  return { ...request, orderNo: orderNo(request.region), ...overrides };
}

/** The regions of the golden requests, and the first golden request of each. */
const firstOfRegion = {};
for (const [name, request] of Object.entries(golden)) firstOfRegion[request.region] ??= name;
const REGIONS = Object.keys(firstOfRegion);

/** A valid request for `region` (its first golden request), under a fresh order number. */
const requestFor = (region, overrides = {}) => goldenRequest(firstOfRegion[region], overrides);

/**
 * Starts a mock gateway before the file's tests and closes it after them; `ready` gets
 * `{ gw, client }`: the gateway and a client on it with a 5 s timeout.
 */
function useGateway(ready) {
  let gw;
  test.before(async () => {
    const { MockGateway } = require('smilepayz/testing'); // only for the files that use one
    gw = await MockGateway.start();
    ready({ gw, client: gw.client({ timeoutMs: 5000 }) });
  });
  test.after(async () => {
    await gw.close();
  });
}

/** The error `fn` throws; fails when it returns. */
function captureSync(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return assert.fail('expected an error');
}

/** Settles with the rejection of `promise`; fails when it resolves. */
const rejection = (promise) =>
  promise.then(
    (v) => assert.fail(`expected a rejection, got ${JSON.stringify(v)}`),
    (e) => e,
  );

module.exports = {
  load,
  keys,
  keyText,
  assertNoKeyMaterial,
  orderNo,
  goldenRequest,
  requestFor,
  REGIONS,
  useGateway,
  captureSync,
  rejection,
};
