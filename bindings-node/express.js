'use strict';
// Express: `app.use(callbackRouter(handler))` mounts POST /smilepayz/callback with its own
// `express.raw` body reader (the signature covers the exact bytes). Express is the
// application's own dependency, loaded only when this file is.

const express = require('express');

/** A router with one POST route at `path` answering as `handler` decides. */
function callbackRouter(handler, { path = '/smilepayz/callback', limit = '100kb' } = {}) {
  const router = express.Router();
  router.post(path, express.raw({ type: () => true, limit }), async (req, res, next) => {
    try {
      if (!Buffer.isBuffer(req.body)) {
        throw new TypeError(
          'the Smilepayz callback route got a parsed body: mount callbackRouter() before express.json()',
        );
      }
      const answer = await handler.handle(req.headers, req.body);
      res.status(answer.status).set('Content-Type', answer.contentType).send(answer.body);
    } catch (error) {
      next(error);
    }
  });
  return router;
}

module.exports = { callbackRouter };
