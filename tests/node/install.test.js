'use strict';
// The split npm layout installs into a fresh project and works there: `npm pack` of the
// main package (JavaScript, types, loader: no binary) and of a platform package made from
// npm/<platform>/package.json and the addon this build left in bindings-node, both
// installed with `npm install <tarballs>` in a temporary directory, then require, import
// and a pay-out against the mock gateway shipped in `smilepayz/testing`. The loader must
// take the binary from the platform package. scripts/test-install.sh does the same with
// the release artifacts of scripts/dist.sh, offline and without a Rust toolchain.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const REPO = path.join(__dirname, '..', '..');
const PACKAGE = path.join(REPO, 'bindings-node');
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
  const natives = Object.keys(require.cache).filter((f) => f.endsWith('.node'));
  console.log(JSON.stringify({ orderNo: a.orderNo, status: a.status, final: isFinal(a.status), natives }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

const ESM = `
import { createRequire } from 'node:module';
import { Client, ValidationError } from 'smilepayz';
import { MockGateway } from 'smilepayz/testing';
const gw = await MockGateway.start();
const client = new Client(gw.clientOptions());
const a = await client.payout({ region: 'USDT', orderNo: 'TARBALL0002', purpose: 'Treasury', amount: '100.5',
  network: 'TRC20', cashAccount: 'TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ' });
const refused = await client.payout({ region: 'USDT' }).catch((e) => e instanceof ValidationError);
await gw.close();
const natives = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.endsWith('.node'));
console.log(JSON.stringify({ orderNo: a.orderNo, amount: a.money.amount, refused, natives }));
`;

function pack(dir, into) {
  const packed = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', into, ...quiet], { cwd: dir, encoding: 'utf8' }));
  return { tarball: path.join(into, packed[0].filename), files: packed[0].files.map((f) => f.path) };
}

test('npm pack of the main and a platform package, npm install of both in a fresh project, require and import', { timeout: 180_000 }, () => {
  const binary = fs.readdirSync(PACKAGE).find((f) => /^smilepayz\.[a-z0-9-]+\.node$/.test(f));
  assert.ok(binary, 'a napi build left smilepayz.<platform>.node in bindings-node');
  const platform = binary.split('.')[1];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smilepayz-install-'));
  try {
    const main = pack(PACKAGE, dir);
    for (const f of ['index.js', 'index.mjs', 'index.d.ts', 'types.d.ts', 'testing.js', 'testing.d.ts', 'native.js']) {
      assert.ok(main.files.includes(f), `${f} in the main tarball`);
    }
    assert.deepEqual(main.files.filter((f) => f.endsWith('.node')), [], 'no binary in the main tarball');

    const platformDir = path.join(dir, platform);
    fs.mkdirSync(platformDir);
    fs.copyFileSync(path.join(REPO, 'npm', platform, 'package.json'), path.join(platformDir, 'package.json'));
    fs.copyFileSync(path.join(PACKAGE, binary), path.join(platformDir, binary));
    const plat = pack(platformDir, dir);
    assert.deepEqual(plat.files.sort(), ['package.json', binary]);

    const project = path.join(dir, 'app');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, version: '1.0.0' }));
    execFileSync(npm, ['install', main.tarball, plat.tarball, ...quiet], { cwd: project, encoding: 'utf8' });
    assert.ok(fs.existsSync(path.join(project, 'node_modules', 'smilepayz', 'index.d.ts')));

    const fromPlatformPackage = [path.join(fs.realpathSync(project), 'node_modules', `smilepayz-${platform}`, binary)];
    fs.writeFileSync(path.join(project, 'cjs.js'), CJS);
    fs.writeFileSync(path.join(project, 'esm.mjs'), ESM);
    const cjs = JSON.parse(execFileSync(process.execPath, ['cjs.js'], { cwd: project, encoding: 'utf8' }));
    assert.deepEqual(cjs, { orderNo: 'TARBALL0001', status: 'PROCESSING', final: false, natives: fromPlatformPackage });
    const esm = JSON.parse(execFileSync(process.execPath, ['esm.mjs'], { cwd: project, encoding: 'utf8' }));
    assert.deepEqual(esm, { orderNo: 'TARBALL0002', amount: '100.5', refused: true, natives: fromPlatformPackage });
    // The package's bin, as `npx smilepayz` runs it.
    const bin = path.join(project, 'node_modules', '.bin', process.platform === 'win32' ? 'smilepayz.cmd' : 'smilepayz');
    assert.equal(execFileSync(bin, ['--version'], { cwd: project, encoding: 'utf8' }).trim(), 'smilepayz 0.1.0');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
