// Types of the `smilepayz` package. Requests, answers, choice values, events and errors are
// generated from the Rust core into `types.d.ts` (`cargo run -p smilepayz-codegen`); this
// file declares the classes and functions by hand. Field names are the core's camelCase
// JSON names.

import type {
  CallbackNotification,
  PayoutRequest,
  PayoutResponse,
  StatusResponse,
  BalanceResponse,
  Status,
  SmilepayzEvent,
  AddSummary,
  BatchProgress,
  BatchReport,
  BatchState,
  BatchTotals,
  Coverage,
  RunSummary,
} from './types';

export * from './types';
export { CallbackHandler, CallbackHandlerOptions, Delivery, HandlerResponse, OnCallback } from './handler';

/** What reconciliation concluded about an order whose outcome was unknown. */
export type Reconciliation =
  | { outcome: 'settled'; status: StatusResponse }
  | { outcome: 'pending'; status: StatusResponse }
  | { outcome: 'not_found'; code: string; message: string };

/**
 * A callback whose signature verified. Only `tradeNo` and `timestamp` are signed: its
 * status and money are claims until `client.confirmCallback` checks them.
 */
export declare class VerifiedCallback {
  private constructor();
  /** `X-TIMESTAMP` as received. */
  readonly timestamp: string;
  /** For a queue: the signed headers and the raw body; `CallbackVerifier.fromJSON` verifies it again. */
  toJSON(): VerifiedCallbackJSON;
}

/** What `VerifiedCallback.toJSON()` writes: enough to verify the callback again, nothing trusted. */
export interface VerifiedCallbackJSON {
  headers: Array<[string, string]>;
  body: string;
}
/** The callback's fields (generated from the core), read-only. */
export interface VerifiedCallback extends Readonly<CallbackNotification> {}

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
  /**
   * An `http://` or `https://` proxy URL (user info allowed, kept secret). Without it no
   * proxy is used: `HTTPS_PROXY` and friends are honoured only with `proxyFromEnvironment`.
   */
  proxy?: string;
  /** Honour `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (not with `proxy`). */
  proxyFromEnvironment?: boolean;
  /** The local IP address to connect from (the one Smilepayz allow-lists); IPv4 makes the client IPv4-only. */
  localAddress?: string;
  /** Connect over IPv4 only. */
  ipv4Only?: boolean;
  /** PEM texts of CA certificates to trust besides the system's (e.g. a TLS-inspecting proxy's). */
  extraCaCertificates?: string[];
}

/** Options of one call, the last argument of every client method. */
export interface CallOptions {
  /** This call's whole limit in milliseconds, instead of the client's `timeoutMs`. */
  timeoutMs?: number;
  /**
   * Stops the call: rejects with `AbortedError` when nothing of it can have reached the
   * gateway, with `OutcomeUnknownError` (reason `'aborted'`, carrying the `orderNo`) for a
   * pay-out already on its way — reconcile that one, never resend it.
   */
  signal?: AbortSignal;
}

/** An event's name. */
export type SmilepayzEventName = SmilepayzEvent['event'];

/** The event of one name. */
export type SmilepayzEventOf<N extends SmilepayzEventName> = Extract<SmilepayzEvent, { event: N }>;

/** Every event name, as the core lists them. */
export declare const EVENT_NAMES: readonly SmilepayzEventName[];

export type StatusQuery = { orderNo: string; tradeNo?: undefined } | { tradeNo: string; orderNo?: undefined };

/** The pay-out client. Building it checks every setting (a bad key is a `ConfigError`). */
export declare class Client {
  constructor(options: ClientOptions);
  /** Settings from `SMILEPAYZ_*` environment variables, then `overrides`. */
  static fromEnv(overrides?: ClientOptions): Client;
  readonly merchantId: string;
  readonly baseUrl: string;
  /** Calls `listener` with every `event` of this client's calls (a throwing listener becomes a warning). */
  on<N extends SmilepayzEventName>(event: N, listener: (event: SmilepayzEventOf<N>) => void): this;
  /** Removes a listener added with `on`. */
  off<N extends SmilepayzEventName>(event: N, listener: (event: SmilepayzEventOf<N>) => void): this;
  /** Validates (every problem at once) and sends a pay-out; never sends it twice. */
  payout(request: PayoutRequest, options?: CallOptions): Promise<PayoutResponse>;
  inquireStatus(query: StatusQuery, options?: CallOptions): Promise<StatusResponse>;
  inquireBalance(accountNo: string, options?: CallOptions): Promise<BalanceResponse>;
  /** Resolves an `OutcomeUnknownError` by asking for the order's status. */
  reconcilePayout(orderNo: string, options?: CallOptions): Promise<Reconciliation>;
  /**
   * Asks the gateway for the callback's `orderNo`: the answer must carry the signed
   * `tradeNo`, the same money and the same status. Rejects with `CallbackMismatchError`
   * when anything is missing or different (forged, altered or about another order:
   * refuse it, HTTP 401), and with `StaleCallbackError` when the gateway has moved past
   * the announced status (genuine but old: book `gatewayStatus`, then acknowledge).
   */
  confirmCallback(callback: VerifiedCallback, options?: CallOptions): Promise<ConfirmedCallback>;
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
  /** Calls `listener` with every `callback_verified` or `callback_refused` event. */
  on<N extends SmilepayzEventName>(event: N, listener: (event: SmilepayzEventOf<N>) => void): this;
  /** Removes a listener added with `on`. */
  off<N extends SmilepayzEventName>(event: N, listener: (event: SmilepayzEventOf<N>) => void): this;
  /** Throws `SignatureError` (with `check`) when a check fails. */
  verify(callback: { headers: CallbackHeaders; body: CallbackBody }): VerifiedCallback;
  /** Verifies again what `VerifiedCallback.toJSON()` wrote (object or JSON text), e.g. in a queue worker. */
  fromJSON(json: VerifiedCallbackJSON | string): VerifiedCallback;
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

/** Rows per state, every state named. */
export type BatchCounts = RunSummary['counts'];

/** Where a batch lives: a SQLite file path or a `postgresql://` URL, and the batch id. */
export interface BatchOpenOptions {
  /** A SQLite file path (created with owner-only permissions) or a `postgresql://` URL. */
  journal: string;
  /** 1 to 128 printable ASCII characters without spaces; it also derives missing orderNos. */
  batchId: string;
  /**
   * Open only a batch the journal already holds (to resume or report after a crash): a
   * mistyped id is a `ConfigError` instead of a new, empty batch. Default `false`.
   */
  mustExist?: boolean;
}

/** Options of `add` and `addFile`. */
export interface AddOptions {
  /** Journal the valid rows and list the invalid ones in `skipped`, instead of refusing the whole input. */
  skipInvalid?: boolean;
}

/** Options of `run` and `resume`. An unknown key is a `ConfigError`; durations in milliseconds. */
export interface RunOptions {
  /** Pay-outs in flight at once (at least 1). */
  concurrency?: number;
  /** Requests per second at most (pay-outs and inquiries). */
  rate?: number;
  /** Pause after this many consecutive refusals with one gateway code; 0: never (default 10). */
  stopAfterSameRejections?: number;
  /**
   * A row the gateway does not know is sent again (same orderNo) only this long after its intent (default 120 000);
   * at least the client's `timeoutMs`, or the run rejects with `ConfigError`.
   */
  notFoundGraceMs?: number;
  /** The longest a run keeps reconciling rows that may have left. */
  maxWaitMs?: number;
  /** Poll accepted rows until final for at most this long; 0 or unset: do not poll. */
  settleWithinMs?: number;
  /** PostgreSQL: how long a worker's claim on a row lasts (default 300 000); at least the client's `timeoutMs`. */
  leaseMs?: number;
  /** Called after every row that changed state; a throwing listener is reported on `smilepayz:batch_progress_error`. */
  onProgress?: (progress: BatchProgress) => void;
  /** Stops taking new rows; the rows in flight finish and are journaled, then the run resolves with `stopped: true`. */
  signal?: AbortSignal;
}

/**
 * A batch of pay-outs in a crash-safe journal: every row reaches the gateway at most
 * once and ends with a known outcome, whatever crashes. Errors: `BatchRowsError`,
 * `BatchInputError`, `BatchOutputError`, `JournalError`, `InsufficientBalanceError`,
 * `CallbackDisagreesError`, `ConfigError`, and the client's own.
 */
export declare class Batch {
  private constructor();
  /** Opens (creating when absent) a batch in a journal. */
  static open(client: Client, options: BatchOpenOptions): Promise<Batch>;
  readonly batchId: string;
  /** The journal's backend, never its location (a URL may hold a password). */
  readonly journal: 'sqlite' | 'postgresql';
  /**
   * Adds request objects (camelCase, as `payout` takes them), numbered 1, 2, … in
   * order; every row is checked before any is journaled.
   */
  add(rows: Iterable<PayoutRequest | Record<string, unknown>>, options?: AddOptions): Promise<AddSummary>;
  /** Adds the rows of a CSV (`.csv`) or JSON Lines (`.jsonl`, `.ndjson`) file, streamed. */
  addFile(path: string, options?: AddOptions): Promise<AddSummary>;
  /** Compares the total still to send per currency with the balance of `accountNo`. */
  preflight(accountNo: string): Promise<Record<string, Coverage>>;
  /** Reconciles rows that may have left, then sends the pending ones. */
  run(options?: RunOptions): Promise<RunSummary>;
  /** After a crash or a pause: the same as `run`. */
  resume(options?: RunOptions): Promise<RunSummary>;
  /** Every row and the totals, all in memory (`saveReportCsv` streams the rows to a file). */
  report(): Promise<BatchReport>;
  /**
   * The totals per state and per final status (exact decimal strings per currency) without
   * the rows: the journal is read a page at a time, so memory stays flat however many rows
   * the batch has.
   */
  totals(): Promise<BatchTotals>;
  /** The report's rows as CSV (header: `row_number,order_no,trade_no,state,…`), every row in memory. */
  reportCsv(): Promise<string>;
  /**
   * Writes the report's rows as CSV (the text of `reportCsv`) to the file at `path`, a
   * journal page at a time, so memory stays flat however large the batch. The file is
   * created, or truncated, with mode 0600 (an existing file is narrowed first) and synced
   * to disk. Resolves with how many rows were written; a file that cannot be written
   * rejects with `BatchOutputError` (`path`).
   */
  saveReportCsv(path: string): Promise<number>;
  /** Records what `client.confirmCallback` resolved with: the row's state, or null for another batch's order. */
  recordCallback(confirmed: ConfirmedCallback): Promise<BatchState | null>;
  /** Closes the journal once the calls in flight are done; later calls are refused. */
  close(): Promise<void>;
  toJSON(): { batchId: string; journal: 'sqlite' | 'postgresql' };
}
