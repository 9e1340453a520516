// Quick start: one pay-out to each of the five regions against the local mock gateway,
// callbacks received on a local HTTP endpoint, verified and confirmed, and a table.
//
//   node examples/node/quickstart.mjs
//
// Against the real sandbox, build the client with `Client.fromEnv()` instead, and the
// verifier with the platform public key Smilepayz gives you.
import http from 'node:http';
import {
  ACKNOWLEDGEMENT,
  CallbackMismatchError,
  CallbackVerifier,
  Client,
  OutcomeUnknownError,
  SignatureError,
  StaleCallbackError,
  isFinal,
} from 'smilepayz';
import { MockGateway } from 'smilepayz/testing';

/** @type {Record<string, import('smilepayz').PayoutRequest>} */
const REQUESTS = {
  IDR: { region: 'IDR', orderNo: '', purpose: 'Payroll', amount: 150000n, paymentMethod: 'BRI', cashAccount: '78120011629261665' },
  PEN: {
    region: 'PEN', orderNo: '', purpose: 'Pago a proveedor', amount: '1050', paymentMethod: 'BCP',
    cashAccount: '19312345678012', cashAccountType: 'SAVINGS', cci: '00219300123456780123',
    receiver: { name: 'José Pérez', email: 'jose.perez@example.pe', phone: '987654321', idType: 'NID', idNumber: '45678912' },
  },
  COP: {
    region: 'COP', orderNo: '', purpose: 'Pago de nómina', amount: 10000, paymentMethod: 'BANCOLOMBIA',
    cashAccount: '12345678901', cashAccountType: 'AHORROS',
    receiver: { name: 'Maria Rodriguez Lopez', email: 'maria@example.co', phone: '3001234567', idType: 'CC', identity: '1234567890' },
  },
  BRL: {
    region: 'BRL', orderNo: '', purpose: 'Reembolso', amount: '5000', paymentMethod: 'CPF', cashAccount: '52998224725',
    receiver: { pixType: 'CPF', pixAccount: '52998224725', taxNumber: '52998224725' },
  },
  USDT: { region: 'USDT', orderNo: '', purpose: 'Treasury', amount: '100.5', network: 'TRC20', cashAccount: 'TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ' },
};

/**
 * Runs the quick start; resolves to one row per region.
 * @returns {Promise<Array<{ region: string, orderNo: string, accepted: string, callback: string, confirmed: string, final: boolean }>>}
 */
export async function quickstart() {
  const gateway = await MockGateway.start();
  const client = new Client({
    merchantId: gateway.merchantId,
    merchantSecret: gateway.merchantSecret,
    privateKey: gateway.merchantPrivateKeyPem,
    baseUrl: gateway.baseUrl,
  });
  const verifier = new CallbackVerifier({ platformPublicKey: gateway.platformPublicKey, maxAgeMs: 300_000 });
  /** @type {Map<string, string>} */
  const confirmed = new Map();

  // The callback endpoint: raw body in, verify, confirm with the gateway, answer SUCCESS.
  const server = http.createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      try {
        const callback = verifier.verify({ headers: req.headers, body: Buffer.concat(chunks) });
        const result = await client.confirmCallback(callback);
        // Book under the CONFIRMED order number, never one read from the body.
        confirmed.set(result.orderNo, result.inquiry.status ?? '');
        res.writeHead(200).end(ACKNOWLEDGEMENT);
      } catch (e) {
        if (e instanceof StaleCallbackError) {
          // Genuine, but the gateway has moved on: book its status, acknowledge.
          confirmed.set(e.callback.orderNo ?? '', e.gatewayStatus ?? '');
          res.writeHead(200).end(ACKNOWLEDGEMENT);
        } else {
          res.writeHead(e instanceof SignatureError || e instanceof CallbackMismatchError ? 401 : 503).end(String(e));
        }
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const rows = [];
  try {
    for (const [region, template] of Object.entries(REQUESTS)) {
      const orderNo = `${region}${Date.now()}`.slice(0, 32);
      const request = { ...template, orderNo, callbackUrl: `http://127.0.0.1:${port}/smilepayz/callback` };
      let accepted;
      try {
        accepted = await client.payout(request);
      } catch (e) {
        if (e instanceof OutcomeUnknownError) {
          // Never resend: ask the gateway what happened to this order.
          await client.reconcilePayout(e.orderNo);
        }
        throw e;
      }
      const delivery = await gateway.settle(orderNo, 'SUCCESS');
      const status = confirmed.get(orderNo) ?? '(none)';
      rows.push({
        region,
        orderNo,
        accepted: accepted.status ?? '',
        callback: delivery?.acknowledged ? 'acknowledged' : 'refused',
        confirmed: status,
        final: isFinal(status),
      });
    }
  } finally {
    server.close();
    await gateway.close();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await quickstart();
  console.table(rows);
  if (!rows.every((r) => r.callback === 'acknowledged' && r.final)) process.exitCode = 1;
}
