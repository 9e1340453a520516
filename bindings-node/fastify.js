'use strict';
// Fastify: `app.register(smilepayzCallback, { handler })` adds POST /smilepayz/callback.
// The plugin is encapsulated: its raw-body parser (every content type as a Buffer)
// replaces JSON parsing for its own route only.

/** Registers one POST route at `path` answering as `handler` decides. */
async function smilepayzCallback(fastify, { handler, path = '/smilepayz/callback' } = {}) {
  if (!handler || typeof handler.handle !== 'function') {
    throw new TypeError('smilepayzCallback needs { handler: new CallbackHandler(...) }');
  }
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  fastify.post(path, async (request, reply) => {
    const answer = await handler.handle(request.headers, request.body ?? Buffer.alloc(0));
    return reply.code(answer.status).header('content-type', answer.contentType).send(answer.body);
  });
}

module.exports = { smilepayzCallback };
