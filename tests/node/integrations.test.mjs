// The callback handler and its adapters against the mock gateway: CallbackHandler alone
// (sync and Promise functions, stale, forged, gateway down), then each adapter served by
// its real framework (Express and Fastify on a loopback port the mock gateway delivers
// to; the Next.js route handler with a real Fetch `Request`).
import test from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import Fastify from 'fastify';
import { CallbackHandler, CallbackVerifier } from 'smilepayz';
import { callbackRouter } from 'smilepayz/express';
import { smilepayzCallback } from 'smilepayz/fastify';
import { callbackRoute, runtime } from 'smilepayz/next';
import { MockGateway } from 'smilepayz/testing';

let counter = 0;
const orderNo = (prefix) => `${prefix}${Date.now() % 1e9}${++counter}`;
const idr = (no, callbackUrl) => ({
  region: 'IDR', orderNo: no, purpose: 'Payroll', amount: '150000', paymentMethod: 'BRI',
  cashAccount: '78120011629261665', ...(callbackUrl ? { callbackUrl } : {}),
});

/** A gateway, a handler recording deliveries, and `fail` to make the function throw. */
async function setup(onCallbackOverride) {
  const gw = await MockGateway.start();
  const client = gw.client({ timeoutMs: 2000 });
  const verifier = new CallbackVerifier({ platformPublicKey: gw.platformPublicKey });
  const state = { booked: [], errors: [], fail: false };
  const onCallback = onCallbackOverride ?? ((d) => {
    state.booked.push(d);
    if (state.fail) throw new Error('database down');
  });
  const handler = new CallbackHandler({ client, verifier, onCallback, onError: (e) => state.errors.push(e) });
  return { gw, client, handler, state };
}

async function settled(gw, client, no, status = 'SUCCESS') {
  await client.payout(idr(no));
  await gw.settle(no, status);
  return gw.signedCallback(no);
}

test('a genuine callback is delivered once with its idempotency key, then acknowledged', async () => {
  const { gw, client, handler, state } = await setup();
  try {
    const no = orderNo('NODEH');
    const signed = await settled(gw, client, no);
    const answer = await handler.handle(signed.headers, signed.body);
    assert.deepEqual(answer, { status: 200, body: 'SUCCESS', contentType: 'text/plain; charset=utf-8' });
    assert.equal(state.booked.length, 1);
    const [d] = state.booked;
    const order = gw.order(no);
    assert.equal(d.orderNo, no);
    assert.equal(d.tradeNo, order.tradeNo);
    assert.deepEqual([d.status, d.announcedStatus, d.stale], ['SUCCESS', 'SUCCESS', false]);
    assert.equal(d.idempotencyKey, `${order.tradeNo}:SUCCESS`);
    assert.equal(d.inquiry.money.amount, String(order.amount));
  } finally {
    await gw.close();
  }
});

test('stale: delivered with the gateway status; forged and misdirected: 401, not delivered', async () => {
  const { gw, client, handler, state } = await setup();
  try {
    const late = orderNo('NODES');
    await client.payout(idr(late));
    const processing = gw.signedCallback(late);
    await gw.settle(late, 'SUCCESS');
    assert.equal((await handler.handle(processing.headers, processing.body)).status, 200);
    assert.deepEqual(
      [state.booked[0].status, state.booked[0].announcedStatus, state.booked[0].stale],
      ['SUCCESS', 'PROCESSING', true],
    );
    const a = orderNo('NODEA');
    const b = orderNo('NODEB');
    const signed = await settled(gw, client, a);
    await settled(gw, client, b);
    const lie = await handler.handle(signed.headers, signed.body.replace('SUCCESS', 'FAILED'));
    assert.deepEqual([lie.status, lie.body], [401, 'callback refused']);
    assert.equal((await handler.handle(signed.headers, signed.body.replace(a, b))).status, 401);
    assert.equal((await handler.handle([], signed.body)).status, 401);
    assert.equal(state.booked.length, 1);
  } finally {
    await gw.close();
  }
});

test('a throwing or rejecting function and an unreachable gateway answer 503', async () => {
  const { gw, client, handler, state } = await setup();
  try {
    const signed = await settled(gw, client, orderNo('NODEF'));
    state.fail = true;
    assert.equal((await handler.handle(signed.headers, signed.body)).status, 503);
    assert.match(String(state.errors[0]), /database down/);
    state.fail = false;
    assert.equal((await handler.handle(signed.headers, signed.body)).status, 200);
    assert.equal(state.booked[0].idempotencyKey, state.booked[1].idempotencyKey);
    await gw.refuseConnectionsFor(5000);
    const down = await handler.handle(signed.headers, signed.body);
    assert.deepEqual([down.status, down.body], [503, 'callback not processed, send it again']);
    assert.equal(state.booked.length, 2);
  } finally {
    await gw.close();
  }
  const rejecting = await setup(async () => {
    await new Promise((r) => setTimeout(r, 5));
    throw new Error('queue down');
  });
  try {
    const signed = await settled(rejecting.gw, rejecting.client, orderNo('NODER'));
    assert.equal((await rejecting.handler.handle(signed.headers, signed.body)).status, 503);
  } finally {
    await rejecting.gw.close();
  }
});

test('the handler refuses what is not a client, a verifier or a raw body', async () => {
  const { gw, client, handler } = await setup();
  try {
    const verifier = new CallbackVerifier({ platformPublicKey: gw.platformPublicKey });
    assert.throws(() => new CallbackHandler({ client: {}, verifier, onCallback() {} }), /client must be a smilepayz Client/);
    assert.throws(() => new CallbackHandler({ client, verifier, onCallback: 1 }), /onCallback must be a function/);
    await assert.rejects(handler.handle({}, { tradeNo: 'T1' }), /raw request body/);
  } finally {
    await gw.close();
  }
});

/** Pays out to `url`, lets the mock gateway deliver the callback, and checks the app's answers. */
async function exercise(url, gw, client, state) {
  const no = orderNo('NODEX');
  await client.payout(idr(no, url));
  const delivered = await gw.settle(no, 'SUCCESS');
  assert.deepEqual(delivered, { httpStatus: 200, body: 'SUCCESS', acknowledged: true });
  assert.deepEqual(state.booked.map((d) => d.orderNo), [no]);
  const signed = gw.signedCallback(no);
  const post = (body, headers = Object.fromEntries(signed.headers)) => fetch(url, { method: 'POST', headers, body });
  const forged = await post(signed.body.replace('SUCCESS', 'FAILED'));
  assert.deepEqual([forged.status, await forged.text()], [401, 'callback refused']);
  state.fail = true;
  assert.equal((await post(signed.body)).status, 503);
  assert.equal(state.booked.length, 2);
}

test('express: callbackRouter reads the raw body itself, the app keeps express.json() for its own routes', async () => {
  const { gw, client, handler, state } = await setup();
  const app = express();
  app.use(callbackRouter(handler));
  app.use(express.json());
  app.post('/json', (req, res) => res.json({ echoed: req.body }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    await exercise(`${base}/smilepayz/callback`, gw, client, state);
    const json = await fetch(`${base}/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    assert.deepEqual(await json.json(), { echoed: { a: 1 } });
  } finally {
    server.close();
    await gw.close();
  }
});

test('fastify: the plugin parses its own raw body, the rest of the app keeps JSON', async () => {
  const { gw, client, handler, state } = await setup();
  const app = Fastify();
  await app.register(smilepayzCallback, { handler });
  app.post('/json', async (request) => ({ echoed: request.body }));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    await exercise(`${address}/smilepayz/callback`, gw, client, state);
    const json = await fetch(`${address}/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    assert.deepEqual(await json.json(), { echoed: { a: 1 } });
  } finally {
    await app.close();
    await gw.close();
  }
});

test('next: the App Router handler answers a real Request; Node runtime', async () => {
  assert.equal(runtime, 'nodejs');
  const { gw, client, handler, state } = await setup();
  const POST = callbackRoute(handler);
  try {
    const no = orderNo('NODEN');
    const signed = await settled(gw, client, no);
    const request = (body) =>
      new Request('http://localhost/api/smilepayz/callback', { method: 'POST', headers: signed.headers, body });
    const ok = await POST(request(signed.body));
    assert.deepEqual([ok.status, await ok.text(), ok.headers.get('content-type')], [200, 'SUCCESS', 'text/plain; charset=utf-8']);
    assert.deepEqual(state.booked.map((d) => d.orderNo), [no]);
    const forged = await POST(request(signed.body.replace(no, 'NOSUCHORDER1')));
    assert.equal(forged.status, 401);
    assert.equal(state.booked.length, 1);
  } finally {
    await gw.close();
  }
});

test('loading smilepayz loads neither express nor fastify', async () => {
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync(process.execPath, [
    '-e',
    "require('smilepayz'); console.log(Object.keys(require.cache).filter((p) => /node_modules[\\\\/](express|fastify)[\\\\/]/.test(p)).length)",
  ]).toString();
  assert.equal(out.trim(), '0');
});
