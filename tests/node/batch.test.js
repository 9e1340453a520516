'use strict';
// `Batch` against the in-process mock gateway: rows from code, CSV and JSON Lines files,
// validation before anything is journaled, re-adds, running until final, exact totals
// (checked against sums computed here with BigInt), the CSV report, progress, abort and
// resume, callbacks, pre-flight, and the journal and setting errors.

const test = require('node:test');
const assert = require('node:assert/strict');
const diagnostics = require('node:diagnostics_channel');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');
const smilepayz = require('smilepayz');
const { MockGateway } = require('smilepayz/testing');
const { requestFor, orderNo } = require('./helpers.js');

const {
  Batch,
  CallbackVerifier,
  ConfigError,
  BatchRowsError,
  BatchInputError,
  BatchOutputError,
  JournalError,
  InsufficientBalanceError,
  CallbackDisagreesError,
  SmilepayzError,
} = smilepayz;

let gw;
let client;
let dir;
test.before(async () => {
  gw = await MockGateway.start();
  client = gw.client({ timeoutMs: 5000 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smilepayz-batch-'));
});
test.after(async () => {
  await gw.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let journals = 0;
/** A batch on a fresh SQLite journal in the test's directory. */
async function freshBatch(batchId = 'payroll-2026-11') {
  journals += 1;
  return Batch.open(client, { journal: path.join(dir, `journal-${journals}.db`), batchId });
}

const rejection = (promise) =>
  promise.then(
    (v) => assert.fail(`expected a rejection, got ${JSON.stringify(v)}`),
    (e) => e,
  );

/** A decimal string as [minor units, scale]: exact, no float anywhere. */
function decimal(text) {
  assert.equal(typeof text, 'string', `an amount must be a string, got ${typeof text}`);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  assert.ok(m, `not a plain decimal: ${text}`);
  const fraction = m[2] ?? '';
  return [BigInt(m[1] + fraction), fraction.length];
}

/** The sum of decimal strings, as a normalised string (trailing zeros dropped). */
function sum(texts) {
  const parts = texts.map(decimal);
  const scale = Math.max(0, ...parts.map(([, s]) => s));
  const total = parts.reduce((acc, [units, s]) => acc + units * 10n ** BigInt(scale - s), 0n);
  return normalised(total, scale);
}

function normalised(units, scale) {
  let digits = units.toString().padStart(scale + 1, '0');
  let point = digits.length - scale;
  let text = scale > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : digits;
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return text;
}

/** A report's decimal string, normalised the same way. */
const same = (text) => normalised(...decimal(text));

/** Snake_case rows for files: an Indonesian and a USDT pay-out, as Python's from_dict reads them. */
const idrRow = (order, amount) => ({
  region: 'IDR',
  order_no: order,
  purpose: 'Payroll',
  amount,
  payment_method: 'BRI',
  cash_account: '78120011629261665',
});
const usdtRow = (order, amount) => ({
  region: 'USDT',
  order_no: order,
  purpose: 'Treasury',
  amount,
  cash_account: 'TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ',
  network: 'TRC20',
});

const CSV_COLUMNS = [
  'region',
  'order_no',
  'purpose',
  'amount',
  'payment_method',
  'cash_account',
  'cash_account_type',
  'cci',
  'network',
  'receiver.email',
  'receiver.id_number',
  'receiver.id_type',
  'receiver.name',
  'receiver.phone',
];

/** A CSV file of rows (flat objects keyed by CSV_COLUMNS; absent cells empty). */
function writeCsv(name, rows) {
  const cell = (v) => (v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
  const lines = [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(','))];
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function writeJsonLines(name, rows) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return file;
}

test('rows from code run once each, settle to final, and report exact totals', async () => {
  const batch = await freshBatch();
  assert.equal(batch.batchId, 'payroll-2026-11');
  assert.equal(batch.journal, 'sqlite');
  const rows = [
    requestFor('IDR', { amount: '150000' }),
    requestFor('PEN', { amount: '1050' }),
    requestFor('USDT', { amount: '100.5' }),
    requestFor('USDT', { amount: '0.25' }),
    { ...requestFor('IDR', { amount: 250001 }), orderNo: undefined }, // orderNo derived
    requestFor('IDR', { amount: '7' }),
  ];
  // Rows from code are camelCase, as `payout` takes them: a snake_case one is refused,
  // with the camelCase name to use, and nothing is journaled.
  const snake = await batch.add([...rows, idrRow(orderNo('SNAKE'), '7')]).catch((e) => e);
  assert.ok(snake instanceof BatchRowsError, String(snake));
  assert.deepEqual(snake.rows.map((r) => r.rowNumber), [7]);
  assert.ok(
    snake.rows[0].violations.some((v) => v.path === 'cash_account' && /camelCase here \(cashAccount\)/.test(v.message)),
    JSON.stringify(snake.rows[0].violations),
  );
  const added = await batch.add(rows);
  assert.deepEqual(added, { added: 6, unchanged: 0, skipped: [] });

  const progress = [];
  const first = await batch.run({ concurrency: 3, onProgress: (p) => progress.push(p) });
  assert.equal(first.sent, 6);
  assert.equal(first.counts.accepted, 6);
  assert.equal(first.finished, true);
  assert.equal(first.stopped, false);
  assert.ok(progress.length >= 1, 'progress was reported');
  const last = progress.at(-1);
  assert.equal(typeof last.ratePerSecond, 'number');
  assert.equal(last.counts.accepted + last.counts.sending + last.counts.pending, 6);

  const report = await batch.report();
  const byRow = new Map(report.rows.map((r) => [r.rowNumber, r]));
  assert.match(byRow.get(5).orderNo, /^B[0-9A-F]{10}R0*5$/);
  for (const row of report.rows) assert.equal(gw.payoutRequestsFor(row.orderNo), 1, row.orderNo);

  // The gateway decides; polling until settled records it.
  for (const row of report.rows) await gw.settle(row.orderNo, row.rowNumber === 2 ? 'FAILED' : 'SUCCESS');
  const settled = await batch.run({ settleWithinMs: 10000 });
  assert.equal(settled.sent, 0, 'nothing is sent twice');
  assert.equal(settled.counts.final, 6);

  const done = await batch.report();
  assert.equal(done.batchId, 'payroll-2026-11');
  const amounts = (rowsOf) => {
    const per = {};
    for (const r of rowsOf) (per[r.currency] ??= []).push(r.amount);
    return Object.fromEntries(Object.entries(per).map(([c, list]) => [c, sum(list)]));
  };
  const want = amounts(rows.map((r) => ({ currency: r.region, amount: String(r.amount) })).filter((_, i) => i !== 1));
  const final = done.byState.final;
  assert.equal(final.rows, 6);
  const success = done.byStatus.SUCCESS;
  assert.equal(success.rows, 5);
  assert.deepEqual(Object.keys(success.amounts).sort(), Object.keys(want).sort());
  for (const [currency, amount] of Object.entries(success.amounts)) assert.equal(same(amount), want[currency], currency);
  assert.equal(same(success.amounts.USDT), '100.75');
  assert.equal(same(success.amounts.IDR), '400008');
  assert.equal(done.byStatus.FAILED.amounts.PEN, '1050');

  // The totals alone: the same sums, counted a page at a time.
  const totals = await batch.totals();
  assert.equal(totals.batchId, 'payroll-2026-11');
  assert.equal(totals.rows, 6);
  assert.equal(totals.paused, null);
  assert.equal(totals.complete, true);
  assert.deepEqual(totals.byState, done.byState);
  assert.deepEqual(totals.byStatus, done.byStatus);

  const csv = await batch.reportCsv();
  const lines = csv.trimEnd().split('\n');
  assert.equal(lines[0], 'row_number,order_no,trade_no,state,status,gateway_code,message,currency,amount,send_attempts');
  assert.equal(lines.length, 7);
  assert.ok(lines.some((l) => l.includes(',final,FAILED,') && l.includes(',PEN,1050,1')), csv);

  // The same rows again change nothing; a changed one is refused.
  assert.deepEqual(await batch.add(rows), { added: 0, unchanged: 6, skipped: [] });
  const changed = await rejection(batch.add([rows[0], { ...rows[1], amount: '1051' }]));
  assert.ok(changed instanceof BatchRowsError, String(changed));
  assert.deepEqual(
    changed.rows.map((r) => [r.rowNumber, r.problem]),
    [[2, 'changed']],
  );
  await batch.close();
});

test('saveReportCsv writes the reportCsv text to an owner-only file; a bad path is BatchOutputError', async () => {
  const batch = await freshBatch('saved');
  const rows = [1, 2, 3].map((n) => requestFor('IDR', { amount: String(10000 + n) }));
  rows.push(requestFor('USDT', { amount: '0.5' }));
  await batch.add(rows);
  assert.equal((await batch.run({ concurrency: 2 })).counts.accepted, 4);
  const expected = await batch.reportCsv();
  assert.equal(expected.trimEnd().split('\n').length, 5);
  const mode = (file) => fs.statSync(file).mode & 0o777;

  // A new file: created 0600.
  const fresh = path.join(dir, 'saved-fresh.csv');
  assert.equal(await batch.saveReportCsv(fresh), 4);
  assert.equal(fs.readFileSync(fresh, 'utf8'), expected);
  assert.equal(mode(fresh), 0o600);

  // An existing file others may read, longer than the report: narrowed and truncated.
  const existing = path.join(dir, 'saved-existing.csv');
  fs.writeFileSync(existing, 'x'.repeat(expected.length * 2));
  fs.chmodSync(existing, 0o644);
  assert.equal(await batch.saveReportCsv(existing), 4);
  assert.equal(fs.readFileSync(existing, 'utf8'), expected);
  assert.equal(mode(existing), 0o600);

  // A missing directory: the batch's output error, naming the file.
  const missing = path.join(dir, 'no-such-dir', 'report.csv');
  const failed = await rejection(batch.saveReportCsv(missing));
  assert.ok(failed instanceof BatchOutputError && failed instanceof SmilepayzError, String(failed));
  assert.equal(failed.code, 'SMILEPAYZ_BATCH_OUTPUT');
  assert.equal(failed.kind, 'batch_output');
  assert.equal(failed.path, missing);
  assert.ok(failed.message.startsWith(`${missing}: cannot write the report: `), failed.message);
  assert.equal(fs.existsSync(path.dirname(missing)), false);
  // A forgotten path is refused, not written to a file named `undefined`.
  await assert.rejects(batch.saveReportCsv(), TypeError);
  assert.equal(fs.existsSync('undefined'), false);
  await batch.close();
});

test('invalid rows: every one reported with its number and paths, nothing journaled; skipInvalid adds the rest', async () => {
  const batch = await freshBatch('checked');
  const good = requestFor('IDR');
  const rows = [good, { region: 'IDR', amount: 1.5, orderNo: orderNo() }, requestFor('PEN'), { region: 'XYZ' }];
  const err = await rejection(batch.add(rows));
  assert.ok(err instanceof BatchRowsError && err instanceof SmilepayzError, String(err));
  assert.equal(err.code, 'SMILEPAYZ_BATCH_ROWS');
  assert.deepEqual(
    err.rows.map((r) => r.rowNumber),
    [2, 4],
  );
  const paths = err.rows[0].violations.map((v) => v.path);
  assert.ok(paths.includes('amount') && paths.includes('paymentMethod'), paths.join());
  assert.equal(err.rows[1].violations[0].path, 'region');
  assert.match(err.message, /nothing was journaled/);
  assert.equal((await batch.report()).rows.length, 0, 'nothing journaled');

  const skipped = await batch.add(rows, { skipInvalid: true });
  assert.equal(skipped.added, 2);
  assert.deepEqual(
    skipped.skipped.map((r) => [r.rowNumber, r.problem]),
    [
      [2, 'invalid'],
      [4, 'invalid'],
    ],
  );
  const report = await batch.report();
  assert.deepEqual(
    report.rows.map((r) => [r.rowNumber, r.state]),
    [
      [1, 'pending'],
      [3, 'pending'],
    ],
  );
  assert.equal(report.rows[0].orderNo, good.orderNo);

  // A value JSON cannot carry is that row's violation too.
  const fresh = await freshBatch('unconvertible');
  const odd = await rejection(fresh.add([requestFor('IDR'), requestFor('IDR', { purpose: () => 'Payroll' })]));
  assert.ok(odd instanceof BatchRowsError, String(odd));
  assert.deepEqual(
    odd.rows.map((r) => [r.rowNumber, r.violations[0].path]),
    [[2, 'purpose']],
  );
  assert.match(odd.rows[0].violations[0].message, /function/);
  await fresh.close();

  const bad = await rejection(batch.add({ region: 'IDR' }));
  assert.ok(bad instanceof TypeError, 'rows must be iterable');
  const empty = await rejection(batch.add([]));
  assert.ok(empty instanceof BatchInputError, String(empty));
  await batch.close();
});

test('CSV and JSON Lines files: added once, re-added unchanged, a changed row refused', async () => {
  const batch = await freshBatch('files');
  const pen = requestFor('PEN');
  const csvRows = [
    idrRow(orderNo('CSV'), '10000'),
    usdtRow(orderNo('CSV'), '12.5'),
    {
      region: 'PEN',
      order_no: orderNo('CSV'),
      purpose: 'Pago, "proveedor"',
      amount: '1050',
      payment_method: pen.paymentMethod,
      cash_account: pen.cashAccount,
      cash_account_type: pen.cashAccountType,
      cci: pen.cci,
      'receiver.email': pen.receiver.email,
      'receiver.id_number': pen.receiver.idNumber,
      'receiver.id_type': pen.receiver.idType,
      'receiver.name': pen.receiver.name,
      'receiver.phone': pen.receiver.phone,
    },
  ];
  const csv = writeCsv('rows.csv', csvRows);
  assert.deepEqual(await batch.addFile(csv), { added: 3, unchanged: 0, skipped: [] });
  assert.deepEqual(await batch.addFile(csv), { added: 0, unchanged: 3, skipped: [] });
  const edited = writeCsv('rows-edited.csv', [csvRows[0], { ...csvRows[1], amount: '12.6' }, csvRows[2]]);
  const changed = await rejection(batch.addFile(edited));
  assert.ok(changed instanceof BatchRowsError, String(changed));
  assert.deepEqual(
    changed.rows.map((r) => [r.rowNumber, r.problem]),
    [[2, 'changed']],
  );

  const other = await freshBatch('lines');
  const lines = writeJsonLines('rows.jsonl', [idrRow(undefined, '20000'), usdtRow(orderNo('JL'), '0.0001')]);
  assert.deepEqual(await other.addFile(lines, { skipInvalid: false }), { added: 2, unchanged: 0, skipped: [] });
  const summary = await other.run({ concurrency: 2, settleWithinMs: 0 });
  assert.equal(summary.sent, 2);
  const report = await other.report();
  assert.equal(report.byState.accepted.amounts.USDT, '0.0001');

  const wrong = writeJsonLines('wrong.jsonl', [{ ...idrRow(orderNo('JL'), '1.5') }]);
  const invalid = await rejection(other.addFile(wrong));
  assert.ok(invalid instanceof BatchRowsError);
  assert.equal(invalid.rows[0].rowNumber, 1);
  assert.equal(invalid.rows[0].violations[0].path, 'amount');
  const notAFormat = await rejection(other.addFile(path.join(dir, 'rows.txt')));
  assert.ok(notAFormat instanceof BatchInputError, String(notAFormat));
  await batch.close();
  await other.close();
});

test('progress: a throwing onProgress is reported and the run goes on', async () => {
  const batch = await freshBatch('noisy');
  await batch.add([requestFor('IDR'), requestFor('IDR'), requestFor('USDT')]);
  const published = [];
  const onError = (message) => published.push(message);
  diagnostics.subscribe('smilepayz:batch_progress_error', onError);
  let calls = 0;
  try {
    const summary = await batch.run({
      onProgress: () => {
        calls += 1;
        throw new Error('listener bug');
      },
    });
    assert.equal(summary.sent, 3);
    assert.equal(summary.finished, true);
    // Reports already queued arrive right after the run.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    diagnostics.unsubscribe('smilepayz:batch_progress_error', onError);
  }
  assert.ok(calls >= 1);
  assert.equal(published.length, calls);
  assert.equal(published[0].batchId, 'noisy');
  assert.equal(published[0].error.message, 'listener bug');

  // Without subscribers: a process warning.
  const other = await freshBatch('warned');
  await other.add([requestFor('IDR')]);
  const warned = new Promise((resolve) => process.once('warning', resolve));
  await other.run({
    onProgress: () => {
      throw new Error('again');
    },
  });
  const warning = await warned;
  assert.equal(warning.name, 'SmilepayzBatchWarning');
  assert.match(warning.message, /again/);
  await batch.close();
  await other.close();
});

test('abort stops taking rows, nothing is left sending, and resume finishes', async () => {
  const batch = await freshBatch('aborted');
  const rows = Array.from({ length: 12 }, () => requestFor('IDR'));
  await batch.add(rows);
  const controller = new AbortController();
  const summary = await batch.run({
    concurrency: 1,
    rate: 10,
    signal: controller.signal,
    onProgress: (p) => {
      if (p.sent >= 2) controller.abort();
    },
  });
  assert.equal(summary.stopped, true);
  assert.equal(summary.finished, false);
  assert.equal(summary.counts.sending, 0);
  assert.equal(summary.counts.unknown, 0);
  assert.ok(summary.counts.pending > 0, JSON.stringify(summary));
  assert.ok(summary.sent < 12);

  const resumed = await batch.resume({ concurrency: 4 });
  assert.equal(resumed.finished, true);
  assert.equal(resumed.counts.accepted, 12);
  assert.equal(summary.sent + resumed.sent, 12);
  for (const r of rows) assert.equal(gw.payoutRequestsFor(r.orderNo), 1, r.orderNo);

  // An already aborted signal takes no row at all.
  const idle = await freshBatch('idle');
  await idle.add([requestFor('IDR')]);
  const stopped = await idle.run({ signal: AbortSignal.abort() });
  assert.equal(stopped.stopped, true);
  assert.equal(stopped.sent, 0);
  assert.ok((await rejection(idle.run({ signal: {} }))) instanceof TypeError);
  await batch.close();
  await idle.close();
});

test('callbacks: a confirmed callback is recorded; anything else is refused', async () => {
  const batch = await freshBatch('called-back');
  const request = requestFor('IDR');
  await batch.add([request]);
  await batch.run();
  await gw.settle(request.orderNo, 'SUCCESS');
  const verifier = new CallbackVerifier({ platformPublicKey: gw.platformPublicKey });
  const confirmed = await client.confirmCallback(verifier.verify(gw.signedCallback(request.orderNo)));
  assert.equal(confirmed.orderNo, request.orderNo);
  assert.equal(await batch.recordCallback(confirmed), 'final');
  const row = (await batch.report()).rows[0];
  assert.equal(row.state, 'final');
  assert.equal(row.status, 'SUCCESS');

  // A look-alike object is not a confirmation.
  assert.ok((await rejection(batch.recordCallback({ ...confirmed }))) instanceof TypeError);
  // An order of no row of this batch: null.
  const other = await freshBatch('unrelated');
  await other.add([requestFor('IDR')]);
  assert.equal(await other.recordCallback(confirmed), null);
  // A journal (another file) holding this orderNo with other money: refused, not recorded.
  const elsewhere = await freshBatch('elsewhere');
  await elsewhere.add([{ ...request, amount: '150001' }]);
  const disagrees = await rejection(elsewhere.recordCallback(confirmed));
  assert.ok(disagrees instanceof CallbackDisagreesError, String(disagrees));
  assert.equal(disagrees.orderNo, request.orderNo);
  assert.match(disagrees.detail, /150001/);
  assert.equal((await elsewhere.report()).rows[0].state, 'pending');
  await batch.close();
  await other.close();
  await elsewhere.close();
});

test('preflight: covered balances pass, a short one is InsufficientBalanceError with exact strings', async () => {
  const batch = await freshBatch('preflight');
  await batch.add([requestFor('USDT', { amount: '100.5' }), requestFor('USDT', { amount: '0.25' })]);
  gw.setBalance('ACC-1', { currency: 'USDT', balance: '1000', available: '100.75' });
  const coverage = await batch.preflight('ACC-1');
  assert.equal(same(coverage.USDT.needed), '100.75');
  assert.equal(same(coverage.USDT.available), '100.75');
  gw.setBalance('ACC-2', { currency: 'USDT', balance: '1000', available: '100.74' });
  const err = await rejection(batch.preflight('ACC-2'));
  assert.ok(err instanceof InsufficientBalanceError, String(err));
  assert.equal(err.code, 'SMILEPAYZ_INSUFFICIENT_BALANCE');
  assert.equal(err.currency, 'USDT');
  assert.equal(same(err.needed), '100.75');
  assert.equal(err.available, '100.74');
  assert.equal((await batch.report()).rows.filter((r) => r.state !== 'pending').length, 0, 'nothing sent');
  await batch.close();
});

test('journal errors: not a journal, a refusing PostgreSQL URL (password never shown), in use', async () => {
  const notAJournal = path.join(dir, 'notes.db');
  fs.writeFileSync(notAJournal, 'these are my notes, not a journal\n'.repeat(200), { mode: 0o600 });
  const err = await rejection(Batch.open(client, { journal: notAJournal, batchId: 'x' }));
  assert.ok(err instanceof JournalError, String(err));
  assert.equal(err.reason, 'not_a_journal');
  assert.equal(err.code, 'SMILEPAYZ_JOURNAL');
  assert.equal(fs.readFileSync(notAJournal, 'utf8').slice(0, 10), 'these are ', 'left as it was');

  const url = 'postgresql://payroll:Sup3rSecretPw@127.0.0.1:1/journal';
  const pg = await rejection(Batch.open(client, { journal: url, batchId: 'x' }));
  assert.ok(pg instanceof JournalError, String(pg));
  assert.ok(!util.inspect(pg).includes('Sup3rSecretPw'), util.inspect(pg));
  assert.ok(!JSON.stringify(pg).includes('Sup3rSecretPw'));

  const file = path.join(dir, 'shared.db');
  const holder = await Batch.open(client, { journal: file, batchId: 'a' });
  assert.equal(util.inspect(holder), "Batch { batchId: 'a', journal: 'sqlite' }");
  assert.deepEqual(JSON.parse(JSON.stringify(holder)), { batchId: 'a', journal: 'sqlite' });
  const busy = await rejection(Batch.open(client, { journal: file, batchId: 'b' }));
  assert.ok(busy instanceof JournalError && busy.reason === 'in_use', String(busy));
  await holder.close();
  const closed = await rejection(holder.report());
  assert.ok(closed instanceof ConfigError, String(closed));
  // Closing released the file.
  const again = await Batch.open(client, { journal: file, batchId: 'b' });
  await again.close();
});

test('mustExist opens only a batch the journal holds: a mistyped id is a ConfigError, not a new batch', async () => {
  const journal = path.join(dir, 'existing.db');
  const first = await Batch.open(client, { journal, batchId: 'payroll-2026-11' });
  await first.add([requestFor('IDR')]);
  await first.close();
  const typo = await rejection(Batch.open(client, { journal, batchId: 'payrol-2026-11', mustExist: true }));
  assert.ok(typo instanceof ConfigError, String(typo));
  assert.match(typo.message, /holds no batch "payrol-2026-11"/);
  const again = await Batch.open(client, { journal, batchId: 'payroll-2026-11', mustExist: true });
  assert.equal((await again.report()).rows.length, 1, 'the batch as it was added');
  await again.close();
  // The refused typo created nothing: it is refused again.
  const still = await rejection(Batch.open(client, { journal, batchId: 'payrol-2026-11', mustExist: true }));
  assert.ok(still instanceof ConfigError, String(still));
});

test('bad settings are ConfigError naming the setting', async () => {
  const batch = await freshBatch('settings');
  await batch.add([requestFor('IDR')]);
  const cases = [
    [{ concurrency: 0 }, /concurrency/],
    [{ rate: -1 }, /rate/],
    [{ concurency: 4 }, /concurency/],
    [{ settleWithinMs: 'soon' }, /settle/],
    // Shorter than the client's 5 s request timeout: a pay-out in flight would be taken for absent.
    [{ notFoundGraceMs: 4999 }, /not_found_grace \(4999 ms\) must be at least the client's request timeout \(5000 ms\)/],
    [{ leaseMs: 1000 }, /lease \(1000 ms\) must be at least the client's request timeout/],
  ];
  for (const [options, pattern] of cases) {
    const err = await rejection(batch.run(options));
    assert.ok(err instanceof ConfigError, `${JSON.stringify(options)}: ${err}`);
    assert.match(err.message, pattern);
  }
  const add = await rejection(batch.add([requestFor('IDR')], { skip: true }));
  assert.ok(add instanceof ConfigError && /skip/.test(add.message), String(add));
  const open = await rejection(Batch.open(client, { journal: path.join(dir, 'o.db'), batchId: 'o', workers: 2 }));
  assert.ok(open instanceof ConfigError && /workers/.test(open.message), String(open));
  const id = await rejection(Batch.open(client, { journal: path.join(dir, 'o.db'), batchId: 'has space' }));
  assert.ok(id instanceof ConfigError, String(id));
  assert.ok((await rejection(Batch.open({}, { journal: 'x.db', batchId: 'x' }))) instanceof TypeError);
  assert.equal((await batch.report()).rows[0].state, 'pending', 'nothing sent');
  await batch.close();
});
