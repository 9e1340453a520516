'use strict';
// The Node benchmark's smoke run: `benches/node/bench.mjs --quick` runs every section
// against whatever addon is built (debug in the test command), prints its table and
// exits 0. No timing is asserted: benchmark numbers are printed, never judged here.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');

const bench = path.join(__dirname, '..', '..', 'benches', 'node', 'bench.mjs');

test('bench.mjs --quick prints the table and exits 0', { timeout: 120_000 }, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [bench, '--quick'], { maxBuffer: 1 << 20 });
  assert.match(stdout, /^smilepayz Node benchmarks \(--quick/m);
  assert.match(stdout, /\| measure +\| unit +\| +SDK \| +baseline \| +ratio \|/);
  for (const row of [
    '1 sign (RSA-2048, key parsed once)',
    '2 verify callback',
    '3a pay-out, sequential wall time',
    '3b pay-out, JS-thread time',
    '4 64 in flight (SDK) vs sign-bound, 1 thread',
    "5 isFinal('SUCCESS') through the binding",
  ]) {
    const line = stdout.split('\n').find((l) => l.startsWith(`| ${row}`));
    assert.ok(line, `no row ${row}:\n${stdout}`);
    // Every figure is a finite number (no NaN or Infinity from an empty count).
    const cells = line.split('|').map((c) => c.trim());
    for (const cell of cells.slice(3, 6)) assert.match(cell, /^\d+(\.\d+)?( ?(×|%|µs))?$/, `${row}: ${cell}`);
  }
  assert.match(stdout, /\d+ baseline pay-outs, all accepted \(code 00\)/);
});
