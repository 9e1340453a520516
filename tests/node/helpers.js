'use strict';
// Shared by the Node tests: the vectors of tests/vectors, requests for each region, and
// checks that no secret leaks.

const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert/strict');

const VECTORS = path.join(__dirname, '..', 'vectors');
const load = (name) => JSON.parse(fs.readFileSync(path.join(VECTORS, name), 'utf8'));
const keys = load('keys.json');

/** Resolves a key spec of bad-inputs.json: text, or `{ fromKeys: pointer }` into keys.json. */
function keyText(spec) {
  if (typeof spec === 'string') return spec;
  const parts = spec.fromKeys.split('/').slice(1);
  return parts.reduce((v, p) => v[p], keys);
}

/** No 16-character run of the key's base64 body appears in `message`. */
function assertNoKeyMaterial(message, key) {
  const body = key
    .split('\n')
    .filter((l) => !l.startsWith('-----'))
    .join('')
    .replaceAll('\\n', '')
    .replace(/\s/g, '');
  for (let i = 0; i + 16 <= body.length; i += 8) {
    const needle = body.slice(i, i + 16);
    assert.ok(!message.includes(needle), `key material in error: ${message}`);
  }
}

let counter = 0;
/** A fresh order number (letters and digits, unique in this process). */
function orderNo(prefix = 'ORD') {
  counter += 1;
  return `${prefix}${process.pid}${Date.now() % 1e8}${String(counter).padStart(4, '0')}`.slice(0, 32);
}

/** A valid request for each region. */
function requestFor(region, overrides = {}) {
  const base = {
    IDR: { region: 'IDR', purpose: 'Payroll', amount: '150000', paymentMethod: 'BRI', cashAccount: '78120011629261665' },
    PEN: {
      region: 'PEN',
      purpose: 'Pago a proveedor',
      amount: '1050',
      paymentMethod: 'BCP',
      cashAccount: '19312345678012',
      cashAccountType: 'SAVINGS',
      cci: '00219300123456780123',
      receiver: { name: 'José Pérez', email: 'jose.perez@example.pe', phone: '987654321', idType: 'NID', idNumber: '45678912' },
    },
    COP: {
      region: 'COP',
      purpose: 'Pago de nómina',
      amount: '10000',
      paymentMethod: 'BANCOLOMBIA',
      cashAccount: '12345678901',
      cashAccountType: 'AHORROS',
      receiver: { name: 'Maria Rodriguez Lopez', email: 'maria@example.co', phone: '3001234567', idType: 'CC', identity: '1234567890' },
    },
    BRL: {
      region: 'BRL',
      purpose: 'Reembolso',
      amount: '5000',
      paymentMethod: 'CPF',
      cashAccount: '52998224725',
      receiver: { pixAccount: '52998224725', pixType: 'CPF', taxNumber: '52998224725' },
    },
    USDT: { region: 'USDT', purpose: 'Treasury', amount: '100.5', network: 'TRC20', cashAccount: 'TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ' },
  }[region];
  return { ...base, orderNo: orderNo(region), ...overrides };
}

const REGIONS = ['IDR', 'PEN', 'COP', 'BRL', 'USDT'];

module.exports = { load, keys, keyText, assertNoKeyMaterial, orderNo, requestFor, REGIONS };
