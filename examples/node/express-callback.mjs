// An Express endpoint for Smilepayz callbacks: the raw body (express.raw), verified with
// the platform public key, confirmed with the gateway, answered `SUCCESS`.
//
//   SMILEPAYZ_MERCHANT_ID=… SMILEPAYZ_MERCHANT_SECRET=… SMILEPAYZ_PRIVATE_KEY=… \
//   SMILEPAYZ_ENVIRONMENT=sandbox SMILEPAYZ_PLATFORM_PUBLIC_KEY=… node examples/node/express-callback.mjs
import express from 'express';
import { ACKNOWLEDGEMENT, CallbackMismatchError, CallbackVerifier, Client, SignatureError, isFinal } from 'smilepayz';

/**
 * The app; `onConfirmed` receives each confirmed callback.
 * @param {{ client: Client, verifier: CallbackVerifier, onConfirmed?: (c: import('smilepayz').ConfirmedCallback) => void }} options
 */
export function createApp({ client, verifier, onConfirmed = () => {} }) {
  const app = express();
  // The signature covers bytes: take the body raw, never through express.json().
  app.post('/smilepayz/callback', express.raw({ type: '*/*', limit: '64kb' }), async (req, res) => {
    try {
      const callback = verifier.verify({ headers: req.headers, body: req.body });
      const confirmed = await client.confirmCallback(callback);
      if (isFinal(confirmed.inquiry.status)) {
        // Book the final state here, idempotently by orderNo.
      }
      onConfirmed(confirmed);
      res.status(200).type('text/plain').send(ACKNOWLEDGEMENT);
    } catch (e) {
      if (e instanceof SignatureError) {
        res.status(401).send(e.check);
      } else if (e instanceof CallbackMismatchError) {
        res.status(409).send(e.field);
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
