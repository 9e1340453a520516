// The examples of examples/node, exercised: the quick start end to end (as a program and
// as a function) and the Express endpoint fed by the mock gateway.
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

test('express endpoint: answers SUCCESS to a real callback, 401 to a forged one', async () => {
  const gw = await MockGateway.start();
  const client = gw.client();
  const verifier = new CallbackVerifier({ platformPublicKey: gw.platformPublicKey });
  const confirmed = [];
  const server = createApp({ client, verifier, onConfirmed: (c) => confirmed.push(c) }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${server.address().port}/smilepayz/callback`;
  try {
    const orderNo = `EXP${Date.now()}`;
    await client.payout({
      region: 'IDR', orderNo, purpose: 'Payroll', amount: '150000', paymentMethod: 'BRI',
      cashAccount: '78120011629261665', callbackUrl: url,
    });
    const delivery = await gw.settle(orderNo, 'SUCCESS');
    assert.deepEqual(delivery, { httpStatus: 200, body: 'SUCCESS', acknowledged: true });
    assert.equal(confirmed.length, 1);
    assert.equal(confirmed[0].inquiry.status, 'SUCCESS');

    const signed = gw.signedCallback(orderNo);
    const tampered = await fetch(url, {
      method: 'POST',
      headers: Object.fromEntries(signed.headers.map(([k, v]) => [k, k === 'X-SIGNATURE' ? v.replace(/^./, v[0] === 'A' ? 'B' : 'A') : v])),
      body: signed.body,
    });
    assert.equal(tampered.status, 401);
    const resent = await fetch(url, { method: 'POST', headers: Object.fromEntries(signed.headers), body: signed.body });
    assert.equal(resent.status, 200);
    assert.equal(await resent.text(), 'SUCCESS');
  } finally {
    server.close();
    await gw.stop();
  }
});
