// A typed test: checked by `tsc --strict` (the typings must describe the package) and
// run by node after compilation.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  Client,
  OutcomeUnknownError,
  SignatureError,
  ValidationError,
  isFinal,
  verifyCallback,
  type PayoutRequest,
  type PayoutResponse,
  type Reconciliation,
  type VerifiedCallback,
} from 'smilepayz';
import { MockGateway, type SignedCallback } from 'smilepayz/testing';

test('typed pay-out, reconciliation and callback', async () => {
  const gw: MockGateway = await MockGateway.start();
  try {
    const client = new Client(gw.clientOptions({ timeoutMs: 2000 }));
    const request: PayoutRequest = {
      region: 'USDT',
      orderNo: `TYPED${Date.now()}`,
      purpose: 'Treasury',
      amount: 100.5,
      network: 'TRC20',
      cashAccount: 'TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ',
    };
    const answer: PayoutResponse = await client.payout(request);
    const amount: string | undefined = answer.money?.amount;
    assert.equal(amount, '100.5');
    const state: Reconciliation = await client.reconcilePayout(request.orderNo);
    if (state.outcome !== 'not_found') assert.equal(isFinal(state.status.status), false);

    gw.inject('payout', 'dropAfterAccept');
    try {
      await client.payout({ ...request, orderNo: `TYPEDB${Date.now()}` });
      assert.fail('expected OutcomeUnknownError');
    } catch (e) {
      if (!(e instanceof OutcomeUnknownError)) throw e;
      const orderNo: string = e.orderNo;
      assert.equal((await client.reconcilePayout(orderNo)).outcome, 'pending');
    }

    try {
      // @ts-expect-error: an IDR pay-out has no `network`.
      await client.payout({ region: 'IDR', orderNo: 'X', purpose: 'p', amount: 1, paymentMethod: 'BRI', cashAccount: '1', network: 'TRC20' });
    } catch (e) {
      assert.ok(e instanceof ValidationError);
      const paths: string[] = e.violations.map((v) => v.path);
      assert.ok(paths.includes('orderNo'));
    }

    const signed: SignedCallback = gw.signCallback({ tradeNo: 'T1', status: 'SUCCESS' });
    const verified: VerifiedCallback = verifyCallback({ headers: signed.headers, body: signed.body, platformPublicKey: gw.platformPublicKey });
    assert.equal(verified.tradeNo, 'T1');
    try {
      verifyCallback({ headers: {}, body: signed.body, platformPublicKey: gw.platformPublicKey });
    } catch (e) {
      assert.ok(e instanceof SignatureError && e.check === 'missing_header');
    }
  } finally {
    await gw.stop();
  }
});
