// The declarations against the objects: for each answer, batch answer and error the package returns,
// a table of its fields whose shapes `tsc --strict` derives from index.d.ts (a missing,
// extra or differently typed field does not compile), compared at run time with the
// real object. So index.d.ts (generated from the core) is checked against what index.js
// returns, not only against itself.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as sdk from 'smilepayz';
import type {
  AccountInfo,
  AddSummary,
  BalanceResponse,
  BalanceValue,
  BatchProgress,
  BatchReport,
  BatchRowError,
  BatchState,
  BatchTotal,
  BatchTotals,
  CallbackNotification,
  Channel,
  ConfirmedCallback,
  Coverage,
  MerchantEcho,
  Money,
  PayoutRequest,
  PayoutResponse,
  ReportRow,
  RunSummary,
  SmilepayzError,
  StatusResponse,
  Violation,
} from 'smilepayz';
import { MockGateway } from 'smilepayz/testing';

/** The run-time shape a declared type stands for. */
type Shape<V> = [V] extends [string]
  ? 'string'
  : [V] extends [boolean]
    ? 'boolean'
    : [V] extends [number]
      ? 'number'
      : [V] extends [string | null]
        ? 'string|null'
        : [V] extends [number | null]
          ? 'number|null'
          : [V] extends [unknown[]]
            ? 'array'
            : [V] extends [object]
              ? 'object'
              : [V] extends [object | null]
                ? 'object|null'
                : never;

/** The keys of T's own fields: an error's `message`, `name`, `stack` and untyped `cause` are `Error`'s. */
type Keys<T> = {
  [K in keyof T]-?: K extends 'message' | 'name' | 'stack' ? (T extends Error ? never : K) : unknown extends T[K] ? never : K;
}[keyof T];

/** Every field of T with its shape: tsc refuses a missing or extra one. */
type Fields<T> = { [K in Keys<T>]-?: Shape<T[K]> };

function fits(value: unknown, shape: string): boolean {
  const nullable = shape.endsWith('|null');
  if (nullable && value === null) return true;
  const base = shape.replace('|null', '');
  if (base === 'array') return Array.isArray(value);
  if (base === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  return typeof value === base;
}

/** `value` has exactly the fields of `spec` (its `name` aside, for errors), each of its shape. */
function conforms<T>(value: T, spec: Fields<T>, what: string): void {
  const own = Object.keys(value as object).filter((k) => !(value instanceof Error && k === 'name'));
  assert.deepEqual(own.sort(), Object.keys(spec).sort(), `${what}: fields`);
  for (const [key, shape] of Object.entries(spec as Record<string, string>)) {
    const field = (value as Record<string, unknown>)[key];
    assert.ok(fits(field, shape), `${what}.${key} = ${JSON.stringify(field)} is not ${shape}`);
  }
}

const money: Fields<Money> = { currency: 'string', amount: 'string' };
const merchantEcho: Fields<MerchantEcho> = {
  merchantId: 'string|null',
  merchantName: 'string|null',
  subMerchantId: 'string|null',
  subMerchantName: 'string|null',
  accountNo: 'string|null',
};
const channel: Fields<Channel> = { paymentMethod: 'string|null', cashAccount: 'string|null', accountName: 'string|null' };
// What every gateway answer starts with.
const answerHead = { code: 'string', message: 'string', orderNo: 'string|null', tradeNo: 'string|null' } as const;
const payoutResponse: Fields<PayoutResponse> = {
  ...answerHead,
  status: 'string|null',
  disbursementTime: 'string|null',
  merchant: 'object|null',
  money: 'object|null',
  channel: 'object|null',
  raw: 'string',
};
const statusResponse: Fields<StatusResponse> = {
  ...answerHead,
  tradeType: 'string|null',
  paymentMethod: 'string|null',
  money: 'object|null',
  status: 'string|null',
  remark: 'string|null',
  transactionTime: 'string|null',
  raw: 'string',
};
const balanceValue: Fields<BalanceValue> = { currency: 'string|null', value: 'string' };
const accountInfo: Fields<AccountInfo> = { balanceType: 'string|null', amount: 'object|null', availableBalance: 'object|null' };
const balanceResponse: Fields<BalanceResponse> = {
  code: 'string',
  message: 'string',
  accountNo: 'string|null',
  name: 'string|null',
  balanceTypes: 'array',
  accountInfos: 'array',
  raw: 'string',
};
const notification: Fields<CallbackNotification> = {
  tradeNo: 'string',
  orderNo: 'string|null',
  merchantId: 'string|null',
  merchantName: 'string|null',
  subMerchantId: 'string|null',
  subMerchantName: 'string|null',
  paymentMethod: 'string|null',
  transactionTime: 'string|null',
  status: 'string|null',
  money: 'object|null',
  raw: 'string',
};
const violation: Fields<Violation> = { path: 'string', rule: 'string', message: 'string' };

const addSummary: Fields<AddSummary> = { added: 'number', unchanged: 'number', skipped: 'array' };
const rowError: Fields<BatchRowError> = { rowNumber: 'number', problem: 'string', message: 'string', violations: 'array' };
const coverage: Fields<Coverage> = { needed: 'string', available: 'string' };
const runSummary: Fields<RunSummary> = { counts: 'object', sent: 'number', paused: 'string|null', stopped: 'boolean', finished: 'boolean' };
const batchProgress: Fields<BatchProgress> = {
  counts: 'object',
  sent: 'number',
  elapsedMs: 'number',
  ratePerSecond: 'number',
  etaMs: 'number|null',
};
const reportRow: Fields<ReportRow> = {
  rowNumber: 'number',
  orderNo: 'string',
  tradeNo: 'string|null',
  state: 'string',
  status: 'string|null',
  gatewayCode: 'string|null',
  message: 'string|null',
  currency: 'string',
  amount: 'string',
  sendAttempts: 'number',
};
const batchTotal: Fields<BatchTotal> = { rows: 'number', amounts: 'object' };
const batchReport: Fields<BatchReport> = { batchId: 'string', paused: 'string|null', rows: 'array', byState: 'object', byStatus: 'object' };
const batchTotals: Fields<BatchTotals> = {
  batchId: 'string',
  paused: 'string|null',
  rows: 'number',
  byState: 'object',
  byStatus: 'object',
  complete: 'boolean',
};
// Every state, once: tsc refuses a missing or unknown one.
const everyState: { [S in BatchState]: S } = {
  pending: 'pending',
  sending: 'sending',
  accepted: 'accepted',
  rejected: 'rejected',
  unknown: 'unknown',
  final: 'final',
};

/** Rows per state: every state, each a count. */
function conformsCounts(counts: Record<BatchState, number>, what: string): void {
  assert.deepEqual(Object.keys(counts).sort(), Object.values(everyState).sort(), `${what}: states`);
  for (const n of Object.values(counts)) assert.equal(typeof n, 'number', what);
}

/** A total: its rows and an exact decimal string per currency. */
function conformsTotal(total: BatchTotal | undefined, what: string): void {
  assert.ok(total !== undefined, what);
  conforms(total, batchTotal, what);
  for (const amount of Object.values(total.amounts)) assert.match(amount, /^\d+(\.\d+)?$/, what);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

test('answers have exactly the declared fields, of the declared shapes', async () => {
  const gw = await MockGateway.start();
  try {
    const client = new sdk.Client(gw.clientOptions({ timeoutMs: 2000 }));
    const request: PayoutRequest = {
      region: 'IDR',
      orderNo: `SHAPE${Date.now()}`,
      purpose: 'Shapes',
      amount: '150000',
      paymentMethod: 'BRI',
      cashAccount: '78120011629261665',
      merchant: { merchantName: 'Toko' },
    };
    const accepted = await client.payout(request);
    conforms(accepted, payoutResponse, 'PayoutResponse');
    assert.ok(accepted.money !== null, 'the mock echoes the money');
    conforms(accepted.money, money, 'Money');
    if (accepted.merchant !== null) conforms(accepted.merchant, merchantEcho, 'MerchantEcho');
    if (accepted.channel !== null) conforms(accepted.channel, channel, 'Channel');

    conforms(await client.inquireStatus({ orderNo: request.orderNo }), statusResponse, 'StatusResponse');

    gw.setBalance('ACC1', { currency: 'IDR', balance: '1000', available: '900' });
    const balance = await client.inquireBalance('ACC1');
    conforms(balance, balanceResponse, 'BalanceResponse');
    assert.ok(balance.accountInfos.length > 0, 'the mock answers with a balance');
    for (const info of balance.accountInfos) {
      conforms(info, accountInfo, 'AccountInfo');
      if (info.amount !== null) conforms(info.amount, balanceValue, 'BalanceValue');
    }

    await gw.settle(request.orderNo, 'SUCCESS');
    const signed = gw.signedCallback(request.orderNo);
    assert.ok(signed !== null);
    const verified = sdk.verifyCallback({ ...signed, platformPublicKey: gw.platformPublicKey });
    const { timestamp, ...body } = { ...verified, raw: verified.raw };
    assert.equal(typeof timestamp, 'string');
    conforms(body as CallbackNotification, notification, 'VerifiedCallback');
    const confirmed: ConfirmedCallback = await client.confirmCallback(verified);
    const confirmedFields: Fields<ConfirmedCallback> = { orderNo: 'string', tradeNo: 'string', callback: 'object', inquiry: 'object' };
    conforms(confirmed, confirmedFields, 'ConfirmedCallback');
    conforms(confirmed.callback, notification, 'ConfirmedCallback.callback');
  } finally {
    await gw.close();
  }
});

test('errors have exactly the declared fields, of the declared shapes', async () => {
  const gw = await MockGateway.start();
  try {
    const client = new sdk.Client(gw.clientOptions({ timeoutMs: 2000, retry: { maxAttempts: 1 } }));
    const base: PayoutRequest = {
      region: 'USDT',
      orderNo: `SHAPEE${Date.now()}`,
      purpose: 'Shapes',
      amount: '1',
      network: 'TRC20',
      cashAccount: 'TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ',
    };
    const seen = new Set<string>();
    const check = <T extends SmilepayzError>(error: unknown, Class: abstract new () => T, spec: Fields<T>) => {
      assert.ok(error instanceof Class, String(error));
      conforms(error, spec, Class.name);
      seen.add(Class.name);
      return error;
    };

    const invalid = check(await rejection(client.payout({ ...base, orderNo: 'X' })), sdk.ValidationError, {
      code: 'string',
      kind: 'string',
      violations: 'array',
    });
    for (const v of invalid.violations) conforms(v, violation, 'Violation');

    check(
      (() => {
        try {
          return new sdk.Client({ ...gw.clientOptions(), privateKey: 'not a key!' });
        } catch (e) {
          return e;
        }
      })(),
      sdk.ConfigError,
      { code: 'string', kind: 'string', keyError: 'string|null' },
    );

    const wrongSecret = new sdk.Client(gw.clientOptions({ merchantSecret: 'not-the-secret' }));
    check(await rejection(wrongSecret.payout({ ...base, orderNo: `${base.orderNo}A` })), sdk.ApiError, {
      code: 'string',
      kind: 'string',
      apiCode: 'string',
      apiMessage: 'string',
      httpStatus: 'number',
      rawBody: 'string',
    });

    gw.inject('payout', 'serverErrorAfterAccept');
    check(await rejection(client.payout({ ...base, orderNo: `${base.orderNo}B` })), sdk.OutcomeUnknownError, {
      code: 'string',
      kind: 'string',
      orderNo: 'string',
      reason: 'string',
      reasonDetail: 'string',
      httpStatus: 'number|null',
    });

    gw.inject('status', 'malformedAfterAccept');
    check(await rejection(client.inquireStatus({ orderNo: `${base.orderNo}B` })), sdk.ProtocolError, {
      code: 'string',
      kind: 'string',
      httpStatus: 'number',
      detail: 'string',
      bodyExcerpt: 'string',
    });

    const forged = gw.signCallback({ tradeNo: 'T1', orderNo: 'NOSUCHORDER1', status: 'SUCCESS' });
    check(
      (() => {
        try {
          return sdk.verifyCallback({ ...forged, platformPublicKey: gw.platformPublicKey, headers: [] });
        } catch (e) {
          return e;
        }
      })(),
      sdk.SignatureError,
      { code: 'string', kind: 'string', check: 'string' },
    );

    const claimed = sdk.verifyCallback({ ...forged, platformPublicKey: gw.platformPublicKey });
    check(await rejection(client.confirmCallback(claimed)), sdk.CallbackMismatchError, {
      code: 'string',
      kind: 'string',
      field: 'string',
      callbackValue: 'string',
      gatewayValue: 'string',
    });

    const fresh = await client.payout({ ...base, orderNo: `${base.orderNo}C` });
    const processing = gw.signedCallback(fresh.orderNo ?? '');
    assert.ok(processing !== null);
    await gw.settle(fresh.orderNo ?? '', 'SUCCESS');
    const stale = check(
      await rejection(client.confirmCallback(sdk.verifyCallback({ ...processing, platformPublicKey: gw.platformPublicKey }))),
      sdk.StaleCallbackError,
      { code: 'string', kind: 'string', announcedStatus: 'string|null', gatewayStatus: 'string|null', callback: 'object', inquiry: 'object' },
    );
    conforms(stale.inquiry, statusResponse, 'StaleCallbackError.inquiry');

    const unreachable = new sdk.Client(gw.clientOptions({ baseUrl: 'http://127.0.0.1:9', retry: { maxAttempts: 1 } }));
    check(await rejection(unreachable.inquireStatus({ orderNo: 'ORDER0001' })), sdk.TransportError, { code: 'string', kind: 'string' });
    assert.equal(seen.size, 9);
  } finally {
    await gw.close();
  }
});

test('batch answers have exactly the declared fields, of the declared shapes', async () => {
  const gw = await MockGateway.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shapes-batch-'));
  try {
    const client = new sdk.Client(gw.clientOptions({ timeoutMs: 2000 }));
    const batch = await sdk.Batch.open(client, { journal: path.join(dir, 'journal.db'), batchId: 'shapes' });
    const stamp = Date.now();
    const idr = (orderNo: string, amount: string): PayoutRequest => ({
      region: 'IDR',
      orderNo,
      purpose: 'Shapes',
      amount,
      paymentMethod: 'BRI',
      cashAccount: '78120011629261665',
    });
    const added = await batch.add([idr(`SHAPEB${stamp}`, '150000'), idr(`SHAPEC${stamp}`, '20000'), idr('X', '1')], {
      skipInvalid: true,
    });
    conforms(added, addSummary, 'AddSummary');
    assert.equal(added.skipped.length, 1);
    for (const skipped of added.skipped) conforms(skipped, rowError, 'BatchRowError');

    gw.setBalance('ACC1', { currency: 'IDR', balance: '1000000', available: '900000' });
    const cover = await batch.preflight('ACC1');
    assert.deepEqual(Object.keys(cover), ['IDR']);
    conforms(cover.IDR, coverage, 'Coverage');

    const seen: BatchProgress[] = [];
    const summary = await batch.run({ onProgress: (p) => seen.push(p) });
    conforms(summary, runSummary, 'RunSummary');
    conformsCounts(summary.counts, 'RunSummary.counts');
    assert.ok(seen.length > 0, 'a run reports progress');
    for (const p of seen) {
      conforms(p, batchProgress, 'BatchProgress');
      conformsCounts(p.counts, 'BatchProgress.counts');
    }

    await gw.settle(`SHAPEB${stamp}`, 'SUCCESS');
    await gw.settle(`SHAPEC${stamp}`, 'FAILED');
    assert.equal((await batch.run({ settleWithinMs: 10_000 })).counts.final, 2);
    const report = await batch.report();
    conforms(report, batchReport, 'BatchReport');
    assert.equal(report.rows.length, 2);
    for (const row of report.rows) {
      conforms(row, reportRow, 'ReportRow');
      assert.ok(Object.values(everyState).includes(row.state), row.state);
    }
    assert.deepEqual(Object.keys(report.byState), ['final']);
    conformsTotal(report.byState.final, 'BatchReport.byState.final');
    assert.deepEqual(Object.keys(report.byStatus).sort(), ['FAILED', 'SUCCESS']);
    for (const [status, total] of Object.entries(report.byStatus)) conformsTotal(total, `BatchReport.byStatus.${status}`);
    const totals = await batch.totals();
    conforms(totals, batchTotals, 'BatchTotals');
    assert.deepEqual([totals.rows, totals.complete], [2, true]);
    conformsTotal(totals.byState.final, 'BatchTotals.byState.final');
    await batch.close();
  } finally {
    await gw.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
