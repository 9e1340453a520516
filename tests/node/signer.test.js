'use strict';
// RequestSigner: the merchant key parsed once, the same signatures as the golden vectors
// and as Node's own RSA, string and byte bodies alike, bad keys refused as the client
// refuses them, and no key material in its inspect output.

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const util = require('node:util');
const { RequestSigner, ConfigError } = require('smilepayz');
const { signRequest } = require('smilepayz/testing');
const { load, keys, keyText, assertNoKeyMaterial } = require('./helpers.js');

const requests = load('requests.json');
const badInputs = load('bad-inputs.json');

test('RequestSigner gives the golden signatures (string, Buffer and Uint8Array bodies)', () => {
  const signer = new RequestSigner(keys.merchant.pkcs8_pem);
  assert.equal(signer.bits, 2048);
  for (const c of requests.cases) {
    const ts = requests.timestamp;
    const secret = requests.merchantSecret;
    assert.equal(signer.sign(ts, secret, c.body), c.signature, c.name);
    assert.equal(signer.sign(ts, secret, Buffer.from(c.body)), c.signature, c.name);
    assert.equal(signer.sign(ts, secret, new Uint8Array(Buffer.from(c.body))), c.signature, c.name);
  }
});

test('RequestSigner agrees with signRequest and crypto.verify for every key form', () => {
  const body = '{"orderNo":"ORD0001","purpose":"Zahlung ü ✓"}';
  const ts = '2024-12-17T10:55:00+07:00';
  for (const form of ['pkcs8_pem', 'pkcs1_pem', 'pkcs8_base64', 'pkcs1_base64', 'pkcs8_pem_escaped_newlines']) {
    const signature = new RequestSigner(keys.merchant[form]).sign(ts, 'sec|ret', body);
    assert.equal(signature, signRequest({ privateKey: keys.merchant.pkcs8_pem, timestamp: ts, merchantSecret: 'sec|ret', body }));
    const signed = Buffer.from(`${ts}|sec|ret|${body}`, 'utf8');
    assert.ok(crypto.verify('sha256', signed, keys.merchant.public_pem, Buffer.from(signature, 'base64')), form);
  }
});

test('RequestSigner refuses bad keys with the ConfigError the client gives', () => {
  for (const c of badInputs.privateKeys) {
    let key = keyText(c.key);
    if (c.truncate !== undefined) key = key.slice(0, c.truncate);
    let err;
    try {
      new RequestSigner(key);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError, `${c.name}: ${err}`);
    assert.equal(err.keyError, c.error, `${c.name}: ${err.message}`);
    assertNoKeyMaterial(err.message, key);
  }
  assert.throws(() => new RequestSigner(undefined), TypeError);
  assert.throws(() => new RequestSigner(Buffer.from(keys.merchant.pkcs8_pem)), TypeError);
});

test('RequestSigner shows no key material', () => {
  const signer = new RequestSigner(keys.merchant.pkcs8_pem);
  const shown = `${util.inspect(signer)} ${JSON.stringify(signer)} ${String(signer)}`;
  assert.match(util.inspect(signer), /RequestSigner \{ RSA-2048 \}/);
  assertNoKeyMaterial(shown, keys.merchant.pkcs8_pem);
});
