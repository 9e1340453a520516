'use strict';
// Events in Node: every kind occurs in one scenario against the mock gateway, on the
// `smilepayz:<event>` diagnostics channels and on `client.on`/`verifier.on`, and no event
// carries the merchant secret, key material or a full account number.

const test = require('node:test');
const assert = require('node:assert/strict');
const diagnostics = require('node:diagnostics_channel');
const { Client, CallbackVerifier, EVENT_NAMES, OutcomeUnknownError, SignatureError, CallbackMismatchError } =
  require('smilepayz');
const { MockGateway } = require('smilepayz/testing');
const { goldenRequest, assertNoKeyMaterial, load } = require('./helpers.js');

// Events are queued to the JavaScript thread: let the queue drain.
const drain = () => new Promise((resolve) => setTimeout(resolve, 50));

test('every event kind reaches diagnostics_channel and on(), without secrets', async (t) => {
  const gw = await MockGateway.start();
  t.after(() => gw.close());
  const published = [];
  const subscribers = EVENT_NAMES.map((name) => {
    const subscriber = (event, channel) => published.push({ channel, event });
    diagnostics.subscribe(`smilepayz:${name}`, subscriber);
    return [name, subscriber];
  });
  t.after(() => subscribers.forEach(([name, s]) => diagnostics.unsubscribe(`smilepayz:${name}`, s)));

  const client = gw.client({ timeoutMs: 2000, retry: { maxAttempts: 5, initialBackoffMs: 50 } });
  const verifier = new CallbackVerifier({ platformPublicKey: gw.platformPublicKey });
  const heard = [];
  for (const name of EVENT_NAMES) {
    client.on(name, (e) => heard.push(e));
    verifier.on(name, (e) => heard.push(e));
  }

  // request, response, retry: the first connections are refused (nothing was sent).
  await gw.refuseConnectionsFor(120);
  const first = goldenRequest('idr-minimal');
  const accepted = await client.payout(first);
  // outcome_unknown
  gw.inject('payout', 'dropAfterAccept');
  const second = goldenRequest('idr-minimal');
  await assert.rejects(client.payout(second), OutcomeUnknownError);
  // callback_verified, callback_confirmed
  await gw.settle(first.orderNo, 'SUCCESS');
  const signed = gw.signedCallback(first.orderNo);
  await client.confirmCallback(verifier.verify(signed));
  // callback_refused: one character of the signature changed
  const tampered = signed.headers.map(([name, value]) =>
    name.toUpperCase() === 'X-SIGNATURE' ? [name, (value.startsWith('A') ? 'B' : 'A') + value.slice(1)] : [name, value],
  );
  assert.throws(() => verifier.verify({ headers: tampered, body: signed.body }), SignatureError);
  // callback_mismatch: a genuine trade number with a status the gateway contradicts
  const lie = gw.signCallback({
    orderNo: first.orderNo,
    tradeNo: accepted.tradeNo,
    status: 'FAILED',
    money: { currency: 'IDR', amount: 150000 },
  });
  await assert.rejects(client.confirmCallback(verifier.verify(lie)), CallbackMismatchError);
  await drain();

  assert.deepEqual([...EVENT_NAMES].sort(), [
    'callback_confirmed',
    'callback_mismatch',
    'callback_refused',
    'callback_verified',
    'outcome_unknown',
    'request',
    'response',
    'retry',
  ]);
  for (const name of EVENT_NAMES) {
    assert.ok(published.some((p) => p.channel === `smilepayz:${name}` && p.event.event === name), `no ${name} published`);
    assert.ok(heard.some((e) => e.event === name), `no ${name} heard`);
  }
  const retry = heard.find((e) => e.event === 'retry');
  assert.equal(retry.orderNo, first.orderNo);
  assert.equal(retry.attempt, 1);
  assert.equal(typeof retry.delayMs, 'number');
  const response = heard.find((e) => e.event === 'response' && e.orderNo === first.orderNo);
  assert.deepEqual([response.httpStatus, response.gatewayCode, response.endpoint], [200, '00', 'payout']);
  assert.deepEqual(
    heard.find((e) => e.event === 'outcome_unknown'),
    { event: 'outcome_unknown', orderNo: second.orderNo, cause: 'connection_lost' },
  );
  assert.equal(heard.find((e) => e.event === 'callback_refused').check, 'bad_signature');
  const mismatch = heard.find((e) => e.event === 'callback_mismatch');
  assert.deepEqual([mismatch.field, mismatch.stale], ['status', false]);

  const account = load('requests.json').cases.find((c) => c.name === 'idr-minimal').request.cashAccount;
  const masked = heard.filter((e) => e.event === 'request' && e.account).map((e) => e.account);
  assert.deepEqual([...new Set(masked)], [`****${account.slice(-4)}`]);
  for (const { event } of published) {
    const text = JSON.stringify(event);
    assert.ok(!text.includes(gw.merchantSecret), text);
    assert.ok(!text.includes(account), text);
    assertNoKeyMaterial(text, gw.merchantPrivateKeyPem);
    assertNoKeyMaterial(text, gw.platformPublicKey);
  }
});

test('a throwing listener becomes a warning and never changes the call', async (t) => {
  const gw = await MockGateway.start();
  t.after(() => gw.close());
  const warnings = [];
  const onWarning = (w) => warnings.push(w);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const client = gw.client({ timeoutMs: 2000 });
  const quiet = () => assert.fail('removed listeners are not called');
  client.on('request', () => {
    throw new Error('listener bug');
  });
  client.on('response', quiet).off('response', quiet);
  const answer = await client.payout(goldenRequest('idr-minimal'));
  assert.ok(answer.tradeNo);
  await drain();
  assert.ok(warnings.some((w) => w.name === 'SmilepayzListenerWarning' && /listener bug/.test(w.message)), warnings);
  assert.throws(() => client.on('sent', () => {}), { name: 'TypeError', message: /unknown event "sent"/ });
  assert.throws(() => client.on('request', 'not a function'), TypeError);
});

test('a client from the environment reports events too', async (t) => {
  const gw = await MockGateway.start();
  t.after(() => gw.close());
  const client = Client.fromEnv(gw.clientOptions({ timeoutMs: 2000 }));
  const seen = [];
  client.on('response', (e) => seen.push(e));
  const request = goldenRequest('idr-minimal');
  await client.payout(request);
  await drain();
  assert.equal(seen[0]?.orderNo, request.orderNo);
});
