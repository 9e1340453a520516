'use strict';
// The network faults of the mock gateway, injected by name from Node: what the client
// reports for each, that the gateway saw each pay-out exactly once, and that
// reconciliation tells a request the gateway never handled (not found: resend) from one
// it did (pending).

const test = require('node:test');
const assert = require('node:assert/strict');
const { ConfigError, OutcomeUnknownError } = require('smilepayz');
const { MockGateway } = require('smilepayz/testing');
const { requestFor } = require('./helpers.js');

// Long enough for the client to put the connection of an answer back in its pool.
const BACK_IN_POOL_MS = 50;

let gw;
let client;
test.before(async () => {
  gw = await MockGateway.start();
  client = gw.client({ timeoutMs: 5000 });
});
test.after(async () => {
  await gw.close();
});

async function unknown(request) {
  const err = await client.payout(request).then(
    (v) => assert.fail(`expected OutcomeUnknownError, got ${JSON.stringify(v)}`),
    (e) => e,
  );
  assert.ok(err instanceof OutcomeUnknownError, String(err));
  assert.equal(err.orderNo, request.orderNo);
  return err;
}

/** Never handled: not found, and the resend is the first pay-out the gateway sees. */
async function resentAfterNotFound(request) {
  assert.equal(gw.payoutRequestsFor(request.orderNo), 0);
  assert.equal(gw.order(request.orderNo), null);
  assert.equal((await client.reconcilePayout(request.orderNo)).outcome, 'not_found');
  assert.equal((await client.payout(request)).orderNo, request.orderNo);
  assert.equal(gw.payoutRequestsFor(request.orderNo), 1);
}

/** Handled once, never sent again. */
async function pendingOnce(request) {
  assert.equal(gw.payoutRequestsFor(request.orderNo), 1);
  assert.equal((await client.reconcilePayout(request.orderNo)).outcome, 'pending');
}

test('a redirect before acceptance: unknown outcome, never followed, not found, resent once', async () => {
  for (const [options, status] of [[{}, 307], [{ httpStatus: 308 }, 308]]) {
    const request = requestFor('IDR');
    gw.inject('payout', 'redirectBeforeAccept', options);
    const err = await unknown(request);
    assert.equal(err.cause, 'redirect');
    assert.equal(err.httpStatus, status);
    const seen = gw.received().filter((r) => r.body.includes(request.orderNo));
    assert.deepEqual(seen.map((r) => [r.httpStatus, r.handled]), [[status, false]]);
    await resentAfterNotFound(request);
  }
});

test('a redirect after acceptance: unknown outcome, never followed, pending', async () => {
  for (const [options, status] of [[{}, 307], [{ httpStatus: 308 }, 308]]) {
    const request = requestFor('IDR');
    gw.inject('payout', 'redirectAfterAccept', options);
    const err = await unknown(request);
    assert.equal(err.cause, 'redirect');
    assert.equal(err.httpStatus, status);
    await pendingOnce(request);
  }
});

test('a reset during upload: unknown outcome (connection lost), not found, resent once', async () => {
  const request = requestFor('PEN');
  gw.inject('payout', 'resetDuringUpload');
  assert.equal((await unknown(request)).cause, 'connection_lost');
  await resentAfterNotFound(request);
});

test('a truncated answer: unknown outcome (connection lost), pending', async () => {
  const request = requestFor('COP');
  gw.inject('payout', 'truncatedAfterAccept');
  assert.equal((await unknown(request)).cause, 'connection_lost');
  await pendingOnce(request);
});

test('an oversized answer: unknown outcome (unreadable, not read past the limit), pending', async () => {
  const request = requestFor('BRL');
  gw.inject('payout', 'oversizedAfterAccept');
  assert.equal((await unknown(request)).cause, 'unreadable');
  await pendingOnce(request);
});

test('a pay-out written onto a dead kept-alive connection: unknown outcome, not found, resent once', async () => {
  const before = gw.closedKeepAliveConnections();
  const first = requestFor('USDT');
  gw.inject('payout', 'closeIdleKeepAlive');
  assert.equal((await client.payout(first)).orderNo, first.orderNo);
  await new Promise((r) => setTimeout(r, BACK_IN_POOL_MS));
  const next = requestFor('USDT');
  assert.equal((await unknown(next)).cause, 'connection_lost');
  assert.equal(gw.closedKeepAliveConnections(), before + 1);
  await resentAfterNotFound(next);
  assert.equal(gw.payoutRequestsFor(first.orderNo), 1);
});

test('inquiries meeting the new faults are retried', async () => {
  const request = requestFor('IDR');
  const accepted = await client.payout(request);
  for (const fault of ['redirectBeforeAccept', 'redirectAfterAccept', 'resetDuringUpload', 'truncatedAfterAccept', 'oversizedAfterAccept']) {
    gw.inject('status', fault);
    const status = await client.inquireStatus({ orderNo: request.orderNo });
    assert.equal(status.tradeNo, accepted.tradeNo, fault);
  }
  assert.equal(gw.payoutRequestsFor(request.orderNo), 1);
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
