'use strict';
// Faults injected by name from Node: the default redirect status and the refusals of
// names and settings. What the client reports for each fault is the table of
// tests/vectors/scenarios.json (scenarios.test.js).

const test = require('node:test');
const assert = require('node:assert/strict');
const { ConfigError, OutcomeUnknownError } = require('smilepayz');
const { requestFor, useGateway } = require('./helpers.js');

let gw, client;
useGateway((started) => ({ gw, client } = started));

test('a redirect defaults to 307', async () => {
  gw.inject('payout', 'redirectAfterAccept');
  const err = await client.payout(requestFor('IDR')).then(assert.fail, (e) => e);
  assert.ok(err instanceof OutcomeUnknownError, String(err));
  assert.equal(err.httpStatus, 307);
});

test('fault names and statuses are checked; a refused fault queues nothing', async () => {
  assert.throws(() => gw.inject('payout', 'teapot'), (e) => e instanceof ConfigError && /unknown variant `teapot`/.test(e.message));
  assert.throws(() => gw.inject('payout', 'redirectAfterAccept', { httpStatus: 200 }), /3xx/);
  assert.throws(() => gw.inject('payout', 'redirectAfterAccept', { delayMs: 1 }), /only the delay fault/);
  assert.throws(() => gw.inject('payout', 'truncatedAfterAccept', { httpStatus: 307 }), /only the redirect faults/);
  assert.throws(() => gw.inject('payout', 'delayMs'), ConfigError);
  assert.throws(() => gw.inject('refund', 'dropAfterAccept'), /payout, status or balance/);
  // A delay JSON cannot hold is refused by name, never a panic of the addon.
  for (const bad of [Infinity, -Infinity, NaN, -1]) {
    assert.throws(() => gw.inject('payout', 'delay', { delayMs: bad }), (e) => e instanceof ConfigError && /delayMs|delay_ms/.test(e.message), String(bad));
  }
  assert.throws(() => gw.inject('payout', 'delay'), /needs delay_ms/);
  assert.throws(() => gw.inject('payout', 'delay', { seconds: 1 }), /unknown field `seconds`/);
  await assert.rejects(gw.refuseConnectionsFor(Infinity), ConfigError);
  const request = requestFor('IDR');
  assert.equal((await client.payout(request)).orderNo, request.orderNo);
});
