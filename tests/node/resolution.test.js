// The package as its consumers' TypeScript resolves it: a CommonJS (.cts) and an ESM
// (.mts) file import `smilepayz` and every subpath of its `exports`, type-checked under
// moduleResolution node16, nodenext and bundler. A `types` condition that is missing or
// points at the wrong file, a subpath missing from `exports`, or declarations that one
// module system cannot read (or that type as `any`) fail here; the last test breaks a
// copy of the package to show that it does.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const PACKAGE_DIR = path.join(REPO, 'bindings-node');
const TSC = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
const exportsMap = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')).exports;

// What each subpath offers a consumer, used through a namespace `ns`: every line fails to
// type-check when the subpath's declarations are absent, wrong or typed `any`.
const USES = {
  '.': (ns) => `
    const gateway: testing.MockGateway = await testing.MockGateway.start();
    const client: ${ns}.Client = new ${ns}.Client(gateway.clientOptions());
    const request: ${ns}.PayoutRequest = {
      region: 'IDR', orderNo: 'ORDER0001', purpose: 'Payroll', amount: 150000n,
      paymentMethod: 'BRI', cashAccount: '78120011629261665',
    };
    try {
      const answer: ${ns}.PayoutResponse = await client.payout(request, { timeoutMs: 5000 });
      const final: boolean = ${ns}.isFinal(answer.status);
      console.log(final);
    } catch (error) {
      if (error instanceof ${ns}.OutcomeUnknownError) console.log(error.orderNo.toUpperCase());
    }
    // @ts-expect-error: an amount is a decimal string, a bigint or a number
    await client.payout({ ...request, amount: { value: 1 } });
    const verifier = new ${ns}.CallbackVerifier({ platformPublicKey: gateway.platformPublicKey });
    const onCallback = (delivery: ${ns}.Delivery): void => console.log(delivery.idempotencyKey);
    const handler: ${ns}.CallbackHandler = new ${ns}.CallbackHandler({ client, verifier, onCallback });
    await gateway.close();`,
  './testing': () => `
    // @ts-expect-error: a callback is signed with the platform key
    testing.signCallback({ body: '{}' });
    const signed: testing.SignedCallback = testing.signCallback({ body: '{}', platformPrivateKey: '' });
    console.log(signed.headers);`,
  './express': () => `
    // @ts-expect-error: the router needs a CallbackHandler
    express.callbackRouter({});
    const router: import('express').Router = express.callbackRouter(handler, { limit: '64kb' });
    console.log(router);`,
  './fastify': () => `
    // @ts-expect-error: the plugin is a function, not a number
    const notPlugin: number = fastify.smilepayzCallback;
    const plugin: import('fastify').FastifyPluginAsync<fastify.SmilepayzCallbackOptions> = fastify.smilepayzCallback;
    console.log(plugin);`,
  './next': () => `
    // @ts-expect-error: the runtime is 'nodejs', never 'edge'
    const edge: 'edge' = next.runtime;
    const route: (request: Request) => Promise<Response> = next.callbackRoute(handler);
    const runtime: 'nodejs' = next.runtime;
    console.log(route, runtime);`,
};

const subpaths = Object.keys(exportsMap).filter((p) => p !== './package.json');
const specifier = (subpath) => (subpath === '.' ? 'smilepayz' : `smilepayz/${subpath.slice(2)}`);
const alias = (subpath) => (subpath === '.' ? 'smilepayz' : subpath.slice(2));
const body = (ns) => subpaths.map((p) => USES[p](ns)).join('\n');

// The same uses in both module systems: `import x = require()` in CommonJS, `import * as`
// plus named and default imports in ESM (index.mjs has a default export).
const CTS = `
${subpaths.map((p) => `import ${alias(p)} = require('${specifier(p)}');`).join('\n')}
// @ts-expect-error: the package's own files are not part of its exports
import internal = require('smilepayz/handler');

export async function consume(): Promise<void> {${body('smilepayz')}
}
`;
const MTS = `
${subpaths.map((p) => `import * as ${alias(p)} from '${specifier(p)}';`).join('\n')}
import sdk, { Client, type PayoutRequest } from 'smilepayz';
// @ts-expect-error: express.mjs has no default export (Node would throw at the import)
import expressDefault from 'smilepayz/express';
// @ts-expect-error: the package's own files are not part of its exports
import type * as internal from 'smilepayz/handler';

const sameClass: typeof Client = sdk.Client;
const noRegion: PayoutRequest['region'] = 'IDR';

export async function consume(): Promise<void> {${body('smilepayz')}
}
`;

const MODES = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'preserve', moduleResolution: 'bundler' },
};

// A consumer project outside the repository, so that nothing resolves past its own
// node_modules: `smilepayz` is the package (or a copy that `breakPackage` changed), and
// the framework typings come from the workspace. skipLibCheck: the declarations' own
// bodies are checked by tsconfig.json of this folder; here, what matters is what each
// resolution mode hands the consumer.
function consumerProject(mode, breakPackage) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `smilepayz-ts-${mode}-`));
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules);
  for (const dep of ['@types', 'express', 'fastify']) {
    fs.symlinkSync(path.join(REPO, 'node_modules', dep), path.join(modules, dep), 'dir');
  }
  let packageDir = PACKAGE_DIR;
  if (breakPackage) {
    // Inside the project, so that the copy's own imports (express, fastify) resolve.
    packageDir = path.join(dir, 'package');
    fs.mkdirSync(packageDir);
    for (const file of fs.readdirSync(PACKAGE_DIR).filter((f) => /\.(d\.ts|d\.mts|js|mjs)$/.test(f))) {
      fs.copyFileSync(path.join(PACKAGE_DIR, file), path.join(packageDir, file));
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));
    breakPackage(pkg, packageDir);
    fs.writeFileSync(path.join(packageDir, 'package.json'), JSON.stringify(pkg));
  }
  fs.symlinkSync(packageDir, path.join(modules, 'smilepayz'), 'dir');
  fs.writeFileSync(path.join(dir, 'consumer.cts'), CTS);
  fs.writeFileSync(path.join(dir, 'consumer.mts'), MTS);
  const compilerOptions = {
    ...MODES[mode],
    strict: true,
    noEmit: true,
    target: 'ES2022',
    lib: ['ES2022', 'DOM'],
    types: ['node'],
    skipLibCheck: true,
  };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.cts', 'consumer.mts'] }));
  return dir;
}

// Type-checks a consumer project and removes it. Every check starts at once: tsc is slow
// to start, and the checks are independent.
function tsc(mode, breakPackage) {
  const dir = consumerProject(mode, breakPackage);
  return new Promise((resolve) => {
    execFile(process.execPath, [TSC, '-p', dir, '--pretty', 'false'], { cwd: dir }, (error, stdout, stderr) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ status: error ? (error.code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

const checks = Object.fromEntries(Object.keys(MODES).map((mode) => [mode, tsc(mode)]));
// `./testing` without its ESM declarations (no `types` condition, no testing.d.mts beside
// testing.mjs): ESM consumers then find none.
const brokenCheck = tsc('nodenext', (pkg, dir) => {
  delete pkg.exports['./testing'].import.types;
  fs.rmSync(path.join(dir, 'testing.d.mts'));
});

test('every subpath of exports has a consumer use here', () => {
  assert.deepEqual(subpaths.filter((p) => !USES[p]), [], 'add a use for the new subpath to USES');
  assert.ok(subpaths.includes('.') && subpaths.length >= 5, `subpaths: ${subpaths}`);
});

for (const mode of Object.keys(MODES)) {
  test(`CommonJS and ESM consumers type-check under moduleResolution ${mode}`, async () => {
    const { status, output } = await checks[mode];
    assert.equal(status, 0, `tsc (${mode}) refused the consumers:\n${output}`);
  });
}

test('a package whose testing subpath lost its types condition fails the check', async () => {
  const { status, output } = await brokenCheck;
  assert.notEqual(status, 0, 'tsc accepted a package without types for smilepayz/testing');
  assert.match(output, /consumer\.mts.*'smilepayz\/testing'/, output);
  assert.doesNotMatch(output, /consumer\.cts/, 'CommonJS consumers still have the require condition');
});
