// Both module systems: `import { Client } from 'smilepayz'` and `require('smilepayz')`
// give the same objects, and `smilepayz/testing` imports too.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  Batch,
  BatchInputError,
  BatchOutputError,
  BatchRowsError,
  CallbackDisagreesError,
  Client,
  InsufficientBalanceError,
  JournalError,
  ValidationError,
  isFinal,
  verifyCallback,
} from 'smilepayz';
import smilepayz from 'smilepayz';
import { MockGateway } from 'smilepayz/testing';

const require = createRequire(import.meta.url);

test('ESM and CommonJS entries share one module', async () => {
  assert.equal(require('smilepayz').Client, Client);
  assert.equal(smilepayz.ValidationError, ValidationError);
  // The batch and its error classes, by name in both entries.
  const batchNames = { Batch, BatchRowsError, BatchInputError, BatchOutputError, JournalError, InsufficientBalanceError, CallbackDisagreesError };
  for (const [name, value] of Object.entries(batchNames)) {
    assert.equal(typeof value, 'function', name);
    assert.equal(require('smilepayz')[name], value, name);
  }
  assert.equal(new JournalError({ kind: 'journal', message: 'm' }).name, 'JournalError');
  assert.equal(require('smilepayz/testing').MockGateway, MockGateway);
  assert.equal(typeof verifyCallback, 'function');
  assert.equal(isFinal('SUCCESS'), true);
  const gw = await MockGateway.start();
  try {
    const client = new Client(gw.clientOptions());
    const answer = await client.payout({
      region: 'IDR',
      orderNo: 'ESM000000001',
      purpose: 'Payroll',
      amount: 150000n,
      paymentMethod: 'BRI',
      cashAccount: '78120011629261665',
    });
    assert.equal(answer.orderNo, 'ESM000000001');
  } finally {
    await gw.close();
  }
});
