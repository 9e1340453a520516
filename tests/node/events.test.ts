// Events in Node: every kind occurs in one scenario against the mock gateway, on the
// `smilepayz:<event>` diagnostics channels and on `client.on`/`verifier.on`, each with
// exactly the fields index.d.ts declares for it (a table `tsc --strict` checks against
// the declaration), and no event carries the merchant secret, key material or a full
// account number.
import test from 'node:test';
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import {
  Client,
  CallbackVerifier,
  EVENT_NAMES,
  OutcomeUnknownError,
  SignatureError,
  CallbackMismatchError,
  type PayoutRequest,
  type SmilepayzEvent,
  type SmilepayzEventName,
  type SmilepayzEventOf,
} from 'smilepayz';
import { MockGateway } from 'smilepayz/testing';

// The shared helpers are CommonJS without declarations.
const helpers = createRequire(__filename)('../helpers.js') as {
  goldenRequest(name: string): PayoutRequest & { orderNo: string };
  assertNoKeyMaterial(text: string, key: string): void;
  load(name: string): { cases: Array<{ name: string; request: { cashAccount: string } }> };
};
const { goldenRequest, assertNoKeyMaterial, load } = helpers;

// Every field each event declares, optional ones included: a missing or extra key here
// does not compile, so the table is the declaration's.
type Keys<N extends SmilepayzEventName> = { [K in keyof SmilepayzEventOf<N>]-?: true };
const DECLARED: { [N in SmilepayzEventName]: Keys<N> } = {
  request: { event: true, endpoint: true, orderNo: true, tradeNo: true, attempt: true, account: true },
  response: {
    event: true,
    endpoint: true,
    orderNo: true,
    attempt: true,
    httpStatus: true,
    gatewayCode: true,
    elapsedMs: true,
  },
  retry: { event: true, endpoint: true, orderNo: true, attempt: true, reason: true, delayMs: true },
  outcome_unknown: { event: true, orderNo: true, cause: true },
  callback_verified: { event: true, orderNo: true, tradeNo: true, status: true },
  callback_refused: { event: true, check: true },
  callback_confirmed: { event: true, orderNo: true, tradeNo: true, status: true },
  callback_mismatch: { event: true, orderNo: true, field: true, stale: true },
};

// Events are queued to the JavaScript thread: let the queue drain.
const drain = () => new Promise((resolve) => setTimeout(resolve, 50));

test('every event kind reaches diagnostics_channel and on(), without secrets', async (t) => {
  const gw = await MockGateway.start();
  t.after(() => gw.close());
  const published: Array<{ channel: string | symbol; event: SmilepayzEvent }> = [];
  const subscribers = EVENT_NAMES.map((name) => {
    const subscriber = (event: unknown, channel: string | symbol) => published.push({ channel, event: event as SmilepayzEvent });
    diagnostics.subscribe(`smilepayz:${name}`, subscriber);
    return [name, subscriber] as const;
  });
  t.after(() => subscribers.forEach(([name, s]) => diagnostics.unsubscribe(`smilepayz:${name}`, s)));

  const client = gw.client({ timeoutMs: 2000, retry: { maxAttempts: 10, initialBackoffMs: 100 } });
  const verifier = new CallbackVerifier({ platformPublicKey: gw.platformPublicKey });
  const heard: SmilepayzEvent[] = [];
  for (const name of EVENT_NAMES) {
    client.on(name, (e) => heard.push(e));
    verifier.on(name, (e) => heard.push(e));
  }

  // request, response, retry: the first connections are refused (nothing was sent).
  await gw.refuseConnectionsFor(120);
  const first = goldenRequest('idr-minimal');
  const accepted = await client.payout(first);
  // outcome_unknown
  gw.inject('payout', 'dropAfterAccept');
  const second = goldenRequest('idr-minimal');
  await assert.rejects(client.payout(second), OutcomeUnknownError);
  // callback_verified, callback_confirmed
  await gw.settle(first.orderNo, 'SUCCESS');
  const signed = gw.signedCallback(first.orderNo)!;
  await client.confirmCallback(verifier.verify(signed));
  // callback_refused: one character of the signature changed
  const tampered = signed.headers.map(([name, value]): [string, string] =>
    name.toUpperCase() === 'X-SIGNATURE' ? [name, (value.startsWith('A') ? 'B' : 'A') + value.slice(1)] : [name, value],
  );
  assert.throws(() => verifier.verify({ headers: tampered, body: signed.body }), SignatureError);
  // callback_mismatch: a genuine trade number with a status the gateway contradicts
  const lie = gw.signCallback({
    orderNo: first.orderNo,
    tradeNo: accepted.tradeNo,
    status: 'FAILED',
    money: { currency: 'IDR', amount: 150000 },
  });
  await assert.rejects(client.confirmCallback(verifier.verify(lie)), CallbackMismatchError);
  await drain();

  assert.deepEqual([...EVENT_NAMES].sort(), [
    'callback_confirmed',
    'callback_mismatch',
    'callback_refused',
    'callback_verified',
    'outcome_unknown',
    'request',
    'response',
    'retry',
  ]);
  for (const name of EVENT_NAMES) {
    assert.ok(published.some((p) => p.channel === `smilepayz:${name}` && p.event.event === name), `no ${name} published`);
    assert.ok(heard.some((e) => e.event === name), `no ${name} heard`);
  }
  for (const event of heard) {
    const declared = Object.keys(DECLARED[event.event]);
    for (const key of Object.keys(event)) assert.ok(declared.includes(key), `${event.event}.${key} is not declared`);
  }
  const find = <N extends SmilepayzEventName>(name: N, also: (e: SmilepayzEventOf<N>) => boolean = () => true) => {
    const found = heard.find((e): e is SmilepayzEventOf<N> => e.event === name && also(e as SmilepayzEventOf<N>));
    assert.ok(found, `no ${name}`);
    return found;
  };
  const retry = find('retry');
  assert.equal(retry.orderNo, first.orderNo);
  assert.equal(retry.attempt, 1);
  assert.equal(typeof retry.delayMs, 'number');
  const response = find('response', (e) => e.orderNo === first.orderNo);
  assert.deepEqual([response.httpStatus, response.gatewayCode, response.endpoint], [200, '00', 'payout']);
  assert.deepEqual(find('outcome_unknown'), { event: 'outcome_unknown', orderNo: second.orderNo, cause: 'connection_lost' });
  assert.equal(find('callback_refused').check, 'bad_signature');
  const mismatch = find('callback_mismatch');
  assert.deepEqual([mismatch.field, mismatch.stale], ['status', false]);

  const account = load('requests.json').cases.find((c) => c.name === 'idr-minimal')!.request.cashAccount;
  const masked = heard.flatMap((e) => (e.event === 'request' && e.account ? [e.account] : []));
  assert.deepEqual([...new Set(masked)], [`****${account.slice(-4)}`]);
  for (const { event } of published) {
    const text = JSON.stringify(event);
    assert.ok(!text.includes(gw.merchantSecret), text);
    assert.ok(!text.includes(account), text);
    assertNoKeyMaterial(text, gw.merchantPrivateKeyPem);
    assertNoKeyMaterial(text, gw.platformPublicKey);
  }
});

test('a throwing listener becomes a warning and never changes the call', async (t) => {
  const gw = await MockGateway.start();
  t.after(() => gw.close());
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const client = gw.client({ timeoutMs: 2000 });
  const quiet = () => assert.fail('removed listeners are not called');
  client.on('request', () => {
    throw new Error('listener bug');
  });
  client.on('response', quiet).off('response', quiet);
  const answer = await client.payout(goldenRequest('idr-minimal'));
  assert.ok(answer.tradeNo);
  await drain();
  assert.ok(warnings.some((w) => w.name === 'SmilepayzListenerWarning' && /listener bug/.test(w.message)), String(warnings));
  // What the declarations refuse is refused at run time too.
  assert.throws(() => client.on('sent' as SmilepayzEventName, () => {}), { name: 'TypeError', message: /unknown event "sent"/ });
  assert.throws(() => client.on('request', 'not a function' as unknown as () => void), TypeError);
});

test('a client from the environment reports events too', async (t) => {
  const gw = await MockGateway.start();
  t.after(() => gw.close());
  const client = Client.fromEnv(gw.clientOptions({ timeoutMs: 2000 }));
  const seen: Array<SmilepayzEventOf<'response'>> = [];
  client.on('response', (e) => seen.push(e));
  const request = goldenRequest('idr-minimal');
  await client.payout(request);
  await drain();
  assert.equal(seen[0]?.orderNo, request.orderNo);
});
