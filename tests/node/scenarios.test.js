'use strict';
// The fault -> outcome table of tests/vectors/scenarios.json, run in Node (Rust and
// Python run the same table): one test per case, against a fresh mock gateway.

const test = require('node:test');
const assert = require('node:assert/strict');
const { SmilepayzError } = require('smilepayz');
const { MockGateway } = require('smilepayz/testing');
const { load, keys, goldenRequest } = require('./helpers.js');

const table = load('scenarios.json');
const account = table.balanceAccount;
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

function call(client, endpoint, request) {
  if (endpoint === 'payout') return client.payout(request);
  if (endpoint === 'status') return client.inquireStatus({ orderNo: request.orderNo });
  if (endpoint === 'balance') return client.inquireBalance(account.accountNo);
  throw new Error(`unknown endpoint ${endpoint}`);
}

let ran = 0;
test.after(() => console.log(`scenarios.json: ${ran} fault cases run in Node`));

table.cases.forEach((c, index) => {
  test(c.name, async () => {
    ran += 1;
    const request = goldenRequest(c.request.golden, { orderNo: `SCN${String(index).padStart(6, '0')}` });
    const gw = await MockGateway.start({ merchantPrivateKey: keys.merchant.pkcs8_pem, platformPrivateKey: keys.platform.private_pkcs8_pem });
    try {
      gw.setBalance(account.accountNo, account);
      const client = gw.client(c.client ?? {});
      if (c.endpoint !== 'payout') await client.payout(request);
      let listeningAgain = Date.now();
      if (c.fault?.fault === 'refuse_connections') {
        listeningAgain += c.fault.duration_ms;
        await gw.refuseConnectionsFor(c.fault.duration_ms);
      } else if (c.fault) {
        // The settings go whole to the testkit's parser: an unknown fault fails the case.
        const { fault, ...options } = c.fault;
        gw.inject(c.precededBy ?? c.endpoint, fault, options);
        if (c.precededBy) {
          await call(client, c.precededBy, request);
          await sleep(table.backInPoolMs);
        }
      }
      const error = await call(client, c.endpoint, request).then(
        () => null,
        (e) => (e instanceof SmilepayzError ? e : assert.fail(e)),
      );
      await sleep(listeningAgain - Date.now());

      const checker = gw.client();
      const got = {
        error: error?.kind ?? null,
        cause: error?.reason ?? null,
        httpStatus: error?.httpStatus ?? null,
        gatewaySaw: gw.payoutRequestsFor(request.orderNo),
        reconcile: c.expect.reconcile === null ? null : (await checker.reconcilePayout(request.orderNo)).outcome,
      };
      for (const key of ['error', 'cause', 'gatewaySaw', 'reconcile']) assert.ok(key in c.expect, `expect has no ${key}`);
      assert.deepEqual(Object.fromEntries(Object.keys(c.expect).map((k) => [k, got[k]])), c.expect);
      if (c.expect.reconcile === 'not_found') {
        // Never handled: sending it again is safe, and is the one the gateway counts.
        assert.equal((await checker.payout(request)).orderNo, request.orderNo);
        assert.equal(gw.payoutRequestsFor(request.orderNo), c.expect.gatewaySaw + 1);
      }
    } finally {
      await gw.close();
    }
  });
});
