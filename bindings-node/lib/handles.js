'use strict';
// The key under which a Client or CallbackVerifier hands its native object to the callback
// handler (handler.js). Not exported from the package: user code cannot fake a handle.

module.exports = { nativeHandle: Symbol('smilepayz native handle') };
