// An Express endpoint for Smilepayz callbacks: the raw body (express.raw), verified with
// the platform public key, confirmed with the gateway, booked, answered `SUCCESS`.
//
// Only `tradeNo` is signed. A confirmed callback vouches for its tradeNo, its orderNo (the
// gateway was asked for that order and answered with the signed tradeNo), its status and
// its money; nothing else in the body. Book under `confirmed.orderNo`.
//
//   SMILEPAYZ_MERCHANT_ID=… SMILEPAYZ_MERCHANT_SECRET=… SMILEPAYZ_PRIVATE_KEY=… \
//   SMILEPAYZ_ENVIRONMENT=sandbox SMILEPAYZ_PLATFORM_PUBLIC_KEY=… node examples/node/express-callback.mjs
import express from 'express';
import {
  ACKNOWLEDGEMENT,
  CallbackMismatchError,
  CallbackVerifier,
  Client,
  SignatureError,
  StaleCallbackError,
} from 'smilepayz';

/**
 * The app. `book(orderNo, status)` records an order's status in your database,
 * idempotently by order number; `onConfirmed` receives each confirmed callback.
 * @param {{
 *   client: Client,
 *   verifier: CallbackVerifier,
 *   book?: (orderNo: string, status: import('smilepayz').Status | null) => void,
 *   onConfirmed?: (c: import('smilepayz').ConfirmedCallback) => void,
 * }} options
 */
export function createApp({ client, verifier, book = () => {}, onConfirmed = () => {} }) {
  const app = express();
  // The signature covers bytes: take the body raw, never through express.json().
  app.post('/smilepayz/callback', express.raw({ type: '*/*', limit: '64kb' }), async (req, res) => {
    try {
      const callback = verifier.verify({ headers: req.headers, body: req.body });
      const confirmed = await client.confirmCallback(callback); // asks the gateway for the order
      book(confirmed.orderNo, confirmed.inquiry.status); // the confirmed order, never one read from the body
      onConfirmed(confirmed);
      res.status(200).type('text/plain').send(ACKNOWLEDGEMENT);
    } catch (e) {
      if (e instanceof StaleCallbackError) {
        // Genuine, but the gateway has moved past the announced status: book the gateway's.
        book(e.callback.orderNo ?? '', e.gatewayStatus);
        res.status(200).type('text/plain').send(ACKNOWLEDGEMENT);
      } else if (e instanceof SignatureError) {
        res.status(401).send(`refused: ${e.check}`);
      } else if (e instanceof CallbackMismatchError) {
        // Forged, altered or about another order: refuse it and book nothing.
        res.status(401).send(`refused: ${e.field} does not match the gateway`);
      } else {
        // Not acknowledged: the gateway sends it again later.
        res.status(503).send('retry later');
      }
    }
  });
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const client = Client.fromEnv();
  const verifier = new CallbackVerifier({ platformPublicKey: process.env.SMILEPAYZ_PLATFORM_PUBLIC_KEY ?? '' });
  const port = Number(process.env.PORT ?? 3000);
  createApp({ client, verifier }).listen(port, () => console.log(`listening on :${port}`));
}
