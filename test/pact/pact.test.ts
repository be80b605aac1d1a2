import { activationConsumerTests } from './consumers/activation.js';
import { cartConsumerTests } from './consumers/cart.js';
import { startReferenceProvider, verifyPact, type ReferenceProvider } from './provider.js';

describe('pact', () => {
  cartConsumerTests();
  activationConsumerTests();
  describe('provider', () => {
    let provider: ReferenceProvider;
    before(async () => (provider = await startReferenceProvider()));
    after(async () => provider?.close());
    it('cart', async () => {
      await verifyPact('cart', provider);
    });
    it('activation', async () => {
      await verifyPact('activation', provider);
    });
  });
});
