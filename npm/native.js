'use strict';
// The native addon of the published `smilepayz` package (scripts/dist.sh ships this file as
// native.js and the loader napi-rs generates as native.napi.js).
//
// The generated loader looks first for smilepayz.<platform>.node beside it (a build from
// source), then for the platform package npm installs as an optional dependency
// (smilepayz-linux-x64-gnu, smilepayz-darwin-arm64, ...). This file changes nothing about
// that order: it only turns the loader's failure into an error that names the package this
// machine needs and says what to do.

let binding;
try {
  binding = require('./native.napi.js');
} catch (cause) {
  throw noBinary(cause);
}
module.exports = binding;

function libc() {
  try {
    const header = process.report.getReport().header;
    return header.glibcVersionRuntime ? `glibc ${header.glibcVersionRuntime}` : 'musl';
  } catch {
    return 'glibc';
  }
}

function noBinary(cause) {
  const pkg = require('./package.json');
  const onLinux = process.platform === 'linux';
  const c = onLinux ? libc() : '';
  const abi = onLinux ? (c === 'musl' ? '-musl' : '-gnu') : process.platform === 'win32' ? '-msvc' : '';
  const platform = `${process.platform}-${process.arch}${abi}`;
  const wanted = `${pkg.name}-${platform}`;
  const built = Object.keys(pkg.optionalDependencies || {}).map((name) => name.slice(pkg.name.length + 1));
  const here = `${platform}${c ? ` (${c})` : ''}, Node ${process.version}`;
  let installed = null;
  try {
    installed = require(`${wanted}/package.json`).version;
  } catch {
    // not installed
  }

  const lines = [];
  if (installed !== null) {
    lines.push(
      `smilepayz: ${wanted}@${installed} is installed but its native binary did not load on ${here}.`,
      installed === pkg.version ? '' : `It is version ${installed}; this smilepayz is ${pkg.version}: install both at the same version.`,
      onLinux ? 'The prebuilt Linux binaries need glibc 2.17 or newer (musl: the -musl package).' : '',
      `Loading it failed with: ${loadError(wanted, cause)}`,
    );
  } else if (built.includes(platform)) {
    lines.push(
      `smilepayz: the native binary for ${here} is in the optional dependency ${wanted}@${pkg.version}, which is not installed.`,
      'npm leaves optional dependencies out when it runs with --omit=optional (also --no-optional,',
      'omit=optional or optional=false in .npmrc, NPM_CONFIG_OMIT=optional),',
      'and a package-lock.json written on another platform can miss it (https://github.com/npm/cli/issues/4828).',
      'Fix: install again without --omit=optional; if the lockfile came from another machine, delete',
      `node_modules and package-lock.json first. Or add it explicitly: npm install ${wanted}@${pkg.version}`,
    );
  } else {
    lines.push(
      `smilepayz: no prebuilt native binary exists for ${here}.`,
      `Prebuilt: ${built.join(', ')}.`,
      'Build the addon from source (Rust 1.88+, a C compiler): in bindings-node of the repository run',
      '`npm run build:release`, then put the smilepayz.<platform>.node file beside this file or set',
      'NAPI_RS_NATIVE_LIBRARY_PATH to its path.',
    );
  }
  const error = new Error(lines.filter(Boolean).join('\n'));
  error.code = 'SMILEPAYZ_NO_NATIVE_BINARY';
  error.cause = cause;
  return error;
}

function loadError(wanted, cause) {
  try {
    require(wanted);
  } catch (e) {
    return e && e.message ? e.message.split('\n')[0] : String(e);
  }
  return cause && cause.message ? cause.message.split('\n')[0] : String(cause);
}
