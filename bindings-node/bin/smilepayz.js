#!/usr/bin/env node
'use strict';
// The `smilepayz` command (`npx smilepayz`): the Rust command line of the native addon,
// the same code as the cargo binary and the Python console script.

const native = require('../native.js');

// The Rust code handles SIGINT and SIGTERM itself (the mock stops cleanly, a pay-out in
// flight is reported as an unknown outcome) and passes each signal on to the handler it
// found. Node's default one re-raises the signal, which under the Rust handler loops
// forever; with a listener here libuv's handler is the one found, and it only queues the
// event. These listeners run, doing nothing, once the command has returned.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.exitCode = native.runCli(process.argv.slice(2));
