'use strict';
// The core's events in Node: published on `node:diagnostics_channel` channels named
// `smilepayz:<event>` (the convention of undici and other modern libraries) and handed
// to listeners set with `client.on(event, listener)` / `verifier.on(event, listener)`.
// Events arrive on the JavaScript thread, shortly after they happen (the native side
// queues them without waiting). A listener that throws never affects the call: the error
// becomes a process warning.

const diagnostics = require('node:diagnostics_channel');
const native = require('../native.js');

/** Every event name the core emits. */
const EVENT_NAMES = Object.freeze(native.eventNames());
const channels = new Map(EVENT_NAMES.map((name) => [name, diagnostics.channel(`smilepayz:${name}`)]));

/** The listeners of one client or verifier, and the sink its native side calls. */
class Listeners {
  #byName = new Map();

  /** Adds `listener` for `name` (one of `EVENT_NAMES`). */
  on(name, listener) {
    if (!channels.has(name)) {
      throw new TypeError(`unknown event ${JSON.stringify(name)}: one of ${EVENT_NAMES.join(', ')}`);
    }
    if (typeof listener !== 'function') throw new TypeError(`the listener of ${name} must be a function`);
    const list = this.#byName.get(name) ?? [];
    this.#byName.set(name, [...list, listener]);
  }

  /** Removes `listener` for `name`. */
  off(name, listener) {
    const list = this.#byName.get(name);
    if (list) this.#byName.set(name, list.filter((l) => l !== listener));
  }

  /** The function the native side calls with each event as JSON text. */
  sink() {
    return (text) => {
      const event = Object.freeze(JSON.parse(text));
      const channel = channels.get(event.event);
      if (channel?.hasSubscribers) channel.publish(event);
      for (const listener of this.#byName.get(event.event) ?? []) {
        try {
          listener(event);
        } catch (error) {
          process.emitWarning(`a smilepayz ${event.event} listener threw: ${error?.message ?? error}`, 'SmilepayzListenerWarning');
        }
      }
    };
  }
}

/** What a client and a verifier share: `on`/`off`, and the sink handed to the native side. */
class Observed {
  #listeners = new Listeners();

  /** Calls `listener` with every `event` (one of `EVENT_NAMES`) of this object's calls. */
  on(event, listener) {
    this.#listeners.on(event, listener);
    return this;
  }

  /** Removes a listener added with `on`. */
  off(event, listener) {
    this.#listeners.off(event, listener);
    return this;
  }

  /** The sink the native side of `observed` reports to. */
  static sinkOf(observed) {
    return observed.#listeners.sink();
  }
}

module.exports = { EVENT_NAMES, Observed };
