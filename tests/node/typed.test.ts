// A typed test: checked by `tsc --strict` (the typings must describe the package) and
// run by node after compilation.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  Batch,
  BatchOutputError,
  BatchRowsError,
  Client,
  InternalError,
  OutcomeUnknownError,
  SignatureError,
  SmilepayzError,
  StaleCallbackError,
  ValidationError,
  isFinal,
  verifyCallback,
  EVENT_NAMES,
  type BatchProgress,
  type BatchReport,
  type BatchTotals,
  type ConfirmedCallback,
  type RunSummary,
  type SmilepayzEvent,
  type SmilepayzEventOf,
  type PayoutRequest,
  type PayoutResponse,
  type Reconciliation,
  type Status,
  type VerifiedCallback,
} from 'smilepayz';
import { MockGateway, type SignedCallback } from 'smilepayz/testing';

const usdt: PayoutRequest = {
  region: 'USDT',
  orderNo: 'TYPED0',
  purpose: 'Treasury',
  amount: 100.5,
  network: 'TRC20',
  cashAccount: 'TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ',
};

test('typed pay-out, reconciliation and callback', async () => {
  const gw: MockGateway = await MockGateway.start();
  try {
    const client = new Client(gw.clientOptions({ timeoutMs: 2000 }));
    const request: PayoutRequest = { ...usdt, orderNo: `TYPED${Date.now()}` };
    const answer: PayoutResponse = await client.payout(request);
    const amount: string | undefined = answer.money?.amount;
    assert.equal(amount, '100.5');
    const state: Reconciliation = await client.reconcilePayout(request.orderNo);
    assert.ok(state.outcome === 'pending', state.outcome);
    assert.equal(isFinal(state.status.status), false);

    gw.inject('payout', 'dropAfterAccept');
    const lost: unknown = await client.payout({ ...request, orderNo: `TYPEDB${Date.now()}` }).then(
      () => assert.fail('expected OutcomeUnknownError'),
      (e: unknown) => e,
    );
    assert.ok(lost instanceof OutcomeUnknownError, String(lost));
    const orderNo: string = lost.orderNo;
    assert.equal((await client.reconcilePayout(orderNo)).outcome, 'pending');

    await assert.rejects(
      // @ts-expect-error: an IDR pay-out has no `network`.
      client.payout({ region: 'IDR', orderNo: 'X', purpose: 'p', amount: 1, paymentMethod: 'BRI', cashAccount: '1', network: 'TRC20' }),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError, String(e));
        const paths: string[] = e.violations.map((v) => v.path);
        assert.ok(paths.includes('orderNo'), paths.join(', '));
        return true;
      },
    );

    const signed: SignedCallback = gw.signCallback({ tradeNo: 'T1', status: 'SUCCESS' });
    const verified: VerifiedCallback = verifyCallback({ headers: signed.headers, body: signed.body, platformPublicKey: gw.platformPublicKey });
    assert.equal(verified.tradeNo, 'T1');
    assert.throws(
      () => verifyCallback({ headers: {}, body: signed.body, platformPublicKey: gw.platformPublicKey }),
      (e: unknown) => e instanceof SignatureError && e.check === 'missing_header',
    );

    // The issue-10 classes are typed: a stale callback carries the gateway's status to book.
    const fresh = { ...request, orderNo: `TYPEDC${Date.now()}` };
    await client.payout(fresh);
    const processing = gw.signedCallback(fresh.orderNo);
    assert.ok(processing !== null);
    await gw.settle(fresh.orderNo, 'SUCCESS');
    await assert.rejects(client.confirmCallback(verifyCallback({ ...processing, platformPublicKey: gw.platformPublicKey })), (e: unknown) => {
      assert.ok(e instanceof StaleCallbackError, String(e));
      const code: 'SMILEPAYZ_STALE_CALLBACK' = e.code;
      const book: Status | null = e.gatewayStatus;
      assert.equal(code, 'SMILEPAYZ_STALE_CALLBACK');
      assert.equal(book, 'SUCCESS');
      assert.equal(e.callback.orderNo, fresh.orderNo);
      return true;
    });
    const settled = gw.signedCallback(fresh.orderNo);
    assert.ok(settled !== null);
    const confirmed: ConfirmedCallback = await client.confirmCallback(verifyCallback({ ...settled, platformPublicKey: gw.platformPublicKey }));
    const bookedUnder: string = confirmed.orderNo;
    assert.equal(bookedUnder, fresh.orderNo);
    assert.ok(InternalError.prototype instanceof SmilepayzError);
  } finally {
    await gw.close();
  }
});

test('typed events and call options', async () => {
  const gw: MockGateway = await MockGateway.start();
  try {
    const client = new Client(gw.clientOptions({ timeoutMs: 2000, ipv4Only: true, proxy: undefined }));
    const responses: Array<SmilepayzEventOf<'response'>> = [];
    const all: SmilepayzEvent[] = [];
    client.on('response', (e) => responses.push(e));
    for (const name of EVENT_NAMES) client.on(name, (e) => all.push(e));
    const request: PayoutRequest = { ...usdt, orderNo: `TYPEDEV${Date.now()}` };
    await client.payout(request, { timeoutMs: 3000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const status: number = responses[0]!.httpStatus;
    assert.equal(status, 200);
    assert.ok(all.some((e) => e.event === 'request'));
  } finally {
    await gw.close();
  }
});

test('typed batch: rows, run with progress, exact report', async () => {
  const gw: MockGateway = await MockGateway.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-batch-'));
  try {
    const client = new Client(gw.clientOptions({ timeoutMs: 2000 }));
    const batch: Batch = await Batch.open(client, { journal: `${dir}/journal.db`, batchId: 'typed' });
    const rows: PayoutRequest[] = [
      { ...usdt, orderNo: `TYPEDB${Date.now()}`, amount: '0.1' },
      { ...usdt, orderNo: `TYPEDC${Date.now()}`, amount: '0.2' },
    ];
    assert.equal((await batch.add(rows)).added, 2);
    const seen: BatchProgress[] = [];
    const summary: RunSummary = await batch.run({ concurrency: 2, onProgress: (p) => seen.push(p) });
    assert.equal(summary.counts.accepted, 2);
    assert.ok(seen.length > 0);
    const report: BatchReport = await batch.report();
    // 0.1 + 0.2 is exactly 0.3 here: amounts are decimal strings, never floats.
    assert.equal(report.byState.accepted?.amounts.USDT, '0.3');
    const totals: BatchTotals = await batch.totals();
    assert.equal(totals.byState.accepted?.amounts.USDT, '0.3');
    const refused = await batch.add([{ ...usdt, orderNo: 'TYPEDX', amount: '-1' }]).catch((e: unknown) => e);
    assert.ok(refused instanceof BatchRowsError);
    assert.equal(refused.rows[0]?.rowNumber, 1);
    const saved: number = await batch.saveReportCsv(`${dir}/report.csv`);
    assert.equal(saved, 2);
    assert.equal(fs.readFileSync(`${dir}/report.csv`, 'utf8'), await batch.reportCsv());
    const unwritable = await batch.saveReportCsv(`${dir}/missing/report.csv`).catch((e: unknown) => e);
    assert.ok(unwritable instanceof BatchOutputError);
    const code: 'SMILEPAYZ_BATCH_OUTPUT' = unwritable.code;
    assert.equal(code, 'SMILEPAYZ_BATCH_OUTPUT');
    assert.equal(unwritable.path, `${dir}/missing/report.csv`);
    await batch.close();
  } finally {
    await gw.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
