'use strict';
// Network and call controls: a real forward proxy on loopback (node:http, a few lines)
// sees the SDK's traffic, the address requests leave from, IPv4 only, extra CA
// certificates, and `{ timeoutMs }` on every call.

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { ConfigError, OutcomeUnknownError } = require('smilepayz');
const { MockGateway } = require('smilepayz/testing');
const { goldenRequest } = require('./helpers.js');

/** Reads each request in absolute form, sends it on in origin form and relays the answer. */
async function forwardProxy(t) {
  const seen = { forwarded: [], peers: [], authorizations: [] };
  const server = http.createServer((req, res) => {
    seen.forwarded.push(req.url);
    seen.peers.push(req.socket.remoteAddress);
    seen.authorizations.push(req.headers['proxy-authorization'] ?? '');
    const target = new URL(req.url);
    const { 'proxy-authorization': _auth, 'proxy-connection': _pc, connection: _c, ...headers } = req.headers;
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: req.method, headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  server.closeIdleConnections?.();
  return { url: `http://127.0.0.1:${server.address().port}`, seen };
}

test('requests go through the proxy, with its credentials', async (t) => {
  const gw = await MockGateway.start();
  t.after(() => gw.close());
  const proxy = await forwardProxy(t);
  const client = gw.client({ proxy: proxy.url.replace('http://', 'http://payroll:pr0xy-s3cret@'), timeoutMs: 5000 });
  const request = goldenRequest('idr-minimal');
  const accepted = await client.payout(request);
  const status = await client.inquireStatus({ orderNo: request.orderNo });
  assert.equal(status.tradeNo, accepted.tradeNo);
  assert.deepEqual(proxy.seen.forwarded, [
    `${gw.baseUrl}/v2.0/disbursement/pay-out`,
    `${gw.baseUrl}/v2.0/inquiry-status`,
  ]);
  assert.match(proxy.seen.authorizations[0], /^Basic /);
  assert.equal(gw.payoutRequestsFor(request.orderNo), 1);
  assert.ok(!JSON.stringify(client).includes('pr0xy-s3cret'));
});

test('requests leave from the local address, IPv4 only', async (t) => {
  const gw = await MockGateway.start();
  t.after(() => gw.close());
  const proxy = await forwardProxy(t);
  const client = gw.client({ proxy: proxy.url, localAddress: '127.0.0.2', ipv4Only: true, timeoutMs: 5000 });
  await client.payout(goldenRequest('idr-minimal'));
  assert.deepEqual(proxy.seen.peers, ['127.0.0.2']);
  assert.throws(() => gw.client({ localAddress: 'localhost' }), { name: 'ConfigError', message: /localAddress/ });
  assert.throws(() => gw.client({ proxy: proxy.url, proxyFromEnvironment: true }), ConfigError);
});

test('extra CA certificates are read; a bad one is refused', async (t) => {
  const gw = await MockGateway.start();
  t.after(() => gw.close());
  const ca = fs.readFileSync(path.join(__dirname, '..', 'vectors', 'tls', 'ca.pem'), 'utf8');
  assert.equal(gw.client({ extraCaCertificates: [ca] }).merchantId, gw.merchantId);
  const bad = '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n';
  assert.throws(() => gw.client({ extraCaCertificates: [bad] }), ConfigError);
});

test('{ timeoutMs } bounds one call and leaves the client alone', async (t) => {
  const gw = await MockGateway.start();
  t.after(() => gw.close());
  const client = gw.client({ timeoutMs: 5000 });
  gw.inject('payout', 'delay', { delayMs: 800 });
  const started = Date.now();
  await assert.rejects(client.payout(goldenRequest('idr-minimal'), { timeoutMs: 200 }), (e) => {
    assert.ok(e instanceof OutcomeUnknownError);
    assert.equal(e.reason, 'timeout');
    assert.equal(e.cause, undefined, 'Error.cause is left for an underlying Error');
    return true;
  });
  assert.ok(Date.now() - started < 700);
  gw.inject('payout', 'delay', { delayMs: 300 });
  const request = goldenRequest('idr-minimal');
  const accepted = await client.payout(request);
  const status = await client.inquireStatus({ orderNo: request.orderNo }, { timeoutMs: 2000 });
  assert.equal(status.tradeNo, accepted.tradeNo);
  assert.ok((await client.reconcilePayout(request.orderNo, { timeoutMs: 2000 })).outcome);
  await assert.rejects(client.inquireBalance('ACC1', { timeoutMs: -1 }), { name: 'ConfigError', message: /timeoutMs/ });
  await assert.rejects(client.inquireBalance('ACC1', { timeoutMs: 0 }), { name: 'ConfigError', message: /longer than zero/ });
  await assert.rejects(client.inquireBalance('ACC1', { timeout: 5 }), { name: 'ConfigError', message: /timeout/ });
});
