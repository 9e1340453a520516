import type { Router } from 'express';
import type { CallbackHandler } from './handler';

/** A router with one POST route (default `/smilepayz/callback`) reading the raw body itself. */
export declare function callbackRouter(
  handler: CallbackHandler,
  options?: { path?: string; limit?: string | number },
): Router;
