'use strict';
// Next.js App Router: in app/<path>/route.js, `export const runtime = 'nodejs';` and
// `export const POST = callbackRoute(handler);`. The addon is native code: the Node
// runtime only (no edge), and `serverExternalPackages: ['smilepayz']` in next.config.

/** A `POST(request)` route handler answering as `handler` decides. */
function callbackRoute(handler) {
  if (!handler || typeof handler.handle !== 'function') {
    throw new TypeError('callbackRoute needs a CallbackHandler');
  }
  return async function POST(request) {
    const body = new Uint8Array(await request.arrayBuffer());
    const answer = await handler.handle(request.headers, body);
    return new Response(answer.body, { status: answer.status, headers: { 'content-type': answer.contentType } });
  };
}

/** The runtime a route using this package must declare. */
const runtime = 'nodejs';

module.exports = { callbackRoute, runtime };
