'use strict';
// The `smilepayz` command of the npm package (bin/smilepayz.js): the Rust command line
// through the addon. --version, exit codes, and `smilepayz mock` started, steered through
// its admin API and stopped by SIGTERM or SIGINT, cleanly, while hosted in Node.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { spawn, spawnSync } = require('node:child_process');

const BIN = path.join(__dirname, '..', '..', 'bindings-node', 'bin', 'smilepayz.js');
const VERSION = require('../../bindings-node/package.json').version;

const run = (...args) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
const runIn = (env, ...args) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000, env });

test('--version, --help and a usage error come from the Rust command', () => {
  const version = run('--version');
  assert.equal(version.status, 0);
  assert.equal(version.stdout.trim(), `smilepayz ${VERSION}`);
  const help = run('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Exit codes:/);
  const bad = run('payout', '--bogus');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unexpected argument '--bogus'/);
  const config = run('balance', 'ACC1');
  assert.equal(config.status, 3, config.stderr);
  const asJson = run('payout', '--bogus', '--json');
  assert.equal(asJson.status, 2);
  assert.equal(JSON.parse(asJson.stdout).error.usage_error, 'unknown_argument');
});

/** Starts `smilepayz mock` and resolves with the process and its settings line. */
function startMock() {
  const child = spawn(process.execPath, [BIN, 'mock'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr: () => stderr })));
  const settings = new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', () => reject(new Error(`mock exited early: ${stderr}`)));
  });
  return { child, settings, exited };
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  test(`smilepayz mock serves the admin API and stops cleanly on ${signal}`, { timeout: 30_000 }, async () => {
    const mock = startMock();
    const s = await mock.settings;
    assert.match(s.base_url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(s.merchant_private_key, /^-----BEGIN PRIVATE KEY-----/);
    const orders = await fetch(`${s.base_url}/_mock/orders`);
    assert.equal(orders.status, 200);
    assert.deepEqual(await orders.json(), []);
    const fault = await fetch(`${s.base_url}/_mock/faults`, {
      method: 'POST',
      body: JSON.stringify({ endpoint: 'payout', fault: 'dropAfterAccept' }),
    });
    assert.equal(fault.status, 200);
    mock.child.kill(signal);
    const { code, signal: killedBy, stderr } = await mock.exited;
    assert.equal(killedBy, null, `ended by ${killedBy}, not by its own handler`);
    assert.equal(code, 0, stderr());
    assert.match(stderr(), /mock gateway stopped/);
  });
}

test('smilepayz batch runs a JSON Lines file against smilepayz mock and reports it', { timeout: 60_000 }, async () => {
  const mock = startMock();
  const s = await mock.settings;
  try {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SMILEPAYZ_')));
    Object.assign(env, {
      SMILEPAYZ_BASE_URL: s.base_url,
      SMILEPAYZ_MERCHANT_ID: s.merchant_id,
      SMILEPAYZ_MERCHANT_SECRET: s.merchant_secret,
      SMILEPAYZ_PRIVATE_KEY: s.merchant_private_key,
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smilepayz-node-batch-'));
    const amounts = ['150000', '2500', '99'];
    const lines = amounts.map((amount, i) =>
      JSON.stringify({ region: 'IDR', order_no: `NODEROW${i + 1}`, purpose: 'Payroll', amount, payment_method: 'BRI', cash_account: '78120011629261665' }),
    );
    fs.writeFileSync(path.join(dir, 'rows.jsonl'), lines.join('\n') + '\n');
    const target = ['--journal', path.join(dir, 'batch.journal'), '--batch-id', 'node-batch'];
    const ran = runIn(env, 'batch', 'run', ...target, '--file', path.join(dir, 'rows.jsonl'), '--json');
    assert.equal(ran.status, 0, ran.stderr);
    const summary = JSON.parse(ran.stdout);
    assert.deepEqual([summary.added.added, summary.run.counts.accepted, summary.run.sent], [3, 3, 3]);
    const orders = await (await fetch(`${s.base_url}/_mock/orders`)).json();
    assert.deepEqual(orders.map((o) => o.orderNo).sort(), ['NODEROW1', 'NODEROW2', 'NODEROW3']);
    const report = runIn(env, 'batch', 'report', ...target);
    assert.equal(report.status, 0, report.stderr);
    const [header, ...rows] = report.stdout.trim().split('\n').map((l) => l.split(','));
    const amount = header.indexOf('amount');
    // Whole rupiah: exact as integers here.
    assert.equal(rows.reduce((sum, r) => sum + BigInt(r[amount]), 0n), 152599n);
  } finally {
    mock.child.kill('SIGTERM');
    await mock.exited;
  }
});
