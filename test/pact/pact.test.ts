import { cartConsumerTests } from './consumers/cart.js';

describe('pact', () => {
  cartConsumerTests();
});
