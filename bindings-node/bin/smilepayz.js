#!/usr/bin/env node
'use strict';
// The `smilepayz` command (`npx smilepayz`): the Rust command line of the native addon,
// the same code as the cargo binary and the Python console script.

const native = require('../native.js');

// The Rust code handles SIGINT and SIGTERM itself (the mock stops cleanly, a pay-out in
// flight is reported as an unknown outcome). Listening here replaces Node's default,
// which would kill the process before the Rust handler's work is done; these listeners
// run, doing nothing, only once the command has returned.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.exitCode = native.runCli(process.argv.slice(2));
