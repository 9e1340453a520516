// The examples of examples/node, exercised: the quick start end to end (as a program and
// as a function) and the Express, Fastify and Next.js endpoints fed by the mock gateway.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { CallbackVerifier } from 'smilepayz';
import { MockGateway } from 'smilepayz/testing';
import { quickstart } from '../../examples/node/quickstart.mjs';
import { createApp } from '../../examples/node/express-callback.mjs';
import { createApp as createFastifyApp } from '../../examples/node/fastify-callback.mjs';
import { createRoute, runtime as nextRuntime } from '../../examples/node/next-route.mjs';

const examples = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'node');

test('quickstart: five regions, callbacks verified and confirmed', async () => {
  const rows = await quickstart();
  assert.deepEqual(rows.map((r) => r.region), ['IDR', 'PEN', 'COP', 'BRL', 'USDT']);
  for (const r of rows) {
    assert.equal(r.accepted, 'PROCESSING');
    assert.equal(r.callback, 'acknowledged');
    assert.equal(r.confirmed, 'SUCCESS');
    assert.equal(r.final, true);
  }
});

test('quickstart runs as a program and prints its table', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(examples, 'quickstart.mjs')]);
  for (const region of ['IDR', 'PEN', 'COP', 'BRL', 'USDT']) assert.ok(stdout.includes(`'${region}'`), stdout);
  assert.ok(stdout.includes('acknowledged'));
});

test('express endpoint: books by the confirmed order, books a stale callback at the gateway status, refuses forged and moved callbacks', async () => {
  const gw = await MockGateway.start();
  const client = gw.client();
  const verifier = new CallbackVerifier({ platformPublicKey: gw.platformPublicKey });
  const confirmed = [];
  const booked = [];
  const app = createApp({ client, verifier, book: (orderNo, status) => booked.push([orderNo, status]), onDelivery: (d) => confirmed.push(d) });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${server.address().port}/smilepayz/callback`;
  const idr = (orderNo, callbackUrl) => ({
    region: 'IDR', orderNo, purpose: 'Payroll', amount: '150000', paymentMethod: 'BRI',
    cashAccount: '78120011629261665', ...(callbackUrl ? { callbackUrl } : {}),
  });
  const post = (signed, body = signed.body) =>
    fetch(url, { method: 'POST', headers: Object.fromEntries(signed.headers), body });
  try {
    const orderNo = `EXP${Date.now()}`;
    await client.payout(idr(orderNo, url));
    const delivery = await gw.settle(orderNo, 'SUCCESS');
    assert.deepEqual(delivery, { httpStatus: 200, body: 'SUCCESS', acknowledged: true });
    assert.equal(confirmed.length, 1);
    assert.equal(confirmed[0].inquiry.status, 'SUCCESS');
    assert.equal(confirmed[0].status, 'SUCCESS');
    assert.equal(confirmed[0].orderNo, orderNo);
    assert.deepEqual(booked, [[orderNo, 'SUCCESS']]);

    const signed = gw.signedCallback(orderNo);
    const tampered = await fetch(url, {
      method: 'POST',
      headers: Object.fromEntries(signed.headers.map(([k, v]) => [k, k === 'X-SIGNATURE' ? v.replace(/^./, v[0] === 'A' ? 'B' : 'A') : v])),
      body: signed.body,
    });
    assert.equal(tampered.status, 401);
    const resent = await post(signed);
    assert.equal(resent.status, 200);
    assert.equal(await resent.text(), 'SUCCESS');

    // The same signed callback re-sent with the orderNo of another SUCCESS order: refused.
    const other = `EXQ${Date.now()}`;
    await client.payout(idr(other));
    await gw.settle(other, 'SUCCESS');
    const moved = await post(signed, signed.body.replace(orderNo, other));
    assert.equal(moved.status, 401);
    assert.equal(await moved.text(), 'callback refused');

    // A PROCESSING callback arriving after the gateway settled SUCCESS: booked SUCCESS, acknowledged.
    const late = `EXR${Date.now()}`;
    await client.payout(idr(late));
    const processing = gw.signedCallback(late);
    await gw.settle(late, 'SUCCESS');
    const stale = await post(processing);
    assert.equal(stale.status, 200);
    assert.equal(await stale.text(), 'SUCCESS');
    assert.deepEqual(booked, [[orderNo, 'SUCCESS'], [orderNo, 'SUCCESS'], [late, 'SUCCESS']]);
    assert.ok(!booked.some(([o]) => o === other));
  } finally {
    server.close();
    await gw.close();
  }
});

test('fastify and Next.js examples: the mock gateway delivers, the status is booked once, a lie is refused', async () => {
  const gw = await MockGateway.start();
  const client = gw.client();
  const verifier = new CallbackVerifier({ platformPublicKey: gw.platformPublicKey });
  const booked = [];
  const book = (orderNo, status) => {
    booked.push([orderNo, status]);
  };
  const app = await createFastifyApp({ client, verifier, book });
  const url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/smilepayz/callback`;
  try {
    const viaFastify = `EXF${Date.now()}`;
    await client.payout({ region: 'IDR', orderNo: viaFastify, purpose: 'Payroll', amount: '150000',
      paymentMethod: 'BRI', cashAccount: '78120011629261665', callbackUrl: url });
    assert.deepEqual(await gw.settle(viaFastify, 'FAILED'), { httpStatus: 200, body: 'SUCCESS', acknowledged: true });

    const viaNext = `EXN${Date.now()}`;
    await client.payout({ region: 'IDR', orderNo: viaNext, purpose: 'Payroll', amount: '150000',
      paymentMethod: 'BRI', cashAccount: '78120011629261665' });
    await gw.settle(viaNext, 'SUCCESS');
    const signed = gw.signedCallback(viaNext);
    const POST = createRoute({ client, verifier, book });
    const post = (body) => POST(new Request('http://localhost/api/smilepayz/callback', { method: 'POST', headers: signed.headers, body }));
    const ok = await post(signed.body);
    assert.deepEqual([ok.status, await ok.text()], [200, 'SUCCESS']);
    assert.equal((await post(signed.body.replace('SUCCESS', 'FAILED'))).status, 401);
    assert.equal(nextRuntime, 'nodejs');
    assert.deepEqual(booked, [[viaFastify, 'FAILED'], [viaNext, 'SUCCESS']]);
  } finally {
    await app.close();
    await gw.close();
  }
});
