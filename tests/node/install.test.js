'use strict';
// The packed tarball installs into a fresh project and works there: `npm pack`, then
// `npm install <tarball>` in a temporary directory, then require, import and a pay-out
// against the mock gateway shipped in `smilepayz/testing`.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const PACKAGE = path.join(__dirname, '..', '..', 'bindings-node');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];

const CJS = `
const { Client, isFinal } = require('smilepayz');
const { MockGateway } = require('smilepayz/testing');
(async () => {
  const gw = await MockGateway.start();
  const client = new Client(gw.clientOptions());
  const a = await client.payout({ region: 'IDR', orderNo: 'TARBALL0001', purpose: 'Payroll', amount: 150000,
    paymentMethod: 'BRI', cashAccount: '78120011629261665' });
  await gw.close();
  console.log(JSON.stringify({ orderNo: a.orderNo, status: a.status, final: isFinal(a.status) }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

const ESM = `
import { Client, ValidationError } from 'smilepayz';
import { MockGateway } from 'smilepayz/testing';
const gw = await MockGateway.start();
const client = new Client(gw.clientOptions());
const a = await client.payout({ region: 'USDT', orderNo: 'TARBALL0002', purpose: 'Treasury', amount: '100.5',
  network: 'TRC20', cashAccount: 'TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ' });
const refused = await client.payout({ region: 'USDT' }).catch((e) => e instanceof ValidationError);
await gw.close();
console.log(JSON.stringify({ orderNo: a.orderNo, amount: a.money.amount, refused }));
`;

test('npm pack, npm install <tarball> in a fresh project, require and import it', { timeout: 180_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smilepayz-install-'));
  try {
    const packed = JSON.parse(
      execFileSync(npm, ['pack', '--json', '--pack-destination', dir, ...quiet], { cwd: PACKAGE, encoding: 'utf8' }),
    );
    const tarball = path.join(dir, packed[0].filename);
    const files = packed[0].files.map((f) => f.path);
    for (const f of ['index.js', 'index.mjs', 'index.d.ts', 'testing.js', 'testing.d.ts', 'native.js']) {
      assert.ok(files.includes(f), `${f} in the tarball`);
    }
    assert.ok(files.some((f) => f.endsWith('.node')), 'the native binary is in the tarball');

    const project = path.join(dir, 'app');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, version: '1.0.0' }));
    execFileSync(npm, ['install', tarball, ...quiet], { cwd: project, encoding: 'utf8' });
    const installed = path.join(project, 'node_modules', 'smilepayz');
    assert.ok(fs.existsSync(path.join(installed, 'index.d.ts')));

    fs.writeFileSync(path.join(project, 'cjs.js'), CJS);
    fs.writeFileSync(path.join(project, 'esm.mjs'), ESM);
    const cjs = JSON.parse(execFileSync(process.execPath, ['cjs.js'], { cwd: project, encoding: 'utf8' }));
    assert.deepEqual(cjs, { orderNo: 'TARBALL0001', status: 'PROCESSING', final: false });
    const esm = JSON.parse(execFileSync(process.execPath, ['esm.mjs'], { cwd: project, encoding: 'utf8' }));
    assert.deepEqual(esm, { orderNo: 'TARBALL0002', amount: '100.5', refused: true });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
