'use strict';
// The shared vectors of tests/vectors, run through the Node package: golden request
// bodies and signatures, the bad-input table, every callback case and the real sandbox
// callback. Same error kinds and camelCase paths as the Rust suites.

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const { Client, CallbackVerifier, verifyCallback, ValidationError, ConfigError, SignatureError } = require('smilepayz');
const { preparePayoutBody, signRequest } = require('smilepayz/testing');
const { load, keys, keyText, assertNoKeyMaterial, captureSync } = require('./helpers.js');

const requests = load('requests.json');
const badInputs = load('bad-inputs.json');
const callbacks = load('callbacks.json');

test('golden requests: byte-exact bodies and signatures', () => {
  assert.ok(requests.cases.length >= 5);
  for (const c of requests.cases) {
    const body = preparePayoutBody(c.request, requests.merchantId);
    assert.equal(body, c.body, c.name);
    const signature = signRequest({
      privateKey: keys.merchant.pkcs8_pem,
      timestamp: requests.timestamp,
      merchantSecret: requests.merchantSecret,
      body,
    });
    assert.equal(signature, c.signature, c.name);
    // An independent check with Node's own RSA.
    const signed = `${requests.timestamp}|${requests.merchantSecret}|${c.body}`;
    assert.ok(crypto.verify('sha256', Buffer.from(signed), keys.merchant.public_pem, Buffer.from(signature, 'base64')));
  }
});

test('golden requests: the client sends the vector body, signed as Node verifies it', async () => {
  const seen = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ headers: req.headers, body });
      const order = JSON.parse(body).orderNo;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ code: '00', message: 'ok', orderNo: order, tradeNo: 'T1', status: 'PROCESSING' }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const client = new Client({
      merchantId: requests.merchantId,
      merchantSecret: requests.merchantSecret,
      privateKey: keys.merchant.pkcs1_pem,
      baseUrl: `http://127.0.0.1:${server.address().port}`,
    });
    for (const c of requests.cases) {
      const answer = await client.payout(c.request);
      assert.equal(answer.status, 'PROCESSING');
      const { headers, body } = seen.at(-1);
      assert.equal(body, c.body, c.name);
      assert.equal(headers['x-partner-id'], requests.merchantId);
      const signed = `${headers['x-timestamp']}|${requests.merchantSecret}|${body}`;
      const sig = Buffer.from(headers['x-signature'], 'base64');
      assert.ok(crypto.verify('sha256', Buffer.from(signed), keys.merchant.public_pem, sig), c.name);
    }
  } finally {
    server.close();
  }
});

test('bad inputs: every request case gives its violations (camelCase paths, rules), all at once', async () => {
  assert.ok(badInputs.requests.length >= 50);
  const client = new Client({
    merchantId: 'sandbox-20019',
    merchantSecret: 'golden-test-secret-0001',
    privateKey: keys.merchant.pkcs8_pem,
    baseUrl: 'http://127.0.0.1:9', // never reached: validation runs first
  });
  for (const c of badInputs.requests) {
    const err = await client.payout(c.request).then(
      () => assert.fail(`${c.name}: accepted`),
      (e) => e,
    );
    assert.ok(err instanceof ValidationError, `${c.name}: ${err}`);
    assert.equal(err.code, 'SMILEPAYZ_VALIDATION');
    const got = err.violations.map((v) => `${v.path} ${v.rule}`).sort();
    const want = c.violations.map((v) => `${v.path} ${v.rule}`).sort();
    assert.deepEqual(got, want, `${c.name}: ${err.message}`);
    assert.ok(err.message.length > 0);
    // The same table through the testing helper (no client involved).
    assert.throws(() => preparePayoutBody(c.request, 'sandbox-20019'), ValidationError, c.name);
  }
});

test('bad inputs: private key mistakes are ConfigError with their keyError, no key material', () => {
  for (const c of badInputs.privateKeys) {
    let key = keyText(c.key);
    if (c.truncate !== undefined) key = key.slice(0, c.truncate);
    const err = captureSync(() => new Client({ merchantId: 'm1', merchantSecret: 's3cr3t-value', privateKey: key, environment: 'sandbox' }));
    assert.ok(err instanceof ConfigError, `${c.name}: ${err}`);
    assert.equal(err.code, 'SMILEPAYZ_CONFIG');
    assert.equal(err.keyError, c.error, `${c.name}: ${err.message}`);
    assertNoKeyMaterial(err.message, key);
    assert.ok(!err.message.includes('s3cr3t-value'));
  }
  for (const c of badInputs.goodPrivateKeys) {
    const client = new Client({ merchantId: 'm1', merchantSecret: 's', privateKey: keyText(c.key), environment: 'sandbox' });
    assert.equal(client.merchantId, 'm1', c.name);
  }
});

test('bad inputs: public key mistakes are ConfigError with their keyError', () => {
  for (const c of badInputs.publicKeys) {
    const key = keyText(c.key);
    const err = captureSync(() => new CallbackVerifier({ platformPublicKey: key }));
    assert.ok(err instanceof ConfigError, `${c.name}: ${err}`);
    assert.equal(err.keyError, c.error, `${c.name}: ${err.message}`);
  }
  for (const c of badInputs.goodPublicKeys) {
    assert.ok(new CallbackVerifier({ platformPublicKey: keyText(c.key) }), c.name);
  }
});

test('bad inputs: configuration mistakes are ConfigError naming the problem, never the secret', () => {
  for (const c of badInputs.config) {
    const s = c.settings;
    const key = s.privateKey === undefined ? undefined : keyText(s.privateKey);
    const err = captureSync(
      () =>
        new Client({
          merchantId: s.merchantId,
          merchantSecret: s.merchantSecret,
          privateKey: key,
          baseUrl: s.baseUrl,
          environment: s.environment,
        }),
    );
    assert.ok(err instanceof ConfigError, `${c.name}: ${err}`);
    assert.equal(err.kind, 'config');
    assert.ok(err.message.includes(c.messageContains), `${c.name}: ${err.message}`);
    if (s.merchantSecret) assert.ok(!err.message.includes(s.merchantSecret), `${c.name}: secret in message`);
    if (key) assertNoKeyMaterial(err.message, key);
  }
});

test('callbacks.json: every case gives its verdict', () => {
  assert.ok(callbacks.cases.length >= 20);
  const keyFor = (k) => (k === 'production' ? keys.platform_production.public_spki_base64 : keys.platform.public_spki_base64);
  for (const c of callbacks.cases) {
    const verifier = new CallbackVerifier({
      platformPublicKeys: c.keys.map(keyFor),
      maxBodyBytes: callbacks.maxBodyBytes,
      maxAgeMs: c.maxAgeSeconds === undefined ? undefined : c.maxAgeSeconds * 1000,
      now: c.now,
    });
    const body = c.bodyBase64 !== undefined ? Buffer.from(c.bodyBase64, 'base64') : c.body;
    let verdict;
    try {
      verdict = verifier.verify({ headers: c.headers, body });
    } catch (e) {
      verdict = e;
    }
    if (c.expect === 'ok') {
      assert.ok(!(verdict instanceof Error), `${c.name}: refused: ${verdict && verdict.message}`);
      assert.equal(verdict.tradeNo, 'T112024041000000000001', c.name);
    } else {
      assert.ok(verdict instanceof SignatureError, `${c.name}: expected ${c.expect}, got ${verdict}`);
      assert.equal(verdict.code, 'SMILEPAYZ_SIGNATURE');
      assert.equal(verdict.check, c.expect, `${c.name}: ${verdict.message}`);
    }
  }
});

test('the real sandbox callback signature verifies; another tradeNo does not', () => {
  const v = load('real-callback-sandbox.json');
  const body = `{"tradeNo":"${v.tradeNo}","status":"SUCCESS"}`;
  const headers = { 'x-timestamp': v.timestamp, 'x-signature': v.signature };
  const verified = verifyCallback({ headers, body, platformPublicKey: v.platformPublicKey });
  assert.equal(verified.tradeNo, v.tradeNo);
  assert.equal(verified.status, 'SUCCESS');
  assert.equal(verified.timestamp, v.timestamp);
  assert.equal(verified.raw, body);
  const err = captureSync(() =>
    verifyCallback({ headers, body: body.replace('T1112', 'T1113'), platformPublicKey: v.platformPublicKey }),
  );
  assert.ok(err instanceof SignatureError);
  assert.equal(err.check, 'bad_signature');
});

module.exports = { counts: { requests: requests.cases.length, badInputs: badInputs.requests.length } };

test('golden requests: a mock gateway holding the vector keys accepts each one', async () => {
  const { MockGateway } = require('smilepayz/testing');
  const gw = await MockGateway.start({
    merchantId: requests.merchantId,
    merchantSecret: requests.merchantSecret,
    merchantPrivateKey: keys.merchant.pkcs8_pem,
    platformPrivateKey: keys.platform.private_pkcs8_pem,
  });
  try {
    assert.equal(gw.platformPublicKey, keys.platform.public_spki_base64);
    assert.equal(gw.merchantId, requests.merchantId);
    const client = new Client({ ...gw.clientOptions(), privateKey: keys.merchant.pkcs8_base64 });
    for (const c of requests.cases) {
      const answer = await client.payout(c.request);
      assert.equal(answer.orderNo, c.request.orderNo, c.name);
      const sent = gw.received().at(-1);
      assert.equal(sent.body, c.body, c.name);
    }
  } finally {
    await gw.close();
  }
});

// The `hostile` table: values no JSON file can hold, built here from their description.
const HANDLED_KEYS = new Set(['name', 'languages', 'base', 'set', 'value', 'option', 'error', 'accept', 'rule', 'messageContains', 'path', 'pathSnake', 'pathStartsWith', 'pathSnakeStartsWith']);

/** The JavaScript value a hostile spec describes; a `$cycle` is tied after the request is built. */
function hostileValue(spec, cycles, at) {
  if (Array.isArray(spec)) return spec.map((v, i) => hostileValue(v, cycles, [...at, i]));
  if (spec === null || typeof spec !== 'object') return spec;
  const markers = Object.keys(spec).filter((k) => k.startsWith('$'));
  if (markers.length === 0) return Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, hostileValue(v, cycles, [...at, k])]));
  assert.equal(markers.length, 1, `one marker per value: ${JSON.stringify(spec)}`);
  const [marker] = markers;
  const arg = spec[marker];
  switch (marker) {
    case '$loneSurrogate':
      return arg.before + String.fromCharCode(parseInt(arg.unit, 16)) + arg.after;
    case '$cycle':
      cycles.push([at, arg.split('.')]);
      return null;
    case '$nestedLists': {
      let nested = [];
      for (let i = 1; i < arg; i += 1) nested = [nested];
      return nested;
    }
    case '$function':
      return () => 'not JSON';
    case '$symbol':
      return Symbol(arg);
    case '$undefined':
      return undefined;
    case '$map':
      return new Map(arg);
    case '$number':
    case '$integer':
      return Number(arg);
    default:
      return assert.fail(`unhandled hostile marker ${marker} for node`);
  }
}

const dig = (value, parts) => parts.reduce((v, p) => v[p], value);

test('hostile values: each is refused by name (never dropped, rewritten or thrown as a foreign error)', async () => {
  const golden = Object.fromEntries(requests.cases.map((c) => [c.name, c]));
  const base = { merchantId: 'sandbox-20019', merchantSecret: 'golden-test-secret-0001', privateKey: keys.merchant.pkcs8_pem, baseUrl: 'http://127.0.0.1:9' };
  let ran = 0;
  for (const c of badInputs.hostile.cases) {
    if (!c.languages.includes('node')) continue;
    const unknownKeys = Object.keys(c).filter((k) => !HANDLED_KEYS.has(k));
    assert.deepEqual(unknownKeys, [], `${c.name}: unhandled keys`);
    ran += 1;
    const cycles = [];
    if (c.option !== undefined) {
      assert.equal(c.option, 'maxAttempts', `${c.name}: unhandled option`);
      const err = captureSync(() => new Client({ ...base, retry: { maxAttempts: hostileValue(c.value, cycles, []) } }));
      assert.ok(err instanceof ConfigError, `${c.name}: ${err}`);
      assert.ok(err.message.includes(c.messageContains), `${c.name}: ${err.message}`);
      continue;
    }
    const request = structuredClone(golden[c.base].request);
    const target = c.set.split('.');
    const value = hostileValue(c.value, cycles, target);
    let parent = request;
    for (const part of target.slice(0, -1)) parent = parent[part] ??= {};
    parent[target.at(-1)] = value;
    for (const [at, source] of cycles) dig(request, at.slice(0, -1))[at.at(-1)] = dig(request, source);
    if (c.accept) {
      assert.equal(typeof preparePayoutBody(request, 'sandbox-20019'), 'string', c.name);
      if (c.value && c.value.$undefined) assert.equal(preparePayoutBody(request, 'sandbox-20019'), golden[c.base].body, c.name);
      continue;
    }
    assert.equal(c.error, 'validation', `${c.name}: unhandled error kind`);
    const client = new Client(base);
    for (const err of [await client.payout(request).then(() => assert.fail(`${c.name}: accepted`), (e) => e), captureSync(() => preparePayoutBody(request, 'm1'))]) {
      assert.ok(err instanceof ValidationError, `${c.name}: ${err}`);
      assert.equal(err.violations.length, 1, `${c.name}: ${err.message}`);
      const [v] = err.violations;
      assert.equal(v.rule, c.rule, `${c.name}: ${err.message}`);
      if (c.path !== undefined) assert.equal(v.path, c.path, `${c.name}: ${err.message}`);
      else assert.ok(v.path.startsWith(c.pathStartsWith), `${c.name}: ${v.path}`);
    }
  }
  assert.ok(ran >= 20, `${ran} hostile cases for node`);
});
