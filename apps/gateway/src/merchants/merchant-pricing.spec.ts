import { pricingChanges, pricingFromRequest, toPricingResource } from './merchant-pricing';

const usd = { currency: 'USD', basisPoints: 250, fixedAmountMinor: 30n };
const eur = { currency: 'EUR', basisPoints: 150, fixedAmountMinor: 25n };

describe('merchant pricing', () => {
  it('stores upper-case currencies and bigint minor units', () => {
    expect(pricingFromRequest([{ currency: 'usd', basis_points: 250, fixed_amount: 30 }])).toEqual([usd]);
  });

  it('shows lower-case currencies, sorted, with integer amounts', () => {
    expect(toPricingResource([usd, eur])).toEqual([
      { currency: 'eur', basis_points: 150, fixed_amount: 25 },
      { currency: 'usd', basis_points: 250, fixed_amount: 30 },
    ]);
  });

  it('changes a currency not priced yet, or priced differently; the same price again is no change', () => {
    expect(pricingChanges([], [usd])).toEqual([usd]);
    expect(pricingChanges([usd, eur], [usd, eur])).toEqual([]);
    const cheaper = { ...usd, basisPoints: 200 };
    const dearerFixed = { ...eur, fixedAmountMinor: 26n };
    expect(pricingChanges([usd, eur], [cheaper, dearerFixed])).toEqual([cheaper, dearerFixed]);
    const gbp = { currency: 'GBP', basisPoints: 100, fixedAmountMinor: 20n };
    expect(pricingChanges([usd, eur], [usd, gbp])).toEqual([gbp]);
  });
});
