'use strict';
// The key under which a Client or CallbackVerifier hands its native object to the callback
// handler (handler.js). Not exported from the package: user code cannot fake a handle.

// `confirmedHandles` maps each object `client.confirmCallback` resolved with to its native
// confirmed callback, so a batch records only what the gateway confirmed.

module.exports = { nativeHandle: Symbol('smilepayz native handle'), confirmedHandles: new WeakMap() };
