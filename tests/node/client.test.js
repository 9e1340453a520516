'use strict';
// The client against the Rust mock gateway: every region of the golden requests end to
// end, inquiries, callbacks, concurrency, exact amounts, and secrets kept out of inspect
// output. What each fault gives is the table of tests/vectors/scenarios.json
// (scenarios.test.js).

const test = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const smilepayz = require('smilepayz');
const { MockGateway, signCallback } = require('smilepayz/testing');
const { requestFor, orderNo, REGIONS, keys, useGateway, captureSync, rejection } = require('./helpers.js');

const {
  Client,
  CallbackVerifier,
  VerifiedCallback,
  verifyCallback,
  isFinal,
  ACKNOWLEDGEMENT,
  SmilepayzError,
  ValidationError,
  ConfigError,
  ApiError,
  SignatureError,
  CallbackMismatchError,
  StaleCallbackError,
  InternalError,
} = smilepayz;

let gw, client;
useGateway((started) => ({ gw, client } = started));

test('every region end to end: pay-out, status, settle, reconcile', async () => {
  for (const region of REGIONS) {
    const request = requestFor(region);
    const accepted = await client.payout(request);
    assert.equal(accepted.code, '00', region);
    assert.equal(accepted.orderNo, request.orderNo);
    assert.equal(accepted.status, 'PROCESSING');
    assert.equal(isFinal(accepted.status), false);
    assert.equal(typeof accepted.raw, 'string');
    assert.equal(JSON.parse(accepted.raw).orderNo, request.orderNo);
    assert.equal(accepted.money.amount, String(request.amount));
    const byOrder = await client.inquireStatus({ orderNo: request.orderNo });
    const byTrade = await client.inquireStatus({ tradeNo: accepted.tradeNo });
    assert.equal(byOrder.tradeNo, accepted.tradeNo);
    assert.equal(byTrade.tradeNo, accepted.tradeNo);
    await gw.settle(request.orderNo, 'SUCCESS');
    const settled = await client.reconcilePayout(request.orderNo);
    assert.equal(settled.outcome, 'settled');
    assert.equal(settled.status.status, 'SUCCESS');
    assert.ok(isFinal(settled.status.status));
    assert.equal(gw.order(request.orderNo).region, region);
  }
});

test('ApiError: a duplicate order number is refused by the gateway', async () => {
  const request = requestFor('COP');
  await client.payout(request);
  const err = await rejection(client.payout(request));
  assert.ok(err instanceof ApiError, String(err));
  assert.equal(err.code, 'SMILEPAYZ_API');
  assert.equal(typeof err.apiCode, 'string');
  assert.notEqual(err.apiCode, '00');
  assert.equal(typeof err.apiMessage, 'string');
  assert.equal(typeof err.httpStatus, 'number');
  assert.ok(err.rawBody.includes(err.apiCode));
});

test('reconcilePayout of an order the gateway never got: not_found', async () => {
  const result = await client.reconcilePayout(orderNo('NONE'));
  assert.equal(result.outcome, 'not_found');
  assert.equal(result.code, gw.orderNotFoundCode);
  const invalid = await rejection(client.reconcilePayout('bad order!'));
  assert.ok(invalid instanceof ValidationError);
});

test('inquireBalance and inquireStatus argument errors', async () => {
  gw.setBalance('ACC-IDR-1', { currency: 'IDR', balance: '1500000.50', available: '1000000' });
  const balance = await client.inquireBalance('ACC-IDR-1');
  assert.equal(balance.accountNo, 'ACC-IDR-1');
  const info = balance.accountInfos[0];
  assert.equal(info.amount.value, '1500000.50');
  assert.equal(info.availableBalance.value, '1000000');
  assert.ok(balance.raw.includes('ACC-IDR-1'));
  assert.ok((await rejection(client.inquireBalance(' '))) instanceof ConfigError);
  assert.ok((await rejection(client.inquireStatus({}))) instanceof ConfigError);
  assert.ok((await rejection(client.inquireStatus({ orderNo: 'A', tradeNo: 'B' }))) instanceof ConfigError);
});

test('callbacks: delivered, verified (all header forms), confirmed; mismatch and forgery refused', async () => {
  const request = requestFor('BRL');
  await client.payout(request);
  const signed = gw.signedCallback(request.orderNo);
  const verifier = new CallbackVerifier({ platformPublicKey: gw.platformPublicKey });
  const incoming = Object.fromEntries(signed.headers.map(([k, v]) => [k.toLowerCase(), v]));
  const forms = [
    signed.headers,
    incoming,
    new Headers(signed.headers),
    new Map(signed.headers),
    signed.headers.flat(),
    Object.fromEntries(signed.headers.map(([k, v]) => [k.toUpperCase(), v])),
  ];
  for (const headers of forms) {
    for (const body of [signed.body, Buffer.from(signed.body), new Uint8Array(Buffer.from(signed.body))]) {
      const v = verifier.verify({ headers, body });
      assert.ok(v instanceof VerifiedCallback);
      assert.equal(v.orderNo, request.orderNo);
    }
  }
  // Duplicates in a Node IncomingHttpHeaders array value reach the core's check.
  const dup = { ...incoming, 'x-signature': [incoming['x-signature'], incoming['x-signature']] };
  const dupErr = captureSync(() => verifier.verify({ headers: dup, body: signed.body }));
  assert.ok(dupErr instanceof SignatureError);
  assert.equal(dupErr.check, 'duplicate_header');
  assert.throws(() => verifier.verify({ headers: incoming, body: JSON.parse(signed.body) }), TypeError);

  const verified = verifyCallback({ headers: incoming, body: signed.body, platformPublicKey: gw.platformPublicKey });
  assert.ok(Object.isFrozen(verified));
  const confirmed = await client.confirmCallback(verified);
  assert.equal(confirmed.inquiry.status, 'PROCESSING');
  assert.equal(confirmed.callback.tradeNo, verified.tradeNo);

  // The gateway now says SUCCESS but the callback claimed PROCESSING: genuine but stale.
  await gw.settle(request.orderNo, 'SUCCESS');
  const stale = await rejection(client.confirmCallback(verified));
  assert.ok(stale instanceof StaleCallbackError, String(stale));
  assert.equal(stale.code, 'SMILEPAYZ_STALE_CALLBACK');
  assert.equal(stale.announcedStatus, 'PROCESSING');
  assert.equal(stale.gatewayStatus, 'SUCCESS');

  // A SUCCESS callback the gateway contradicts (FAILED now) is a mismatch.
  const success = verifier.verify(gw.signedCallback(request.orderNo));
  await gw.settle(request.orderNo, 'FAILED');
  const mismatch = await rejection(client.confirmCallback(success));
  assert.ok(mismatch instanceof CallbackMismatchError, String(mismatch));
  assert.equal(mismatch.code, 'SMILEPAYZ_CALLBACK_MISMATCH');
  assert.equal(mismatch.field, 'status');
  assert.equal(mismatch.callbackValue, 'SUCCESS');
  assert.equal(mismatch.gatewayValue, 'FAILED');

  // A plain object with the same fields is not a verified callback.
  const forged = { ...verified };
  assert.ok((await rejection(client.confirmCallback(forged))) instanceof TypeError);
  assert.throws(() => new VerifiedCallback(forged), TypeError);

  // signCallback (with the platform key) and gateway.signCallback, and max age.
  const own = signCallback({
    platformPrivateKey: keys.platform.private_pkcs8_pem,
    body: { tradeNo: 'T9', status: 'SUCCESS' },
    timestamp: '2024-04-10T08:45:32+07:00',
  });
  const ok = verifyCallback({ headers: own.headers, body: own.body, platformPublicKey: keys.platform.public_spki_base64 });
  assert.equal(ok.tradeNo, 'T9');
  const old = captureSync(() =>
    verifyCallback({ headers: own.headers, body: own.body, platformPublicKey: keys.platform.public_spki_base64, maxAgeMs: 300_000 }),
  );
  assert.equal(old.check, 'too_old');
  const fresh = gw.signCallback({ tradeNo: 'T10', status: 'FAILED' });
  const rotated = new CallbackVerifier({ platformPublicKeys: [keys.platform_production.public_spki_base64, gw.platformPublicKey], maxAgeMs: 60_000 });
  assert.equal(rotated.verify({ headers: fresh.headers, body: fresh.body }).status, 'FAILED');
  const wrongKey = captureSync(() => verifyCallback({ headers: fresh.headers, body: fresh.body, platformPublicKey: keys.platform.public_spki_base64 }));
  assert.equal(wrongKey.check, 'bad_signature');
  assert.equal(ACKNOWLEDGEMENT, 'SUCCESS');
});

test('64 pay-outs in flight at once; the JavaScript thread keeps running', async () => {
  let ticks = 0;
  const timer = setInterval(() => (ticks += 1), 1);
  const requests = Array.from({ length: 64 }, (_, i) => requestFor(REGIONS[i % REGIONS.length]));
  const started = Date.now();
  const answers = await Promise.all(requests.map((r) => client.payout(r)));
  clearInterval(timer);
  assert.equal(answers.length, 64);
  answers.forEach((a, i) => assert.equal(a.orderNo, requests[i].orderNo));
  assert.equal(new Set(answers.map((a) => a.tradeNo)).size, 64);
  assert.ok(ticks > 0 || Date.now() - started < 5, 'timers ran while the pay-outs were in flight');
});

test('exact amounts: string, bigint and exact numbers pass digit for digit; inexact ones are refused', async () => {
  const exact = [
    ['IDR', 150000, '150000'],
    ['IDR', 150000n, '150000'],
    ['IDR', '150000', '150000'],
    ['USDT', 100.5, '100.5'],
    ['USDT', 0.0001, '0.0001'],
    ['USDT', '100.2500', '100.25'],
    ['COP', 9007199254740, '9007199254740'],
  ];
  for (const [region, amount, stored] of exact) {
    const request = requestFor(region, { amount });
    if (region === 'COP') request.amount = 999999999; // COP has a maximum
    const answer = await client.payout(request);
    const want = region === 'COP' ? '999999999' : stored;
    assert.equal(gw.order(request.orderNo).amount, want, `${region} ${amount}`);
    assert.equal(answer.money.amount, want);
  }
  const refused = [
    ['USDT', 0.1 + 0.2, 'scale'],
    ['IDR', 2 ** 60, 'format'],
    ['IDR', Number.NaN, 'format'],
    ['IDR', Number.POSITIVE_INFINITY, 'format'],
    ['IDR', 1e21, 'format'],
    ['IDR', 150000.5, 'scale'],
    ['IDR', '1e5', 'format'],
    ['IDR', -5n, 'range'],
  ];
  for (const [region, amount, rule] of refused) {
    const err = await rejection(client.payout(requestFor(region, { amount })));
    assert.ok(err instanceof ValidationError, `${amount}: ${err}`);
    assert.deepEqual(
      err.violations.map((v) => [v.path, v.rule]),
      [['amount', rule]],
      `${region} ${amount}: ${err.message}`,
    );
  }
});

test('every problem at once, camelCase paths', async () => {
  const err = await rejection(client.payout({ region: 'PEN', amount: 'x', receiver: { idType: 'NOPE' } }));
  assert.ok(err instanceof ValidationError);
  const paths = err.violations.map((v) => v.path);
  for (const p of ['orderNo', 'purpose', 'amount', 'cashAccountType', 'receiver.idType', 'cci']) {
    assert.ok(paths.includes(p), `${p} in ${paths}`);
  }
  const notObject = await rejection(client.payout('IDR'));
  assert.ok(notObject instanceof ValidationError);
});

test('inspect and JSON never show the merchant secret or the private key', async () => {
  const pemBody = gw.merchantPrivateKeyPem.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
  const verifier = new CallbackVerifier({ platformPublicKey: gw.platformPublicKey });
  for (const shown of [
    util.inspect(client, { depth: 10, showHidden: true }),
    util.inspect(gw, { depth: 10, showHidden: true }),
    util.inspect(verifier, { depth: 10, showHidden: true }),
    JSON.stringify(client),
    String(client),
  ]) {
    assert.ok(!shown.includes(gw.merchantSecret), shown);
    for (let i = 0; i + 16 <= pemBody.length; i += 16) assert.ok(!shown.includes(pemBody.slice(i, i + 16)), shown);
  }
  assert.ok(util.inspect(client).includes(gw.merchantId));
});

/** Runs `fn` with the SMILEPAYZ_* variables of the mock gateway set, then puts process.env back. */
function withGatewayEnv(fn) {
  const saved = { ...process.env };
  try {
    process.env.SMILEPAYZ_MERCHANT_ID = gw.merchantId;
    process.env.SMILEPAYZ_MERCHANT_SECRET = gw.merchantSecret;
    process.env.SMILEPAYZ_PRIVATE_KEY = gw.merchantPrivateKeyPem.replaceAll('\n', '\\n');
    process.env.SMILEPAYZ_BASE_URL = gw.baseUrl;
    fn();
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

test('Client.fromEnv reads SMILEPAYZ_* variables; missing ones are a ConfigError', () => {
  withGatewayEnv(() => {
    const fromEnv = Client.fromEnv();
    assert.equal(fromEnv.baseUrl, gw.baseUrl);
    assert.equal(Client.fromEnv({ userAgentSuffix: 'tests/1' }).merchantId, gw.merchantId);
    delete process.env.SMILEPAYZ_MERCHANT_SECRET;
    const err = captureSync(() => Client.fromEnv());
    assert.ok(err instanceof ConfigError);
    assert.ok(err.message.includes('merchant_secret is missing'));
    process.env.SMILEPAYZ_MERCHANT_SECRET = 'x';
    process.env.SMILEPAYZ_ENVIRONMENT = 'staging';
    assert.ok(captureSync(() => Client.fromEnv()) instanceof ConfigError);
  });
});

test('options: environment, timeouts and retry are checked by the core', () => {
  const base = { merchantId: 'm1', merchantSecret: 's', privateKey: keys.merchant.pkcs8_pem };
  assert.equal(new Client({ ...base, environment: 'sandbox' }).baseUrl, 'https://sandbox-gateway.smilepayz.com');
  assert.equal(new Client({ ...base, environment: 'production' }).baseUrl, 'https://gateway.smilepayz.com');
  for (const bad of [{ timeoutMs: 0 }, { connectTimeoutMs: -1 }, { retry: { maxAttempts: 0 } }, { environment: 'staging' }, {}]) {
    const err = captureSync(() => new Client({ ...base, ...bad }));
    assert.ok(err instanceof ConfigError, `${JSON.stringify(bad)}: ${err}`);
  }
  assert.ok(captureSync(() => new Client()) instanceof ConfigError);
});

// An unknown option key is a ConfigError naming it (and the accepted names), never a
// setting silently dropped; a known key set to undefined stays allowed.
function assertUnknownKey(err, key, accepted) {
  assert.ok(err instanceof ConfigError, String(err));
  assert.equal(err.code, 'SMILEPAYZ_CONFIG');
  assert.ok(err.message.includes('unknown') && err.message.includes(`\`${key}\``), err.message);
  assert.ok(err.message.includes(accepted), err.message);
}

test('Client options: an unknown key (top level or in retry) is a ConfigError naming it', () => {
  const base = { merchantId: 'm1', merchantSecret: 's', privateKey: keys.merchant.pkcs8_pem, baseUrl: 'http://127.0.0.1:9' };
  assertUnknownKey(captureSync(() => new Client({ ...base, timeout: 5000 })), 'timeout', 'timeoutMs');
  assertUnknownKey(captureSync(() => new Client({ ...base, timeout: undefined })), 'timeout', 'timeoutMs');
  assertUnknownKey(captureSync(() => new Client({ ...base, retry: { maxAttempt: 2 } })), 'maxAttempt', 'maxAttempts');
  assert.ok(captureSync(() => new Client('m1')) instanceof ConfigError);
  assert.ok(captureSync(() => new Client({ ...base, retry: [] })) instanceof ConfigError);
  const ok = new Client({ ...base, timeoutMs: undefined, retry: { maxAttempts: 2, maxBackoffMs: undefined }, environment: undefined });
  assert.equal(ok.baseUrl, base.baseUrl);
});

test('Client.fromEnv overrides: an unknown key is a ConfigError naming it', () => {
  withGatewayEnv(() => {
    assertUnknownKey(captureSync(() => Client.fromEnv({ userAgent: 'tests/1' })), 'userAgent', 'userAgentSuffix');
    assertUnknownKey(captureSync(() => Client.fromEnv({ retry: { backoffMs: 5 } })), 'backoffMs', 'initialBackoffMs');
    assert.equal(Client.fromEnv({ userAgentSuffix: undefined }).baseUrl, gw.baseUrl);
  });
});

test('CallbackVerifier and verifyCallback options: an unknown key is a ConfigError naming it', () => {
  const platformPublicKey = keys.platform.public_spki_base64;
  const own = signCallback({ platformPrivateKey: keys.platform.private_pkcs8_pem, body: { tradeNo: 'T1', status: 'SUCCESS' } });
  assertUnknownKey(captureSync(() => new CallbackVerifier({ platformPublicKey, maxAge: 300 })), 'maxAge', 'maxAgeMs');
  assertUnknownKey(captureSync(() => new CallbackVerifier({ platformKey: platformPublicKey })), 'platformKey', 'platformPublicKey');
  assertUnknownKey(
    captureSync(() => verifyCallback({ headers: own.headers, body: own.body, platformPublicKey, maxBodySize: 10 })),
    'maxBodySize',
    'maxBodyBytes',
  );
  // Both key options at once is ambiguous: refused, not one silently preferred.
  const both = captureSync(() => new CallbackVerifier({ platformPublicKey, platformPublicKeys: [platformPublicKey] }));
  assert.ok(both instanceof ConfigError && both.message.includes('not both'), String(both));
  const v = new CallbackVerifier({ platformPublicKey, platformPublicKeys: undefined, maxAgeMs: undefined, now: undefined });
  assert.equal(v.verify(own).tradeNo, 'T1');
  assert.equal(verifyCallback({ ...own, platformPublicKey, maxBodyBytes: undefined }).tradeNo, 'T1');
});

test('MockGateway.start options: an unknown key is a ConfigError naming it', async () => {
  const err = await rejection(MockGateway.start({ merchantKey: keys.merchant.pkcs8_pem }));
  assertUnknownKey(err, 'merchantKey', 'merchantPrivateKey');
  const started = await MockGateway.start({ merchantId: 'M-strict', merchantSecret: undefined });
  try {
    assert.equal(started.merchantId, 'M-strict');
  } finally {
    await started.close();
  }
});

test('every error class: instanceof, name, stable code', () => {
  const classes = {
    ValidationError: 'SMILEPAYZ_VALIDATION',
    ConfigError: 'SMILEPAYZ_CONFIG',
    ApiError: 'SMILEPAYZ_API',
    OutcomeUnknownError: 'SMILEPAYZ_OUTCOME_UNKNOWN',
    TransportError: 'SMILEPAYZ_TRANSPORT',
    ProtocolError: 'SMILEPAYZ_PROTOCOL',
    SignatureError: 'SMILEPAYZ_SIGNATURE',
    CallbackMismatchError: 'SMILEPAYZ_CALLBACK_MISMATCH',
    StaleCallbackError: 'SMILEPAYZ_STALE_CALLBACK',
    InternalError: 'SMILEPAYZ_INTERNAL',
  };
  for (const name of Object.keys(classes)) {
    assert.ok(smilepayz[name].prototype instanceof SmilepayzError, name);
    assert.ok(smilepayz[name].prototype instanceof Error, name);
  }
  const err = captureSync(() => new Client({}));
  assert.equal(err.name, 'ConfigError');
  assert.equal(err.code, classes.ConfigError);
  assert.ok(err.stack.includes('ConfigError'));
});

test('isFinal comes from the core', () => {
  for (const s of ['SUCCESS', 'FAILED', 'EXPIRED', 'CANCELLED']) assert.equal(isFinal(s), true, s);
  for (const s of ['PROCESSING', 'REVIEW', 'INIT', 'success', 'PARTIAL', '', null, undefined]) assert.equal(isFinal(s), false, String(s));
});

test('mock gateway helpers: orders, received, remark, settle delivery', async () => {
  const request = requestFor('IDR');
  await client.payout(request);
  assert.ok(gw.orders().some((o) => o.orderNo === request.orderNo));
  const seen = gw.received().filter((r) => r.path.endsWith('pay-out') && r.body.includes(request.orderNo));
  assert.equal(seen.length, 1);
  assert.ok(seen[0].headers.some(([k]) => k === 'x-signature'));
  assert.equal(gw.setRemark(request.orderNo, 'bank closed'), true);
  assert.equal((await client.inquireStatus({ orderNo: request.orderNo })).remark, 'bank closed');
  assert.equal(await gw.settle(request.orderNo, 'EXPIRED'), null); // no callbackUrl
  await assert.rejects(gw.settle('NOSUCHORDER', 'SUCCESS'));
  assert.equal(gw.order('NOSUCHORDER'), null);
  assert.equal(gw.signedCallback('NOSUCHORDER'), null);
});

test('a Rust panic rejects with an Error and the process carries on', async () => {
  // The panic hook is the private native module's, not part of `smilepayz/testing`.
  assert.equal('panicForTests' in require('smilepayz/testing'), false);
  const root = require('node:path').join(__dirname, '..', '..', 'bindings-node');
  const native = require(`${root}/native.js`);
  const { callAsync } = require(`${root}/lib/errors.js`);
  const panicForTests = ({ inFuture }) => callAsync(() => native.panicForTests(inFuture));
  // In a future and in the synchronous part alike: InternalError, a SmilepayzError.
  const inFuture = await rejection(panicForTests({ inFuture: true }));
  assert.ok(inFuture instanceof InternalError, String(inFuture));
  assert.match(inFuture.message, /panic/);
  const sync = await rejection(panicForTests({ inFuture: false }));
  assert.ok(sync instanceof InternalError, String(sync));
  assert.match(sync.message, /panic/);
  assert.equal((await client.inquireStatus({ orderNo: requestFor('IDR').orderNo }).catch((e) => e)).code, 'SMILEPAYZ_API');
});

test('settings: snake_case names work too, wrong types name the setting, the User-Agent names node', async () => {
  const snake = gw.client({ timeout_ms: 5000, retry: { max_attempts: 2, initial_backoff_ms: 10 }, user_agent_suffix: 'shop/2' });
  const request = requestFor('IDR');
  await snake.payout(request);
  const sent = gw.received().filter((r) => r.body.includes(request.orderNo));
  const agent = Object.fromEntries(sent[0].headers)['user-agent'];
  assert.match(agent, /^smilepayz-rust\/\S+ node\/\S+ shop\/2$/);
  const base = { merchantId: 'm1', merchantSecret: 's', privateKey: keys.merchant.pkcs8_pem, baseUrl: 'http://127.0.0.1:9' };
  const wrong = captureSync(() => new Client({ ...base, timeoutMs: '5000' }));
  assert.ok(wrong instanceof ConfigError && wrong.message.includes('timeoutMs'), String(wrong));
  const infinite = captureSync(() => new Client({ ...base, connectTimeoutMs: Infinity }));
  assert.ok(infinite instanceof ConfigError && infinite.message.includes('connectTimeoutMs must be a finite'), String(infinite));
  const now = captureSync(() => new CallbackVerifier({ platformPublicKey: keys.platform.public_spki_base64, now: 'not a date' }));
  assert.ok(now instanceof ConfigError && now.message.includes('now'), String(now));
});

test('sign_callback and signCallback default to the gateway zone (+07:00), as Python does', () => {
  const own = signCallback({ platformPrivateKey: keys.platform.private_pkcs8_pem, body: { tradeNo: 'T9' } });
  assert.match(Object.fromEntries(own.headers)['X-TIMESTAMP'], /\+07:00$/);
  assert.match(Object.fromEntries(gw.signCallback({ tradeNo: 'T9' }).headers)['X-TIMESTAMP'], /\+07:00$/);
});
