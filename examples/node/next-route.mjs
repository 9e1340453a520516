// A Next.js App Router route for Smilepayz callbacks: copy to
// app/api/smilepayz/callback/route.js. `smilepayz` is a native addon: keep the Node
// runtime (below) and add `serverExternalPackages: ['smilepayz']` to next.config.
import { CallbackHandler, CallbackVerifier, Client } from 'smilepayz';
import { callbackRoute } from 'smilepayz/next';

export const runtime = 'nodejs';

/**
 * The route's POST handler. `book(orderNo, status)` records the status to book,
 * idempotently (a callback can come twice).
 * @param {{
 *   client: Client,
 *   verifier: CallbackVerifier,
 *   book?: (orderNo: string, status: import('smilepayz').Status) => void | Promise<void>,
 * }} options
 */
export function createRoute({ client, verifier, book = () => {} }) {
  return callbackRoute(new CallbackHandler({ client, verifier, onCallback: (d) => book(d.orderNo, d.status) }));
}

/** @type {((request: Request) => Promise<Response>) | undefined} */
let route;

/** Next.js calls this; the handler is built once per server process from SMILEPAYZ_* variables. */
export function POST(/** @type {Request} */ request) {
  route ??= createRoute({
    client: Client.fromEnv(),
    verifier: new CallbackVerifier({ platformPublicKey: process.env.SMILEPAYZ_PLATFORM_PUBLIC_KEY ?? '' }),
  });
  return route(request);
}
