'use strict';
// Issue 10, through the Node package: callbacks confirmed by their orderNo (a genuine
// callback re-sent under another order is refused, a stale one is booked at the
// gateway's status), the new error classes, panics that reject with SDK errors, hostile
// nesting, and retry budgets a u32 cannot hold.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const smilepayz = require('smilepayz');
const { requestFor, keys, useGateway, rejection } = require('./helpers.js');

const {
  Client,
  CallbackVerifier,
  ACKNOWLEDGEMENT,
  SmilepayzError,
  ValidationError,
  ConfigError,
  OutcomeUnknownError,
  SignatureError,
  CallbackMismatchError,
  StaleCallbackError,
  InternalError,
} = smilepayz;

let gw, client, verifier;
useGateway((started) => {
  ({ gw, client } = started);
  verifier = new CallbackVerifier({ platformPublicKey: gw.platformPublicKey });
});

/**
 * A merchant's handler as the README writes it: refuse what is forged or about another
 * order (401), book a stale callback at the gateway's status and acknowledge it, book a
 * confirmed one under its CONFIRMED order number.
 */
function handler() {
  const booked = new Map();
  async function handle({ headers, body }) {
    try {
      const confirmed = await client.confirmCallback(verifier.verify({ headers, body }));
      booked.set(confirmed.orderNo, confirmed.inquiry.status);
      return 200;
    } catch (e) {
      if (e instanceof StaleCallbackError) {
        booked.set(e.callback.orderNo, e.gatewayStatus);
        return 200;
      }
      if (e instanceof SignatureError || e instanceof CallbackMismatchError) return 401;
      throw e;
    }
  }
  return { handle, booked };
}

/** The same callback body with another orderNo (or none): only tradeNo is signed. */
function withOrderNo(body, orderNo) {
  const fields = JSON.parse(body);
  if (orderNo === undefined) delete fields.orderNo;
  else fields.orderNo = orderNo;
  return JSON.stringify(fields);
}

test('hole 1: a genuine FAILED callback re-sent with another orderNo is refused; that order is never booked', async () => {
  const a = requestFor('IDR');
  const b = requestFor('IDR');
  const acceptedA = await client.payout(a);
  const acceptedB = await client.payout(b);
  await gw.settle(a.orderNo, 'FAILED');
  await gw.settle(b.orderNo, 'FAILED'); // same status, same amount: only the trade differs
  const signed = gw.signedCallback(a.orderNo);
  const moved = { headers: signed.headers, body: withOrderNo(signed.body, b.orderNo) };
  const callback = verifier.verify(moved);
  assert.equal(callback.orderNo, b.orderNo);
  assert.equal(callback.tradeNo, acceptedA.tradeNo);
  const err = await rejection(client.confirmCallback(callback));
  assert.ok(err instanceof CallbackMismatchError, String(err));
  assert.equal(err.field, 'tradeNo');
  assert.equal(err.callbackValue, acceptedA.tradeNo);
  assert.equal(err.gatewayValue, acceptedB.tradeNo);

  const { handle, booked } = handler();
  assert.equal(await handle(moved), 401);
  assert.equal(booked.has(b.orderNo), false);
  assert.equal(await handle(signed), 200);
  assert.deepEqual([...booked], [[a.orderNo, 'FAILED']]);
});

test('a confirmed callback names the confirmed orderNo and tradeNo', async () => {
  const request = requestFor('PEN');
  const accepted = await client.payout(request);
  await gw.settle(request.orderNo, 'SUCCESS');
  const confirmed = await client.confirmCallback(verifier.verify(gw.signedCallback(request.orderNo)));
  assert.equal(confirmed.orderNo, request.orderNo);
  assert.equal(confirmed.tradeNo, accepted.tradeNo);
  assert.equal(confirmed.inquiry.status, 'SUCCESS');
});

test('a callback the gateway moved past is a StaleCallbackError, not a mismatch; the handler books the gateway status', async () => {
  const request = requestFor('BRL');
  const accepted = await client.payout(request);
  const signed = gw.signedCallback(request.orderNo); // announces PROCESSING
  await gw.settle(request.orderNo, 'SUCCESS');
  const err = await rejection(client.confirmCallback(verifier.verify(signed)));
  assert.ok(err instanceof StaleCallbackError, String(err));
  assert.ok(err instanceof SmilepayzError);
  assert.ok(!(err instanceof CallbackMismatchError));
  assert.equal(err.code, 'SMILEPAYZ_STALE_CALLBACK');
  assert.equal(err.name, 'StaleCallbackError');
  assert.equal(err.announcedStatus, 'PROCESSING');
  assert.equal(err.gatewayStatus, 'SUCCESS');
  assert.equal(err.inquiry.status, 'SUCCESS');
  assert.equal(err.inquiry.tradeNo, accepted.tradeNo);
  assert.equal(err.callback.orderNo, request.orderNo);
  assert.equal(err.callback.tradeNo, accepted.tradeNo);

  const { handle, booked } = handler();
  assert.equal(await handle(signed), 200);
  assert.deepEqual([...booked], [[request.orderNo, 'SUCCESS']]);
  assert.equal(ACKNOWLEDGEMENT, 'SUCCESS');
});

test('a callback without orderNo is a mismatch (field orderNo)', async () => {
  const request = requestFor('IDR');
  await client.payout(request);
  await gw.settle(request.orderNo, 'SUCCESS');
  const signed = gw.signCallback(withOrderNo(gw.signedCallback(request.orderNo).body, undefined));
  const callback = verifier.verify(signed);
  assert.equal(callback.orderNo, null);
  const err = await rejection(client.confirmCallback(callback));
  assert.ok(err instanceof CallbackMismatchError, String(err));
  assert.equal(err.field, 'orderNo');
  const { handle, booked } = handler();
  assert.equal(await handle(signed), 401);
  assert.equal(booked.size, 0);
});

test('the new error classes: StaleCallbackError and InternalError, with stable codes', () => {
  for (const [name, code] of [
    ['StaleCallbackError', 'SMILEPAYZ_STALE_CALLBACK'],
    ['InternalError', 'SMILEPAYZ_INTERNAL'],
  ]) {
    assert.ok(smilepayz[name].prototype instanceof SmilepayzError, name);
    const { fromNative } = require(path.join(__dirname, '..', '..', 'bindings-node', 'lib', 'errors.js'));
    const kind = name === 'InternalError' ? 'internal' : 'stale_callback';
    const err = fromNative(new Error(`SMILEPAYZ_ERROR_JSON:${JSON.stringify({ kind, code, message: 'm' })}`));
    assert.ok(err instanceof smilepayz[name], name);
    assert.equal(err.code, code);
  }
  assert.ok(!(StaleCallbackError.prototype instanceof CallbackMismatchError));
});

// The private native module (not exported by the package): its test-only panic hook runs
// where client calls run.
const native = require(path.join(__dirname, '..', '..', 'bindings-node', 'native.js'));
const { callAsync } = require(path.join(__dirname, '..', '..', 'bindings-node', 'lib', 'errors.js'));

test('a panic in a call rejects with InternalError, or OutcomeUnknownError (cause internal) for a pay-out', async () => {
  for (const inFuture of [false, true]) {
    const internal = await rejection(callAsync(() => native.sdkPanicForTests(inFuture, null)));
    assert.ok(internal instanceof InternalError, `inFuture ${inFuture}: ${internal}`);
    assert.equal(internal.code, 'SMILEPAYZ_INTERNAL');
    assert.match(internal.message, /deliberate panic/);
    const unknown = await rejection(callAsync(() => native.sdkPanicForTests(inFuture, 'PANIC0000001')));
    assert.ok(unknown instanceof OutcomeUnknownError, `inFuture ${inFuture}: ${unknown}`);
    assert.equal(unknown.reason, 'internal');
    assert.equal(unknown.orderNo, 'PANIC0000001');
  }
  // The process carries on.
  assert.equal((await client.payout(requestFor('IDR'))).status, 'PROCESSING');
});

test('hostile nesting: a cyclic object and a 10 000-deep array are ValidationErrors naming the path', async () => {
  const cyclic = requestFor('IDR', { extra: { note: 'x' } });
  cyclic.extra.self = cyclic.extra;
  let deep = [];
  for (let i = 0; i < 10000; i += 1) deep = [deep];
  const receiver = { name: 'Budi' };
  receiver.self = receiver;
  for (const [request, start] of [
    [cyclic, 'extra.self.self'],
    [requestFor('IDR', { extra: { deep } }), 'extra.deep[0][0]'],
    [requestFor('IDR', { receiver }), 'receiver.self.self'],
  ]) {
    const err = await rejection(client.payout(request));
    assert.ok(err instanceof ValidationError, String(err));
    assert.equal(err.violations.length, 1);
    assert.equal(err.violations[0].rule, 'type');
    assert.ok(err.violations[0].path.startsWith(start), err.violations[0].path);
  }
});

test('retry.maxAttempts a u32 cannot hold, or out of range, is a ConfigError', () => {
  const base = { merchantId: 'm1', merchantSecret: 's', privateKey: keys.merchant.pkcs8_pem, baseUrl: 'http://127.0.0.1:9' };
  for (const bad of [1e30, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 0, 11, 2 ** 32]) {
    assert.throws(
      () => new Client({ ...base, retry: { maxAttempts: bad } }),
      (e) => e instanceof ConfigError && e.message.includes('between 1 and 10'),
      String(bad),
    );
  }
  for (const good of [1, 10]) assert.ok(new Client({ ...base, retry: { maxAttempts: good } }));
});
