// ES module entry of `smilepayz/testing`.
import testing from './testing.js';

export const { MockGateway, signCallback, preparePayoutBody, signRequest } = testing;
export default testing;
