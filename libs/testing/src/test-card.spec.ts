import { paymentMethodSchema } from '@platform/contracts';
import { vaultedTestCard } from './test-card';

describe('vaultedTestCard', () => {
  it("is the simulators' succeeding visa with a token and fingerprint of its own", () => {
    const first = vaultedTestCard();
    const second = vaultedTestCard();
    expect(first).toMatchObject({ type: 'card', card: { brand: 'visa', bin: '424242', last4: '4242' } });
    expect(second.card.token).not.toBe(first.card.token);
    expect(second.card.fingerprint).not.toBe(first.card.fingerprint);
    expect(first.card).not.toHaveProperty('country');
    expect(paymentMethodSchema.parse(first)).toEqual(first);
  });

  it('keeps the bin, last4, fingerprint and country it is given, as the contract accepts them', () => {
    const card = vaultedTestCard({
      bin: '400000',
      last4: '0259',
      fingerprint: 'fp_sharedcard00000001',
      country: 'DE',
    });
    expect(card.card).toMatchObject({
      bin: '400000',
      last4: '0259',
      fingerprint: 'fp_sharedcard00000001',
      country: 'DE',
    });
    expect(paymentMethodSchema.parse(card)).toEqual(card);
  });
});
