// Node benchmarks of the smilepayz package against hand-written `crypto` + `fetch` code,
// measured side by side in one run, on one key, on this machine. Prints a table of
// medians and ratios; never passes or fails on a number.
//
//   node benches/node/bench.mjs            full run (build the addon in release first:
//                                          bash scripts/bench-node.sh does both)
//   node benches/node/bench.mjs --quick    tiny counts, a smoke run of every section
//
// Sections: 1 signing, 2 callback verification, 3 per-pay-out client cost (sequential
// wall time; JS-thread time over a concurrent run), 4 64 pay-outs in flight against the
// sign-bound limit, 5 binding overhead of a cheap native call.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import os from 'node:os';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const smilepayz = require('../../bindings-node/index.js');
const testing = require('../../bindings-node/testing.js');
const native = require('../../bindings-node/native.js');

const { Client, CallbackVerifier, RequestSigner, isFinal } = smilepayz;
const { MockGateway, signCallback, preparePayoutBody } = testing;

const TIMESTAMP = '2024-12-17T10:55:00+07:00';
const SECRET = 'bench-merchant-secret-0123456789';

// ---------------------------------------------------------------- helpers

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Median of the per-round ratios a[i] ÷ b[i]: each pair ran back to back, so drift on a
 * noisy machine cancels. */
const pairedRatio = (a, b) => median(a.map((x, i) => x / b[i]));

/** Runs `fn` `n` times; seconds elapsed. */
function timeSync(n, fn) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  return (performance.now() - t0) / 1000;
}

/** Runs `task(i)` for i < n with at most `inFlight` pending at once. */
async function pool(n, inFlight, task) {
  let next = 0;
  const lane = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(n, inFlight) }, lane));
}

const runTag = Date.now().toString(36).slice(-6).toUpperCase();
let orderCounter = 0;
/** A unique order number: 6–32 ASCII letters and digits. */
const nextOrderNo = (who) => `${who}${runTag}${String(++orderCounter).padStart(8, '0')}`;

/** `yyyy-MM-ddTHH:mm:ss+00:00`, as PROTOCOL.md asks for `X-TIMESTAMP`. */
const nowTimestamp = () => `${new Date().toISOString().slice(0, 19)}+00:00`;

const idrRequest = (orderNo) => ({
  region: 'IDR',
  orderNo,
  purpose: 'Payroll',
  amount: '150000',
  paymentMethod: 'BRI',
  cashAccount: '78120011629261665',
});

// ------------------------------------------------- the hand-written baseline client

/**
 * What a merchant writes without the SDK, following PROTOCOL.md: the key parsed once with
 * `crypto`, the documented body by hand, `X-SIGNATURE` over `timestamp|secret|body`, and a
 * POST with `fetch` (undici keeps connections alive).
 */
class BaselineClient {
  constructor({ merchantId, merchantSecret, privateKey, baseUrl }) {
    this.merchantId = merchantId;
    this.merchantSecret = merchantSecret;
    this.key = crypto.createPrivateKey(privateKey);
    this.url = `${baseUrl}/v2.0/disbursement/pay-out`;
  }

  body(r) {
    return JSON.stringify({
      orderNo: r.orderNo,
      purpose: r.purpose,
      merchant: { merchantId: this.merchantId },
      money: { currency: 'IDR', amount: Number(r.amount) },
      paymentMethod: r.paymentMethod,
      cashAccount: r.cashAccount,
    });
  }

  async payout(r) {
    const body = this.body(r);
    const timestamp = nowTimestamp();
    const signed = Buffer.from(`${timestamp}|${this.merchantSecret}|${body}`, 'utf8');
    const signature = crypto.sign('sha256', signed, this.key).toString('base64');
    const res = await fetch(this.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-TIMESTAMP': timestamp,
        'X-PARTNER-ID': this.merchantId,
        'X-SIGNATURE': signature,
      },
      body,
    });
    const answer = await res.json();
    if (answer.code !== '00') throw new Error(`baseline pay-out refused: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  }
}

// --------------------------------------------------------------- worker: 2-thread signing

if (!isMainThread) {
  const { pem, body, seconds } = workerData;
  const signer = new RequestSigner(pem);
  for (let i = 0; i < 20; i++) signer.sign(TIMESTAMP, SECRET, body);
  parentPort.postMessage('ready');
  parentPort.once('message', () => {
    let n = 0;
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    while (performance.now() < end) {
      signer.sign(TIMESTAMP, SECRET, body);
      n++;
    }
    parentPort.postMessage(n / ((performance.now() - t0) / 1000));
  });
}

/** SDK sign ops/s summed over `threads` worker threads signing at once. */
async function parallelSignRate(threads, pem, body, seconds) {
  const workers = Array.from(
    { length: threads },
    () => new Worker(fileURLToPath(import.meta.url), { workerData: { pem, body, seconds } }),
  );
  await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
  const rates = workers.map((w) => new Promise((r) => w.once('message', r)));
  for (const w of workers) w.postMessage('go');
  const total = (await Promise.all(rates)).reduce((a, b) => a + b, 0);
  await Promise.all(workers.map((w) => w.terminate()));
  return total;
}

// ------------------------------------------------------------------------- main

async function main() {
  const quick = process.argv.includes('--quick');
  const C = quick
    ? { rounds: 1, sign: 20, verify: 200, seq: 10, conc: 24, burst: 64, cheap: 20000, threadSecs: 0.2, warm: 5 }
    : { rounds: 9, sign: 300, verify: 3000, seq: 150, conc: 400, burst: 640, cheap: 1_000_000, threadSecs: 2, warm: 50 };
  const profile = native.buildProfile();
  const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);

  const gw = await MockGateway.start({ merchantSecret: SECRET });
  const pem = gw.merchantPrivateKeyPem;
  const rows = [];
  try {
    // ---------------------------------------------------------------- 1. signing
    log('1/5 signing');
    const body = preparePayoutBody(idrRequest(nextOrderNo('SIGN')), gw.merchantId);
    const signer = new RequestSigner(pem);
    const keyObject = crypto.createPrivateKey(pem);
    const cryptoSign = () =>
      crypto.sign('sha256', Buffer.from(`${TIMESTAMP}|${SECRET}|${body}`, 'utf8'), keyObject).toString('base64');
    const sdkSign = () => signer.sign(TIMESTAMP, SECRET, body);
    assert.equal(sdkSign(), cryptoSign(), 'SDK and crypto signatures differ');
    timeSync(C.warm, sdkSign);
    timeSync(C.warm, cryptoSign);
    const sdkSignRates = [];
    const cryptoSignRates = [];
    for (let r = 0; r < C.rounds; r++) {
      // Alternate which goes first so drift on a noisy machine hits both alike.
      const pair = r % 2 ? [cryptoSignRates, cryptoSign, sdkSignRates, sdkSign] : [sdkSignRates, sdkSign, cryptoSignRates, cryptoSign];
      pair[0].push(C.sign / timeSync(C.sign, pair[1]));
      pair[2].push(C.sign / timeSync(C.sign, pair[3]));
    }
    const signSdk = median(sdkSignRates);
    const signCrypto = median(cryptoSignRates);
    const sign2 = await parallelSignRate(2, pem, body, C.threadSecs);
    rows.push(['1 sign (RSA-2048, key parsed once)', 'ops/s', signSdk, signCrypto, pairedRatio(sdkSignRates, cryptoSignRates), 'SDK ÷ crypto', '≥ 0.95×']);

    // ---------------------------------------------------------------- 2. verification
    log('2/5 callback verification');
    const platform = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const platformPem = platform.privateKey.export({ type: 'pkcs8', format: 'pem' });
    const platformSpki = platform.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const callbackBody = JSON.stringify({
      orderNo: 'IDR20240410000001',
      tradeNo: 'T112024041000000000001',
      merchantId: gw.merchantId,
      merchantName: 'Toko Demo',
      subMerchantId: '',
      subMerchantName: '',
      paymentMethod: 'BRI',
      transactionTime: '2024-04-10T08:45:30+07:00',
      money: { currency: 'IDR', amount: 150000 },
      status: 'SUCCESS',
    });
    const signedCb = signCallback({ platformPrivateKey: platformPem, body: callbackBody, timestamp: TIMESTAMP });
    // As an HTTP framework hands them over: lower-case header names, the raw body bytes.
    const headers = Object.fromEntries(signedCb.headers.map(([k, v]) => [k.toLowerCase(), v]));
    const rawBody = Buffer.from(signedCb.body, 'utf8');
    const verifier = new CallbackVerifier({ platformPublicKey: platformSpki });
    const publicKey = crypto.createPublicKey({ key: Buffer.from(platformSpki, 'base64'), format: 'der', type: 'spki' });
    const sdkVerify = () => verifier.verify({ headers, body: rawBody });
    const cryptoVerify = () => {
      const parsed = JSON.parse(rawBody.toString('utf8'));
      const signed = Buffer.from(`${parsed.tradeNo}|${headers['x-timestamp']}`, 'utf8');
      if (!crypto.verify('sha256', signed, publicKey, Buffer.from(headers['x-signature'], 'base64'))) throw new Error('bad');
      return parsed;
    };
    assert.equal(sdkVerify().tradeNo, cryptoVerify().tradeNo);
    timeSync(C.warm * 10, sdkVerify);
    timeSync(C.warm * 10, cryptoVerify);
    const sdkVerifyRates = [];
    const cryptoVerifyRates = [];
    for (let r = 0; r < C.rounds; r++) {
      const pair = r % 2 ? [cryptoVerifyRates, cryptoVerify, sdkVerifyRates, sdkVerify] : [sdkVerifyRates, sdkVerify, cryptoVerifyRates, cryptoVerify];
      pair[0].push(C.verify / timeSync(C.verify, pair[1]));
      pair[2].push(C.verify / timeSync(C.verify, pair[3]));
    }
    const verifySdk = median(sdkVerifyRates);
    const verifyCrypto = median(cryptoVerifyRates);
    rows.push(['2 verify callback (+ tradeNo from JSON)', 'ops/s', verifySdk, verifyCrypto, pairedRatio(sdkVerifyRates, cryptoVerifyRates), 'SDK ÷ crypto', '≥ 1.0×']);

    // ---------------------------------------------------------------- 3. per pay-out
    log('3/5 per-pay-out client cost');
    const client = new Client(gw.clientOptions({ timeoutMs: 30_000 }));
    const baseline = new BaselineClient({ merchantId: gw.merchantId, merchantSecret: SECRET, privateKey: pem, baseUrl: gw.baseUrl });
    {
      const r = idrRequest(nextOrderNo('CHK'));
      assert.equal(baseline.body(r), preparePayoutBody(r, gw.merchantId), 'the baseline body differs from the SDK body');
    }
    let baselineAccepted = 0;
    const sdkPayout = async (who) => {
      const answer = await client.payout(idrRequest(nextOrderNo(who)));
      assert.ok(answer.tradeNo, 'SDK pay-out without tradeNo');
    };
    const basePayout = async (who) => {
      const answer = await baseline.payout(idrRequest(nextOrderNo(who)));
      assert.equal(answer.code, '00');
      baselineAccepted++;
    };
    let baselineSent = 0;
    const countedBase = async (who) => {
      baselineSent++;
      await basePayout(who);
    };
    for (let i = 0; i < C.warm; i++) {
      await sdkPayout('WS');
      await countedBase('WB');
    }
    const seqSdk = [];
    const seqBase = [];
    const latencies = async (who, fn, n) => {
      const xs = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await fn(who);
        xs.push(performance.now() - t0);
      }
      return median(xs);
    };
    for (let r = 0; r < C.rounds; r++) {
      if (r % 2) {
        seqBase.push(await latencies('QB', countedBase, C.seq));
        seqSdk.push(await latencies('QS', sdkPayout, C.seq));
      } else {
        seqSdk.push(await latencies('QS', sdkPayout, C.seq));
        seqBase.push(await latencies('QB', countedBase, C.seq));
      }
    }
    const seqSdkMs = median(seqSdk);
    const seqBaseMs = median(seqBase);
    rows.push(['3a pay-out, sequential wall time', 'ms', seqSdkMs, seqBaseMs, seqBaseMs / seqSdkMs, 'baseline ÷ SDK', '≥ 3×']);

    // JS-thread time per pay-out: event-loop active time over a concurrent run (16 in
    // flight), divided by the pay-outs; process CPU (every thread, mock gateway included)
    // alongside.
    const jsCost = async (who, fn, n) => {
      const e0 = performance.eventLoopUtilization();
      const c0 = process.cpuUsage();
      await pool(n, 16, () => fn(who));
      const e = performance.eventLoopUtilization(e0);
      const c = process.cpuUsage(c0);
      return { js: e.active / n, cpu: (c.user + c.system) / 1000 / n };
    };
    const jsSdk = [];
    const jsBase = [];
    for (let r = 0; r < C.rounds; r++) {
      if (r % 2) {
        jsBase.push(await jsCost('JB', countedBase, C.conc));
        jsSdk.push(await jsCost('JS', sdkPayout, C.conc));
      } else {
        jsSdk.push(await jsCost('JS', sdkPayout, C.conc));
        jsBase.push(await jsCost('JB', countedBase, C.conc));
      }
    }
    const jsSdkMs = median(jsSdk.map((x) => x.js));
    const jsBaseMs = median(jsBase.map((x) => x.js));
    const cpuSdkMs = median(jsSdk.map((x) => x.cpu));
    const cpuBaseMs = median(jsBase.map((x) => x.cpu));
    rows.push(['3b pay-out, JS-thread time (16 in flight)', 'ms', jsSdkMs, jsBaseMs, jsBaseMs / jsSdkMs, 'baseline ÷ SDK', '≥ 3×']);
    rows.push(['3c pay-out, process CPU, all threads', 'ms', cpuSdkMs, cpuBaseMs, cpuBaseMs / cpuSdkMs, 'baseline ÷ SDK', '(info)']);

    // ---------------------------------------------------------------- 4. 64 in flight
    log('4/5 64 concurrent pay-outs');
    const burst = async (who, fn) => {
      const t0 = performance.now();
      await pool(C.burst, 64, () => fn(who));
      return C.burst / ((performance.now() - t0) / 1000);
    };
    await burst('WS', sdkPayout);
    const burstSdk = [];
    const burstBase = [];
    for (let r = 0; r < C.rounds; r++) {
      if (r % 2) {
        burstBase.push(await burst('BB', countedBase));
        burstSdk.push(await burst('BS', sdkPayout));
      } else {
        burstSdk.push(await burst('BS', sdkPayout));
        burstBase.push(await burst('BB', countedBase));
      }
    }
    const burstSdkRate = median(burstSdk);
    const burstBaseRate = median(burstBase);
    rows.push(['4 64 in flight (SDK) vs sign-bound, 1 thread', 'pay-outs/s', burstSdkRate, signSdk, burstSdkRate / signSdk, 'SDK ÷ limit', '≥ 80 %']);
    rows.push(['4 64 in flight (SDK) vs sign-bound, 2 threads', 'pay-outs/s', burstSdkRate, sign2, burstSdkRate / sign2, 'SDK ÷ limit', '(info)']);
    rows.push(['4 64 in flight: SDK vs baseline', 'pay-outs/s', burstSdkRate, burstBaseRate, burstSdkRate / burstBaseRate, 'SDK ÷ baseline', '(info)']);

    assert.equal(baselineAccepted, baselineSent, 'a baseline pay-out was not accepted');

    // ---------------------------------------------------------------- 5. binding overhead
    log('5/5 binding overhead');
    const finals = new Set(['SUCCESS', 'FAILED', 'EXPIRED', 'CANCELLED']);
    const jsIsFinal = (s) => typeof s === 'string' && finals.has(s);
    let sink = 0;
    const callNative = () => {
      if (isFinal('SUCCESS')) sink++;
    };
    const callJs = () => {
      if (jsIsFinal('SUCCESS')) sink++;
    };
    timeSync(C.cheap / 10, callNative);
    timeSync(C.cheap / 10, callJs);
    const nativeUs = [];
    const jsUs = [];
    for (let r = 0; r < C.rounds; r++) {
      nativeUs.push((timeSync(C.cheap, callNative) * 1e6) / C.cheap);
      jsUs.push((timeSync(C.cheap, callJs) * 1e6) / C.cheap);
    }
    assert.ok(sink > 0);
    const callUs = median(nativeUs);
    rows.push(["5 isFinal('SUCCESS') through the binding", 'µs/call', callUs, median(jsUs), callUs, 'µs per call', '≤ 10 µs']);

    print({ rows, profile, quick, C, baselineAccepted, sign2 });
  } finally {
    await gw.close();
  }
}

function fmt(x, unit) {
  if (unit === 'µs/call') return x.toFixed(3);
  if (unit === 'ms') return x.toFixed(3);
  return x >= 100 ? Math.round(x).toString() : x.toFixed(1);
}

function verdict(ratio, target) {
  const m = /([≥≤]) ([\d.]+) ?(×|%|µs)/.exec(target);
  if (!m) return '';
  const want = Number(m[2]) / (m[3] === '%' ? 100 : 1);
  return (m[1] === '≥' ? ratio >= want : ratio <= want) ? 'met' : 'missed';
}

function print({ rows, profile, quick, C, baselineAccepted }) {
  const cpu = os.cpus();
  const lines = [];
  lines.push(
    `smilepayz Node benchmarks${quick ? ' (--quick: smoke counts, numbers mean nothing)' : ''}: addon ${profile} build, ` +
      `Node ${process.version}, OpenSSL ${process.versions.openssl}, ${cpu.length} × ${cpu[0]?.model?.trim() ?? 'cpu'}, ${os.platform()} ${os.release()}`,
  );
  lines.push(
    `medians of ${C.rounds} round(s) (rows 1–2: ratio = median of per-round ratios, SDK and crypto back to back); baseline = node:crypto (key parsed once) + fetch keep-alive; ` +
      `mock gateway on 127.0.0.1 in this process; ${baselineAccepted} baseline pay-outs, all accepted (code 00)`,
  );
  const header = ['measure', 'unit', 'SDK', 'baseline', 'ratio', 'ratio is', 'target', ''];
  const body = rows.map(([name, unit, sdk, base, ratio, what, target]) => {
    const r = unit === 'µs/call' ? `${ratio.toFixed(3)} µs` : what.includes('limit') ? `${(ratio * 100).toFixed(0)} %` : `${ratio.toFixed(2)}×`;
    return [name, unit, fmt(sdk, unit), fmt(base, unit), r, what, target, target === '(info)' ? '' : verdict(ratio, target)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const row = (cells) => `| ${cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  lines.push(row(header));
  lines.push(`|${widths.map((w, i) => (i >= 2 && i <= 4 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`);
  for (const b of body) lines.push(row(b));
  lines.push(
    "row 5 'baseline' is the same check in plain JS (a Set lookup); row 4's limits are the SDK's own sign ops/s " +
      '(row 1, one thread; and two worker threads signing at once).',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (isMainThread) {
  await main();
}
