import type { CallbackHandler } from './handler';

/** A Next.js App Router `POST` handler (Node runtime). */
export declare function callbackRoute(handler: CallbackHandler): (request: Request) => Promise<Response>;

/** The runtime a route using this package must declare: `export const runtime = 'nodejs'`. */
export declare const runtime: 'nodejs';
