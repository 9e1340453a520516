// Types of the `smilepayz` package (hand-written; the native module's own generated
// typings stay private). Field names are the core's camelCase JSON names.

/** An amount: a decimal string (exact), a bigint, or a number only when its shortest decimal form is exact. */
export type Amount = string | bigint | number;

/** Optional merchant details; the merchant id comes from the client. */
export interface MerchantInfo {
  merchantName?: string;
  subMerchantId?: string;
  subMerchantName?: string;
}

/** Fields every region shares. */
interface PayoutCommon {
  /** Merchant-unique order number, 6–32 ASCII letters and digits. */
  orderNo: string;
  purpose: string;
  amount: Amount;
  cashAccount: string;
  merchant?: MerchantInfo;
  callbackUrl?: string;
  /**
   * Extra JSON fields sent as given (fields the gateway may require tomorrow). Plain
   * JSON only: `undefined`, functions, symbols, `NaN`/`Infinity`, a `Map`, `Date` or class
   * instance, a lone surrogate or nesting deeper than 32 levels is a `ValidationError`
   * naming the path, never dropped in silence. (Elsewhere in a request an optional field
   * set to `undefined` is left out.)
   */
  extra?: Record<string, unknown>;
}

/** Indonesia, IDR (whole rupiah). */
export interface IndonesiaPayout extends PayoutCommon {
  region: 'IDR';
  /** Bank code, e.g. `BRI`, `BCA`. */
  paymentMethod: string;
  receiver?: { name?: string; accountNo?: string };
}

/** Peru, PEN. */
export interface PeruPayout extends PayoutCommon {
  region: 'PEN';
  paymentMethod: string;
  cashAccountType: 'CHECKING' | 'SAVINGS';
  cci: string;
  receiver: { name: string; email: string; phone: string; idType: 'NID' | 'FID' | 'PP' | 'TIN'; idNumber: string };
}

/** Colombia, COP. */
export interface ColombiaPayout extends PayoutCommon {
  region: 'COP';
  paymentMethod: string;
  cashAccountType: 'CORRIENTE' | 'AHORROS';
  receiver: { name: string; email: string; phone: string; idType: 'CC' | 'CE'; identity: string };
}

export type PixKeyType = 'CPF' | 'CNPJ' | 'PHONE' | 'EMAIL' | 'EVP';

/** Brazil, BRL over PIX. */
export interface BrazilPayout extends PayoutCommon {
  region: 'BRL';
  /** The PIX key type of `cashAccount`. */
  paymentMethod: PixKeyType;
  receiver?: { pixType?: PixKeyType; pixAccount?: string; taxNumber?: string };
}

/** USDT on TRC20 or BEP20. */
export interface UsdtPayout extends PayoutCommon {
  region: 'USDT';
  network: 'TRC20' | 'BEP20';
  /** Always `USDT` when given. */
  paymentMethod?: 'USDT';
}

/** A pay-out to any region: a discriminated union on `region`. */
export type PayoutRequest = IndonesiaPayout | PeruPayout | ColombiaPayout | BrazilPayout | UsdtPayout;
export type Region = PayoutRequest['region'];

/** Order statuses as the gateway writes them; unknown ones are kept as given. */
export type Status = 'PROCESSING' | 'SUCCESS' | 'FAILED' | 'EXPIRED' | 'REVIEW' | 'INIT' | 'CANCELLED' | (string & {});

/** An amount with its currency; `amount` is exact decimal text. */
export interface Money {
  currency: string;
  amount: string;
}

/** The gateway's answer to a pay-out. `raw` is the body as received. */
export interface PayoutResponse {
  code: string;
  message: string;
  orderNo: string | null;
  tradeNo: string | null;
  status: Status | null;
  /** As written by the gateway. */
  disbursementTime: string | null;
  merchant: {
    merchantId: string | null;
    merchantName: string | null;
    subMerchantId: string | null;
    subMerchantName: string | null;
    accountNo: string | null;
  } | null;
  money: Money | null;
  channel: { paymentMethod: string | null; cashAccount: string | null; accountName: string | null } | null;
  raw: string;
}

/** The gateway's answer to a status inquiry. */
export interface StatusResponse {
  code: string;
  message: string;
  orderNo: string | null;
  tradeNo: string | null;
  tradeType: string | null;
  paymentMethod: string | null;
  money: Money | null;
  status: Status | null;
  remark: string | null;
  transactionTime: string | null;
  raw: string;
}

/** The gateway's answer to a balance inquiry. */
export interface BalanceResponse {
  code: string;
  message: string;
  accountNo: string | null;
  name: string | null;
  balanceTypes: string[];
  accountInfos: Array<{
    balanceType: string | null;
    amount: { currency: string | null; value: string } | null;
    availableBalance: { currency: string | null; value: string } | null;
  }>;
  raw: string;
}

/** What reconciliation concluded about an order whose outcome was unknown. */
export type Reconciliation =
  | { outcome: 'settled'; status: StatusResponse }
  | { outcome: 'pending'; status: StatusResponse }
  | { outcome: 'not_found'; code: string; message: string };

/** A callback body's fields. */
export interface CallbackNotification {
  tradeNo: string;
  orderNo: string | null;
  merchantId: string | null;
  merchantName: string | null;
  subMerchantId: string | null;
  subMerchantName: string | null;
  paymentMethod: string | null;
  transactionTime: string | null;
  status: Status | null;
  money: Money | null;
  raw: string;
}

/**
 * A callback whose signature verified. Only `tradeNo` and `timestamp` are signed: its
 * status and money are claims until `client.confirmCallback` checks them.
 */
export declare class VerifiedCallback implements CallbackNotification {
  private constructor();
  readonly tradeNo: string;
  readonly orderNo: string | null;
  readonly merchantId: string | null;
  readonly merchantName: string | null;
  readonly subMerchantId: string | null;
  readonly subMerchantName: string | null;
  readonly paymentMethod: string | null;
  readonly transactionTime: string | null;
  readonly status: Status | null;
  readonly money: Money | null;
  readonly raw: string;
  /** `X-TIMESTAMP` as received. */
  readonly timestamp: string;
}

/**
 * A callback the gateway confirmed through a status inquiry by its `orderNo`. It vouches
 * for exactly four fields: `tradeNo` (signed by Smilepayz), `orderNo` (asked for; the
 * gateway answered with the same `tradeNo`), and the status and money of `inquiry`
 * (equal to the callback's). Nothing else in the body (`merchantId`, `paymentMethod`,
 * `transactionTime`…) is vouched for. Book `inquiry.status` under `orderNo` of this
 * object.
 */
export interface ConfirmedCallback {
  /** The confirmed order number: book the callback under this one. */
  readonly orderNo: string;
  /** The confirmed (signed) trade number. */
  readonly tradeNo: string;
  /** The callback as received; only the four fields above are vouched for. */
  callback: CallbackNotification;
  /** The authoritative state. */
  inquiry: StatusResponse;
}

/** Retries of safe requests (pay-outs only when nothing was sent). */
export interface RetryOptions {
  /** Attempts in total, the first included: a whole number from 1 to 10 (default 3). */
  maxAttempts?: number;
  /** Wait before the first retry, in milliseconds (default 100). */
  initialBackoffMs?: number;
  /** Longest wait between attempts, in milliseconds (default 2 000). */
  maxBackoffMs?: number;
}

/**
 * An unknown key in any options object is a `ConfigError` naming it. Keys may also be
 * given in snake_case (Python's names); every duration is in milliseconds.
 */
export interface ClientOptions {
  merchantId?: string;
  merchantSecret?: string;
  /** PEM or bare base64 DER, PKCS#8 or PKCS#1. */
  privateKey?: string;
  environment?: 'sandbox' | 'production';
  /** Any base URL (e.g. the mock gateway); wins over `environment`. */
  baseUrl?: string;
  /** Default 10 000. */
  connectTimeoutMs?: number;
  /** Default 30 000. */
  timeoutMs?: number;
  retry?: RetryOptions;
  userAgentSuffix?: string;
  /** Gateway codes meaning "no such order", for `reconcilePayout`. */
  orderNotFoundCodes?: string[];
}

export type StatusQuery = { orderNo: string; tradeNo?: undefined } | { tradeNo: string; orderNo?: undefined };

/** The pay-out client. Building it checks every setting (a bad key is a `ConfigError`). */
export declare class Client {
  constructor(options: ClientOptions);
  /** Settings from `SMILEPAYZ_*` environment variables, then `overrides`. */
  static fromEnv(overrides?: ClientOptions): Client;
  readonly merchantId: string;
  readonly baseUrl: string;
  /** Validates (every problem at once) and sends a pay-out; never sends it twice. */
  payout(request: PayoutRequest): Promise<PayoutResponse>;
  inquireStatus(query: StatusQuery): Promise<StatusResponse>;
  inquireBalance(accountNo: string): Promise<BalanceResponse>;
  /** Resolves an `OutcomeUnknownError` by asking for the order's status. */
  reconcilePayout(orderNo: string): Promise<Reconciliation>;
  /**
   * Asks the gateway for the callback's `orderNo`: the answer must carry the signed
   * `tradeNo`, the same money and the same status. Rejects with `CallbackMismatchError`
   * when anything is missing or different (forged, altered or about another order:
   * refuse it, HTTP 401), and with `StaleCallbackError` when the gateway has moved past
   * the announced status (genuine but old: book `gatewayStatus`, then acknowledge).
   */
  confirmCallback(callback: VerifiedCallback): Promise<ConfirmedCallback>;
  toJSON(): { merchantId: string; baseUrl: string };
}

/** Header containers accepted for callbacks (names in any case). */
export type CallbackHeaders =
  | Record<string, string | string[] | undefined>
  | Headers
  | Map<string, string>
  | Array<[string, string]>
  | string[];

/** A raw callback body. */
export type CallbackBody = Buffer | Uint8Array | ArrayBuffer | string;

export interface CallbackVerifierOptions {
  platformPublicKey?: string;
  /** Several keys during a rotation (not together with `platformPublicKey`). */
  platformPublicKeys?: string[];
  /** Refuse callbacks older than this many milliseconds (off by default). */
  maxAgeMs?: number;
  /** Refuse larger bodies (default 64 KiB). */
  maxBodyBytes?: number;
  /** Measure age as if it were this instant (tests). */
  now?: Date | string | number;
}

/** Verifies callbacks with keys loaded once. */
export declare class CallbackVerifier {
  constructor(options: CallbackVerifierOptions);
  /** Throws `SignatureError` (with `check`) when a check fails. */
  verify(callback: { headers: CallbackHeaders; body: CallbackBody }): VerifiedCallback;
}

/** Verifies one callback. Throws `SignatureError` (with `check`) when a check fails. */
export declare function verifyCallback(
  options: CallbackVerifierOptions & { headers: CallbackHeaders; body: CallbackBody },
): VerifiedCallback;

/**
 * Signs requests with the merchant key parsed once: `X-SIGNATURE` (base64 RSA-SHA256)
 * over `timestamp|merchantSecret|body`. A bad key is a `ConfigError` with `keyError`.
 */
export declare class RequestSigner {
  constructor(privateKey: string);
  /** Modulus size in bits. */
  readonly bits: number;
  /** `body` is the exact bytes sent (a string is taken as UTF-8). */
  sign(timestamp: string, merchantSecret: string, body: string | Uint8Array): string;
}

/** True once an order with this status can no longer change (the core's rule). */
export declare function isFinal(status: Status | null | undefined): boolean;

/** The body (with HTTP 200) that acknowledges a processed callback: `SUCCESS`. */
export declare const ACKNOWLEDGEMENT: string;

export type ErrorCode =
  | 'SMILEPAYZ_VALIDATION'
  | 'SMILEPAYZ_CONFIG'
  | 'SMILEPAYZ_API'
  | 'SMILEPAYZ_OUTCOME_UNKNOWN'
  | 'SMILEPAYZ_TRANSPORT'
  | 'SMILEPAYZ_PROTOCOL'
  | 'SMILEPAYZ_SIGNATURE'
  | 'SMILEPAYZ_CALLBACK_MISMATCH'
  | 'SMILEPAYZ_STALE_CALLBACK'
  | 'SMILEPAYZ_INTERNAL';

/** The base of every SDK error. */
export declare class SmilepayzError extends Error {
  /** Stable code, e.g. `SMILEPAYZ_VALIDATION`. */
  readonly code: ErrorCode;
  /** Stable kind, e.g. `validation`. */
  readonly kind: string;
}

export interface Violation {
  /** camelCase field path, e.g. `receiver.idNumber`. */
  path: string;
  /** e.g. `required`, `format`, `scale`, `range`, `one_of`. */
  rule: string;
  message: string;
}

/** A request breaks a rule; nothing was sent. */
export declare class ValidationError extends SmilepayzError {
  readonly code: 'SMILEPAYZ_VALIDATION';
  readonly violations: Violation[];
}

/** A setting is missing or wrong (never shows the secret or key). */
export declare class ConfigError extends SmilepayzError {
  readonly code: 'SMILEPAYZ_CONFIG';
  /** The key mistake when a key is one of the problems, e.g. `too_small`. */
  readonly keyError: 'empty' | 'not_pem_or_base64' | 'wrong_kind' | 'encrypted' | 'not_rsa' | 'too_small' | null;
}

/** The gateway answered with a code other than `00`. */
export declare class ApiError extends SmilepayzError {
  readonly code: 'SMILEPAYZ_API';
  readonly apiCode: string;
  readonly apiMessage: string;
  readonly httpStatus: number;
  readonly rawBody: string;
}

/** A pay-out may or may not have been accepted: never resend it; call `reconcilePayout(orderNo)`. */
export declare class OutcomeUnknownError extends SmilepayzError {
  readonly code: 'SMILEPAYZ_OUTCOME_UNKNOWN';
  readonly orderNo: string;
  /**
   * `redirect`: the gateway answered with a redirect, never followed (`httpStatus` set);
   * `internal`: the SDK failed (a caught panic) after the pay-out may have left.
   */
  readonly cause: 'timeout' | 'connection_lost' | 'server_error' | 'unreadable' | 'wrong_order' | 'redirect' | 'internal';
  readonly causeDetail: string;
  /** The HTTP status for `server_error`, `unreadable` and `redirect`. */
  readonly httpStatus: number | null;
}

/** Nothing reached the gateway (or a read got no answer); safe to try again. */
export declare class TransportError extends SmilepayzError {
  readonly code: 'SMILEPAYZ_TRANSPORT';
}

/** An inquiry's answer was not the documented JSON. */
export declare class ProtocolError extends SmilepayzError {
  readonly code: 'SMILEPAYZ_PROTOCOL';
  readonly httpStatus: number;
  readonly detail: string;
  readonly bodyExcerpt: string;
}

/** A callback failed verification. */
export declare class SignatureError extends SmilepayzError {
  readonly code: 'SMILEPAYZ_SIGNATURE';
  readonly check:
    | 'missing_header'
    | 'duplicate_header'
    | 'header_not_text'
    | 'body_too_large'
    | 'unparseable_body'
    | 'missing_trade_no'
    | 'bad_base64'
    | 'bad_signature'
    | 'bad_timestamp'
    | 'too_old'
    | 'from_the_future';
}

/**
 * A verified callback disagrees with the gateway's answer for its order: forged, altered
 * (only `tradeNo` is signed) or about another order. Refuse it (HTTP 401), book nothing.
 */
export declare class CallbackMismatchError extends SmilepayzError {
  readonly code: 'SMILEPAYZ_CALLBACK_MISMATCH';
  /** `orderNo`: missing, or no such order; `tradeNo`: the order has another trade number. */
  readonly field: 'orderNo' | 'tradeNo' | 'status' | 'money';
  /** What the callback claimed (`(none)` when it claimed nothing). */
  readonly callbackValue: string;
  /** What the gateway answered. */
  readonly gatewayValue: string;
}

/**
 * A genuine callback whose announced status the gateway has since moved past (e.g.
 * PROCESSING announced, SUCCESS by the time it was confirmed). Its order, trade and money
 * were confirmed; only its status is old. Book `gatewayStatus` under `callback.orderNo`
 * and acknowledge it (HTTP 200, `ACKNOWLEDGEMENT`), or Smilepayz sends it again. Not a
 * `CallbackMismatchError`.
 */
export declare class StaleCallbackError extends SmilepayzError {
  readonly code: 'SMILEPAYZ_STALE_CALLBACK';
  /** The status the callback announced. */
  readonly announcedStatus: Status | null;
  /** The gateway's current status: the one to book. */
  readonly gatewayStatus: Status | null;
  /** The callback as received (its `orderNo` and `tradeNo` were confirmed). */
  readonly callback: CallbackNotification;
  /** The gateway's answer, the authoritative state. */
  readonly inquiry: StatusResponse;
}

/**
 * A bug in the SDK (a caught Rust panic), reported instead of crashing or hanging. A
 * pay-out that may have left is an `OutcomeUnknownError` with cause `internal` instead.
 */
export declare class InternalError extends SmilepayzError {
  readonly code: 'SMILEPAYZ_INTERNAL';
}
