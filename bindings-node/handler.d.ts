// Types of the callback handler (handler.js), re-exported by index.d.ts.

import type { CallbackNotification, StatusResponse, Status } from './types';
import type { Client, CallbackVerifier, CallbackHeaders, CallbackBody } from './index';

/**
 * A confirmed callback, as `onCallback` receives it. `status` is the status to book: the
 * gateway's. For an ordinary callback it equals `announcedStatus`; for a stale one
 * (`stale: true`: the gateway had moved past the announced non-final status, e.g.
 * PROCESSING announced, SUCCESS when confirmed) it is the gateway's newer status.
 */
export interface Delivery {
  /** The confirmed order number. */
  readonly orderNo: string;
  /** The signed trade number. */
  readonly tradeNo: string;
  /** The status to book (the gateway's current one). */
  readonly status: Status;
  /** The status the callback announced. */
  readonly announcedStatus: Status;
  /** True when the gateway had moved past the announced status. */
  readonly stale: boolean;
  /** `tradeNo:status`: book at most once per key. */
  readonly idempotencyKey: string;
  /** The callback as received; only order, trade, status and money are vouched for. */
  readonly callback: CallbackNotification;
  /** The gateway's answer for the order (`inquiry.money` is the confirmed amount). */
  readonly inquiry: StatusResponse;
}

/** What the endpoint writes back. */
export interface HandlerResponse {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

/** Books one delivery; throw (or reject) to have the callback sent again. */
export type OnCallback = (delivery: Delivery) => void | Promise<void>;

export interface CallbackHandlerOptions {
  client: Client;
  verifier: CallbackVerifier;
  onCallback: OnCallback;
  /** Told when `onCallback` failed (default: `console.error`). */
  onError?: (error: unknown, delivery: Delivery) => void;
}

/**
 * Verifies, confirms and hands each confirmed callback to `onCallback` once; `200 SUCCESS`
 * only after it returned, `401` for a callback that is not genuine or not about its order,
 * `503` when it could not be confirmed now or `onCallback` failed. Stateless: bookings must
 * be idempotent on `delivery.idempotencyKey`.
 */
export declare class CallbackHandler {
  constructor(options: CallbackHandlerOptions);
  handle(headers: CallbackHeaders, body: CallbackBody): Promise<HandlerResponse>;
}
