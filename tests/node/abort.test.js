'use strict';
// `{ signal }` on every call (issue 12): an AbortSignal stops the call in the core. Nothing
// sent yet rejects with AbortedError; a pay-out already on its way rejects with
// OutcomeUnknownError (reason 'aborted') carrying its orderNo — the gateway has it.

const test = require('node:test');
const assert = require('node:assert/strict');
const { AbortedError, OutcomeUnknownError } = require('smilepayz');
const { MockGateway } = require('smilepayz/testing');
const { requestFor } = require('./helpers.js');

let gw;
let client;
test.before(async () => {
  gw = await MockGateway.start();
  client = gw.client({ timeoutMs: 10000 });
});
test.after(async () => {
  await gw.close();
});

test('an already aborted signal sends nothing', async () => {
  const request = requestFor('IDR');
  const err = await client.payout(request, { signal: AbortSignal.abort() }).then(assert.fail, (e) => e);
  assert.ok(err instanceof AbortedError, String(err));
  assert.equal(err.code, 'SMILEPAYZ_ABORTED');
  assert.equal(gw.payoutRequestsFor(request.orderNo), 0);
});

test('aborting a pay-out on its way is an unknown outcome the gateway has', async () => {
  gw.inject('payout', 'delay', { delayMs: 3000 });
  const request = requestFor('IDR');
  const started = Date.now();
  const err = await client
    .payout(request, { signal: AbortSignal.timeout(300), timeoutMs: 8000 })
    .then(assert.fail, (e) => e);
  assert.ok(Date.now() - started < 2500, 'rejected when aborted, not when the answer came');
  assert.ok(err instanceof OutcomeUnknownError, String(err));
  assert.equal(err.reason, 'aborted');
  assert.equal(err.orderNo, request.orderNo);
  assert.equal(gw.payoutRequestsFor(request.orderNo), 1);
});

test('aborting a read rejects with AbortedError; the listener is removed afterwards', async () => {
  gw.inject('balance', 'delay', { delayMs: 3000 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const err = await client.inquireBalance('ACC1', { signal: controller.signal }).then(assert.fail, (e) => e);
  assert.ok(err instanceof AbortedError, String(err));
  const calm = new AbortController();
  await client.inquireStatus({ orderNo: 'NOSUCHORDER1' }, { signal: calm.signal }).catch(() => {});
  calm.abort(); // after the call: nothing to stop, nothing thrown
});

test('a signal that is not an AbortSignal is a TypeError, and nothing is sent', async () => {
  const request = requestFor('IDR');
  await assert.rejects(client.payout(request, { signal: { aborted: 'no' } }), TypeError);
  assert.equal(gw.payoutRequestsFor(request.orderNo), 0);
});
