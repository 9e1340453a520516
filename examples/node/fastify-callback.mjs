// A Fastify endpoint for Smilepayz callbacks: the `smilepayz/fastify` plugin parses its own
// raw body (for its route only), verifies, confirms with the gateway, calls `book` once and
// answers `SUCCESS` only after it resolved (401 forged or misdirected, 503 send again).
// Book idempotently by `delivery.idempotencyKey`: a callback can come twice.
//
//   SMILEPAYZ_* variables set, then: node examples/node/fastify-callback.mjs
import Fastify from 'fastify';
import { CallbackHandler, CallbackVerifier, Client } from 'smilepayz';
import { smilepayzCallback } from 'smilepayz/fastify';

/**
 * The app, with POST /smilepayz/callback. `book(orderNo, status)` records the status to
 * book (for a stale callback, the gateway's newer one).
 * @param {{
 *   client: Client,
 *   verifier: CallbackVerifier,
 *   book?: (orderNo: string, status: import('smilepayz').Status) => void | Promise<void>,
 * }} options
 */
export async function createApp({ client, verifier, book = () => {} }) {
  const handler = new CallbackHandler({ client, verifier, onCallback: (d) => book(d.orderNo, d.status) });
  const app = Fastify();
  await app.register(smilepayzCallback, { handler });
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const client = Client.fromEnv();
  const verifier = new CallbackVerifier({ platformPublicKey: process.env.SMILEPAYZ_PLATFORM_PUBLIC_KEY ?? '' });
  const app = await createApp({ client, verifier });
  await app.listen({ port: Number(process.env.PORT ?? 3000) });
}
