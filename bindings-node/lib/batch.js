'use strict';
// `Batch`: pay-outs in a crash-safe journal, over the native batch (the Rust crate
// `smilepayz-batch` owns every rule). This file converts arguments, wires `onProgress`
// and `signal`, and picks error classes.

const diagnostics = require('node:diagnostics_channel');
const { inspect } = require('node:util');
const native = require('../native.js');
const { callAsync } = require('./errors.js');
const { nativeHandle, confirmedHandles } = require('./handles.js');

/** Where a throwing `onProgress` is reported (the run goes on). */
const progressErrors = diagnostics.channel('smilepayz:batch_progress_error');

const token = Symbol('smilepayz.batch');

function nativeClient(client) {
  const handle = typeof client?.[nativeHandle] === 'function' ? client[nativeHandle]() : undefined;
  if (!(handle instanceof native.NativeClient)) throw new TypeError('a batch runs with a smilepayz Client');
  return handle;
}

/** The function the native run calls with each progress report as JSON text. */
function progressSink(onProgress, batchId) {
  return (text) => {
    const progress = JSON.parse(text);
    try {
      onProgress(progress);
    } catch (error) {
      if (progressErrors.hasSubscribers) {
        progressErrors.publish({ batchId, error });
      } else {
        process.emitWarning(`the onProgress of batch ${batchId} threw: ${error?.message ?? error}`, 'SmilepayzBatchWarning');
      }
    }
  };
}

/** A batch of pay-outs in a journal: a SQLite file path or a `postgresql://` URL. */
class Batch {
  #native;
  #client;

  constructor(secret, handle, client) {
    if (secret !== token) throw new TypeError('use `await Batch.open(client, { journal, batchId })`');
    this.#native = handle;
    this.#client = client;
  }

  /** Opens (creating when absent) the batch `batchId` in the journal at `journal`. */
  static async open(client, options) {
    const handle = nativeClient(client);
    // Passed on whole: the addon reads `journal` and `batchId` and refuses other keys.
    const batch = await callAsync(() => native.openBatch(options ?? {}));
    return new Batch(token, batch, handle);
  }

  get batchId() {
    return this.#native.batchId;
  }

  /** The journal's backend: `'sqlite'` or `'postgresql'` (never its location). */
  get journal() {
    return this.#native.backend;
  }

  /** Adds request objects (any iterable), numbered 1, 2, … in order; every row is checked first. */
  add(rows, options) {
    return callAsync(() => {
      if (rows === null || typeof rows !== 'object' || typeof rows[Symbol.iterator] !== 'function') {
        throw new TypeError('rows must be an array (or iterable) of pay-out request objects');
      }
      return this.#native.add(Array.isArray(rows) ? rows : Array.from(rows), options);
    });
  }

  /** Adds the rows of a CSV (`.csv`) or JSON Lines (`.jsonl`, `.ndjson`) file, streamed. */
  addFile(path, options) {
    return callAsync(() => this.#native.addFile(String(path), options));
  }

  /** Compares the total still to send per currency with the balance of `accountNo`. */
  preflight(accountNo) {
    return callAsync(() => this.#native.preflight(this.#client, accountNo));
  }

  /**
   * Sends what is not sent yet, reconciling first what may have left. `onProgress` gets
   * each report; `signal` (an AbortSignal) stops taking new rows: the run resolves with
   * `stopped: true` once the rows in flight are journaled.
   */
  run(options = {}) {
    return callAsync(() => {
      const { onProgress, signal, ...settings } = options ?? {};
      if (onProgress !== undefined && typeof onProgress !== 'function') {
        throw new TypeError('onProgress must be a function');
      }
      if (signal !== undefined && (typeof signal?.addEventListener !== 'function' || typeof signal.aborted !== 'boolean')) {
        throw new TypeError('signal must be an AbortSignal');
      }
      const sink = onProgress ? progressSink(onProgress, this.batchId) : undefined;
      if (!signal) return this.#native.run(this.#client, settings, undefined, sink);
      const cancel = new native.NativeCancelToken();
      const stop = () => cancel.cancel();
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
      return this.#native.run(this.#client, settings, cancel, sink).finally(() => signal.removeEventListener('abort', stop));
    });
  }

  /** After a crash or a pause: the same as `run`, which always reconciles first. */
  resume(options) {
    return this.run(options);
  }

  /** Every row and the totals per state and status (amounts as exact decimal strings). */
  report() {
    return callAsync(() => this.#native.report());
  }

  /** The totals per state and status without the rows: the journal is read a page at a time. */
  totals() {
    return callAsync(() => this.#native.totals());
  }

  /** The report's rows as CSV text, every row in memory. */
  reportCsv() {
    return callAsync(() => this.#native.reportCsv());
  }

  /** Streams the report's rows as CSV to the file at `path` (mode 0600); resolves with the rows written. */
  saveReportCsv(path) {
    return callAsync(() => {
      // Never `String(path)`: a forgotten argument must not become a file named `undefined`.
      if (typeof path !== 'string') throw new TypeError('saveReportCsv takes the file path as a string');
      return this.#native.saveReportCsv(path);
    });
  }

  /**
   * Records what `client.confirmCallback` resolved with; resolves with the row's state,
   * or null when the order is not in this batch.
   */
  recordCallback(confirmed) {
    return callAsync(() => {
      const handle = typeof confirmed === 'object' && confirmed !== null ? confirmedHandles.get(confirmed) : undefined;
      if (!handle) throw new TypeError('recordCallback takes what client.confirmCallback resolved with');
      return this.#native.recordCallback(handle);
    });
  }

  /** Closes the journal once the calls in flight are done; later calls are refused. */
  close() {
    return callAsync(() => this.#native.close());
  }

  [inspect.custom]() {
    return `Batch { batchId: ${inspect(this.batchId)}, journal: ${inspect(this.journal)} }`;
  }

  toJSON() {
    return { batchId: this.batchId, journal: this.journal };
  }
}

module.exports = { Batch };
