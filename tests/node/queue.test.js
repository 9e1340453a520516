'use strict';
// A verified callback handed to a queue worker: `toJSON` carries the signed headers and
// the raw body only, and `CallbackVerifier.fromJSON` verifies it again (a tampered or
// forged envelope is refused, never trusted). `OutcomeUnknownError` names its reason
// `reason`, leaving ES2022 `Error.cause` alone.

const test = require('node:test');
const assert = require('node:assert/strict');
const { CallbackVerifier, CallbackMismatchError, SignatureError, OutcomeUnknownError, VerifiedCallback } =
  require('smilepayz');
const { MockGateway } = require('smilepayz/testing');
const { goldenRequest, keys } = require('./helpers.js');

test('a callback crosses a queue as JSON and is verified again', async (t) => {
  const gw = await MockGateway.start();
  t.after(() => gw.close());
  const client = gw.client({ timeoutMs: 2000 });
  const request = goldenRequest('idr-minimal');
  await client.payout(request);
  await gw.settle(request.orderNo, 'SUCCESS');
  const signed = gw.signedCallback(request.orderNo);
  const verifier = new CallbackVerifier({ platformPublicKey: gw.platformPublicKey });
  const headers = [...signed.headers, ['Cookie', 'session=private'], ['Authorization', 'Bearer private']];
  const callback = verifier.verify({ headers, body: signed.body });

  const text = JSON.stringify(callback);
  const envelope = JSON.parse(text);
  assert.deepEqual(Object.keys(envelope).sort(), ['body', 'headers']);
  assert.equal(envelope.body, signed.body);
  assert.deepEqual(envelope.headers.map(([name]) => name.toLowerCase()).sort(), ['x-signature', 'x-timestamp']);
  assert.ok(!text.includes('private'));

  const worker = new CallbackVerifier({ platformPublicKey: gw.platformPublicKey });
  for (const input of [text, envelope]) {
    const again = worker.fromJSON(input);
    assert.ok(again instanceof VerifiedCallback);
    assert.deepEqual([again.tradeNo, again.orderNo, again.status], [callback.tradeNo, request.orderNo, 'SUCCESS']);
    // Verified again, so it can be confirmed.
    assert.equal((await client.confirmCallback(again)).orderNo, request.orderNo);
  }

  // A changed signature is refused; a changed status (not signed) still verifies, and
  // confirming it against the gateway refuses it.
  const badSignature = {
    ...envelope,
    headers: envelope.headers.map(([n, v]) => [n, n.toLowerCase() === 'x-signature' ? (v[0] === 'A' ? 'B' : 'A') + v.slice(1) : v]),
  };
  assert.throws(() => worker.fromJSON(badSignature), (e) => e instanceof SignatureError && e.check === 'bad_signature');
  const forged = worker.fromJSON({ ...envelope, body: envelope.body.replace('SUCCESS', 'FAILED') });
  await assert.rejects(client.confirmCallback(forged), CallbackMismatchError);
  assert.throws(() => worker.fromJSON({ body: envelope.body }), TypeError);
  assert.throws(() => worker.fromJSON('not json'), SyntaxError);
  // A worker holding another key (the merchant's public key here) refuses it.
  const other = new CallbackVerifier({ platformPublicKey: keys.merchant.public_spki_base64 });
  assert.notEqual(keys.merchant.public_spki_base64, gw.platformPublicKey);
  assert.throws(() => other.fromJSON(text), SignatureError);
});

test('OutcomeUnknownError names its reason `reason`; Error.cause stays free', async (t) => {
  const gw = await MockGateway.start();
  t.after(() => gw.close());
  gw.inject('payout', 'dropAfterAccept');
  const error = await gw.client({ timeoutMs: 2000 }).payout(goldenRequest('idr-minimal')).catch((e) => e);
  assert.ok(error instanceof OutcomeUnknownError);
  assert.equal(error.reason, 'connection_lost');
  assert.equal(typeof error.reasonDetail, 'string');
  assert.equal('cause' in error, false);
});
