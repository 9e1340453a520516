// Types of `smilepayz/testing`: the Rust mock gateway and signing helpers, for tests.
import type { Client, ClientOptions, PayoutRequest, Status } from './index';

export interface MockGatewayOptions {
  merchantId?: string;
  merchantSecret?: string;
  /** The merchant private key requests must be signed with (generated when absent). */
  merchantPrivateKey?: string;
  /** The platform private key callbacks are signed with (generated when absent). */
  platformPrivateKey?: string;
}

export type Endpoint = 'payout' | 'status' | 'balance';
/** A redirect status: 307 and 308 keep the method and body. */
export type RedirectStatus = 307 | 308;
/**
 * Each fault spoils one upcoming request. `…AfterAccept` and `delay`: after the gateway
 * handled it (a pay-out is accepted and counted). `redirectBeforeAccept` and
 * `resetDuringUpload`: the request is left unhandled (no order). `closeIdleKeepAlive`:
 * answered normally, then the kept-alive connection is reset under the next request.
 * The same names as Python's, in camelCase.
 */
export type Fault =
  | 'delay'
  | 'serverErrorAfterAccept'
  | 'dropAfterAccept'
  | 'malformedAfterAccept'
  | 'redirectBeforeAccept'
  | 'redirectAfterAccept'
  | 'resetDuringUpload'
  | 'truncatedAfterAccept'
  | 'oversizedAfterAccept'
  | 'closeIdleKeepAlive';

/** Settings of a fault: `delayMs` for `delay` (required), `httpStatus` for the redirects. */
export interface FaultOptions {
  delayMs?: number;
  httpStatus?: RedirectStatus;
}

/** A callback ready to send: `[name, value]` headers and the body text. */
export interface SignedCallback {
  headers: Array<[string, string]>;
  body: string;
}

export interface CallbackDelivery {
  httpStatus: number;
  body: string;
  /** HTTP 200 with exactly `SUCCESS`. */
  acknowledged: boolean;
}

export interface MockOrder {
  orderNo: string;
  tradeNo: string;
  region: string;
  amount: string;
  currency: string;
  paymentMethod: string;
  cashAccount: string;
  status: Status;
  callbackUrl: string | null;
  merchantName: string | null;
  receiverName: string | null;
  remark: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body: string;
  httpStatus: number;
  code: string;
  fault: string | null;
  /** False when a fault stopped the request before the gateway read it (no order). */
  handled: boolean;
}

/** A Smilepayz gateway on 127.0.0.1 that checks signatures and fields as the real one does. */
export declare class MockGateway {
  private constructor();
  static start(options?: MockGatewayOptions): Promise<MockGateway>;
  readonly baseUrl: string;
  readonly merchantId: string;
  readonly merchantSecret: string;
  readonly merchantPrivateKeyPem: string;
  /** Base64 SubjectPublicKeyInfo DER, what verifies this gateway's callbacks. */
  readonly platformPublicKey: string;
  readonly orderNotFoundCode: string;
  clientOptions(overrides?: ClientOptions): ClientOptions;
  client(overrides?: ClientOptions): Client;
  inject(endpoint: Endpoint, fault: Fault, options?: FaultOptions): void;
  /** Kept-alive connections `closeIdleKeepAlive` reset under the client's next request. */
  closedKeepAliveConnections(): number;
  refuseConnectionsFor(durationMs: number): Promise<void>;
  /** Sets the status; delivers the signed callback when the order has a callbackUrl. */
  settle(orderNo: string, status: Status): Promise<CallbackDelivery | null>;
  setRemark(orderNo: string, remark: string): boolean;
  signedCallback(orderNo: string): SignedCallback | null;
  signCallback(body: string | Uint8Array | object, options?: { timestamp?: string }): SignedCallback;
  order(orderNo: string): MockOrder | null;
  orders(): MockOrder[];
  payoutRequestsFor(orderNo: string): number;
  received(): ReceivedRequest[];
  setBalance(accountNo: string, balance: { currency: string; balance: string | number; available?: string | number }): void;
  /** Stops the server (idempotent). */
  close(): Promise<void>;
}

/** Signs a callback body as the gateway does, to test your own handler. */
export declare function signCallback(options: {
  platformPrivateKey: string;
  body: string | Uint8Array | object;
  timestamp?: string;
}): SignedCallback;

/** The exact body the client signs and sends for a request. */
export declare function preparePayoutBody(request: PayoutRequest, merchantId: string): string;

/** `X-SIGNATURE` over `timestamp|merchantSecret|body`. */
export declare function signRequest(options: {
  privateKey: string;
  timestamp: string;
  merchantSecret: string;
  body: string;
}): string;
