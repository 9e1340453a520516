'use strict';
// `Batch` on a PostgreSQL journal: a throwaway cluster on a loopback port (installed from
// Debian packages when missing; `initdb` as the `postgres` user when running as root, as
// batch/tests/common/cluster.rs does), a batch run to the end, and a URL password that
// never shows. Skipped only with SMILEPAYZ_BATCH_SKIP_POSTGRES=1, and it says so.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');
const { Batch, JournalError } = require('smilepayz');
const { MockGateway } = require('smilepayz/testing');
const { requestFor } = require('./helpers.js');

const SKIP = process.env.SMILEPAYZ_BATCH_SKIP_POSTGRES === '1';
if (SKIP) console.log('PostgreSQL batch tests SKIPPED (SMILEPAYZ_BATCH_SKIP_POSTGRES=1)');

/** The bin directory of the newest installed PostgreSQL, or undefined. */
function findBin() {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')) && fs.existsSync(path.join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(a) - Number(b));
  return versions.length ? path.join(root, versions.at(-1), 'bin') : undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const asPostgres = process.getuid?.() === 0;
let cluster;

function tool(bin, name, args) {
  const [file, all] = asPostgres
    ? ['runuser', ['-u', 'postgres', '--', path.join(bin, name), ...args]]
    : [path.join(bin, name), args];
  return execFileSync(file, all, { stdio: ['ignore', 'pipe', 'pipe'] });
}

test.before(async () => {
  if (SKIP) return;
  let bin = findBin();
  if (!bin) {
    console.log('PostgreSQL is not installed: apt-get install postgresql');
    execFileSync('apt-get', ['install', '-y', '-q', 'postgresql'], { stdio: 'inherit' });
    bin = findBin();
    assert.ok(bin, 'initdb after installing postgresql');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smilepayz-node-pg-'));
  if (asPostgres) execFileSync('chown', ['postgres:', dir]);
  const data = path.join(dir, 'data');
  const port = await freePort();
  tool(bin, 'initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
  const options = `-p ${port} -k ${data} -c listen_addresses=127.0.0.1 -c max_connections=20`;
  tool(bin, 'pg_ctl', ['-D', data, '-l', path.join(data, 'server.log'), '-w', '-o', options, 'start']);
  cluster = { bin, dir, data, port };
});

test.after(() => {
  if (!cluster) return;
  try {
    tool(cluster.bin, 'pg_ctl', ['-D', cluster.data, '-m', 'immediate', '-w', 'stop']);
  } finally {
    fs.rmSync(cluster.dir, { recursive: true, force: true });
  }
});

test('a batch on PostgreSQL runs to the end; the URL password never shows', { skip: SKIP }, async () => {
  const gw = await MockGateway.start();
  try {
    const client = gw.client({ timeoutMs: 5000 });
    // Trust authentication ignores the password: it is there to be kept out of sight.
    const url = `postgresql://postgres:N0tShownAnywhere@127.0.0.1:${cluster.port}/postgres`;
    const batch = await Batch.open(client, { journal: url, batchId: 'node-pg' });
    assert.equal(batch.journal, 'postgresql');
    assert.equal(util.inspect(batch), "Batch { batchId: 'node-pg', journal: 'postgresql' }");
    assert.ok(!JSON.stringify(batch).includes('N0tShownAnywhere'));
    const rows = [requestFor('IDR'), requestFor('USDT', { amount: '0.5' }), requestFor('PEN')];
    assert.equal((await batch.add(rows)).added, 3);
    const summary = await batch.run({ concurrency: 2, leaseMs: 60000 });
    assert.equal(summary.finished, true);
    assert.equal(summary.counts.accepted, 3);
    for (const r of rows) assert.equal(gw.payoutRequestsFor(r.orderNo), 1, r.orderNo);
    const report = await batch.report();
    assert.equal(report.byState.accepted.amounts.USDT, '0.5');
    await batch.close();

    // Another batch in the same database: an orderNo of the first is refused.
    const other = await Batch.open(client, { journal: url, batchId: 'node-pg-2' });
    const dup = await other.add([rows[0]]).catch((e) => e);
    assert.equal(dup.rows?.[0]?.problem, 'duplicate_order_no', String(dup));
    await other.close();

    // Nothing listens on this port: a JournalError, without the password.
    const refused = await Batch.open(client, {
      journal: `postgresql://postgres:N0tShownAnywhere@127.0.0.1:${await freePort()}/postgres`,
      batchId: 'x',
    }).catch((e) => e);
    assert.ok(refused instanceof JournalError, String(refused));
    assert.ok(!util.inspect(refused).includes('N0tShownAnywhere'), util.inspect(refused));
  } finally {
    await gw.close();
  }
});
