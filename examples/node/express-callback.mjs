// An Express endpoint for Smilepayz callbacks in one line: `smilepayz/express` reads the
// raw body itself, verifies the signature, confirms the claims with the gateway, calls
// `book` once and answers `SUCCESS` only after it returned (401 for a forged or
// misdirected callback, 503 when the gateway cannot confirm it now or `book` threw:
// Smilepayz sends it again).
//
// Only `tradeNo` is signed. A delivery vouches for its tradeNo, its orderNo (the gateway
// was asked for that order and answered with the signed tradeNo), its status and its
// money; nothing else in the body. Book `delivery.status` under `delivery.orderNo`,
// idempotently by `delivery.idempotencyKey`: a callback can come twice.
//
//   SMILEPAYZ_MERCHANT_ID=… SMILEPAYZ_MERCHANT_SECRET=… SMILEPAYZ_PRIVATE_KEY=… \
//   SMILEPAYZ_ENVIRONMENT=sandbox SMILEPAYZ_PLATFORM_PUBLIC_KEY=… node examples/node/express-callback.mjs
import express from 'express';
import { CallbackHandler, CallbackVerifier, Client } from 'smilepayz';
import { callbackRouter } from 'smilepayz/express';

/**
 * The app. `book(orderNo, status)` records an order's status in your database,
 * idempotently; `onDelivery` receives each delivery.
 * @param {{
 *   client: Client,
 *   verifier: CallbackVerifier,
 *   book?: (orderNo: string, status: import('smilepayz').Status) => void | Promise<void>,
 *   onDelivery?: (d: import('smilepayz').Delivery) => void,
 * }} options
 */
export function createApp({ client, verifier, book = () => {}, onDelivery = () => {} }) {
  const handler = new CallbackHandler({
    client,
    verifier,
    async onCallback(delivery) {
      // The confirmed order; for a stale callback, the gateway's newer status.
      await book(delivery.orderNo, delivery.status);
      onDelivery(delivery);
    },
  });
  const app = express();
  app.use(callbackRouter(handler)); // POST /smilepayz/callback, before any express.json()
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const client = Client.fromEnv();
  const verifier = new CallbackVerifier({ platformPublicKey: process.env.SMILEPAYZ_PLATFORM_PUBLIC_KEY ?? '' });
  const port = Number(process.env.PORT ?? 3000);
  createApp({ client, verifier }).listen(port, () => console.log(`listening on :${port}`));
}
