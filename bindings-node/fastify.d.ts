import type { FastifyPluginAsync } from 'fastify';
import type { CallbackHandler } from './handler';

export interface SmilepayzCallbackOptions {
  handler: CallbackHandler;
  /** Default `/smilepayz/callback`. */
  path?: string;
}

/** An encapsulated plugin: one POST route with its own raw-body parser. */
export declare const smilepayzCallback: FastifyPluginAsync<SmilepayzCallbackOptions>;
