import fc from 'fast-check';
import { checkCard, detectCardBrand, isExpired, passesLuhn, type CardInput } from './card-checks';

const NOW = new Date('2026-03-15T12:00:00Z');
const VALID: CardInput = { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };

/** Appends the Luhn check digit to a partial number. */
function withCheckDigit(partial: string): string {
  for (let digit = 0; digit <= 9; digit += 1) {
    if (passesLuhn(`${partial}${digit}`)) return `${partial}${digit}`;
  }
  throw new Error('unreachable: one check digit always fits');
}

describe('passesLuhn', () => {
  it.each([
    '4242424242424242',
    '4000056655665556',
    '5555555555554444',
    '378282246310005',
    '6011111111111117',
    '79927398713',
  ])('accepts the valid number %s', (number) => expect(passesLuhn(number)).toBe(true));

  it.each(['4242424242424241', '79927398710', '1234567812345678'])('rejects %s', (number) => {
    expect(passesLuhn(number)).toBe(false);
  });

  it('rejects anything but digits', () => {
    expect(passesLuhn('4242 4242 4242 4242')).toBe(false);
    expect(passesLuhn('')).toBe(false);
  });

  it('catches every single-digit typo', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{11,18}$/),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (partial, position, delta) => {
          const number = withCheckDigit(partial);
          const index = position % number.length;
          const typo = String((Number(number[index]) + delta) % 10);
          const altered = `${number.slice(0, index)}${typo}${number.slice(index + 1)}`;
          return passesLuhn(number) && !passesLuhn(altered);
        },
      ),
    );
  });
});

describe('detectCardBrand', () => {
  it.each([
    ['4242424242424242', 'visa'],
    ['5105105105105100', 'mastercard'],
    ['5555555555554444', 'mastercard'],
    ['2221000000000009', 'mastercard'],
    ['2720990000000000', 'mastercard'],
    ['2220990000000000', null],
    ['2721000000000000', null],
    ['5000000000000000', null],
    ['5600000000000000', null],
    ['340000000000009', 'amex'],
    ['378282246310005', 'amex'],
    ['6011111111111117', 'discover'],
    ['6500000000000000', 'discover'],
    ['6440000000000000', 'discover'],
    ['6490000000000000', 'discover'],
    ['6430000000000000', null],
    ['6221260000000000', 'discover'],
    ['6229250000000000', 'discover'],
    ['6221250000000000', 'unionpay'],
    ['3528000000000000', 'jcb'],
    ['3589000000000000', 'jcb'],
    ['3527000000000000', null],
    ['3590000000000000', null],
    ['6200000000000000', 'unionpay'],
    ['9999000000000000', null],
    ['0000000000000000', null],
    ['1234567812345670', null],
    // A network's prefix with a length it does not issue.
    ['424242424242', null],
    ['42424242424242', null],
    ['55555555555544', null],
    ['3782822463100055', null],
  ])('%s is %s', (number, brand) => {
    expect(detectCardBrand(number)).toBe(brand);
  });
});

describe('isExpired', () => {
  it('is valid through the whole expiry month', () => {
    expect(isExpired(3, 2026, NOW)).toBe(false);
    expect(isExpired(3, 2026, new Date('2026-03-31T23:59:59Z'))).toBe(false);
    expect(isExpired(3, 2026, new Date('2026-04-01T00:00:00Z'))).toBe(true);
  });

  it('compares years before months', () => {
    expect(isExpired(2, 2026, NOW)).toBe(true);
    expect(isExpired(12, 2025, NOW)).toBe(true);
    expect(isExpired(1, 2027, NOW)).toBe(false);
  });
});

describe('checkCard', () => {
  it('accepts a good card and describes it without the cvc', () => {
    const result = checkCard(VALID, NOW);
    expect(result).toEqual({
      ok: true,
      card: {
        number: VALID.number,
        brand: 'visa',
        bin: '424242',
        last4: '4242',
        expMonth: 12,
        expYear: 2030,
      },
    });
    expect(JSON.stringify(result)).not.toContain('"123"');
  });

  it('reads a two-digit year as 20xx', () => {
    const result = checkCard({ ...VALID, expYear: 30 }, NOW);
    expect(result.ok && result.card.expYear).toBe(2030);
  });

  it.each<[string, Partial<CardInput>, string, string]>([
    ['letters in the number', { number: '4242x24242424242' }, 'invalid_number', 'number'],
    ['spaces in the number', { number: '4242 4242 4242 4242' }, 'invalid_number', 'number'],
    ['11 digits', { number: withCheckDigit('4242424242') }, 'invalid_number', 'number'],
    ['20 digits', { number: withCheckDigit('4242424242424242424') }, 'invalid_number', 'number'],
    ['a bad check digit', { number: '4242424242424241' }, 'incorrect_number', 'number'],
    ['month 0', { expMonth: 0 }, 'invalid_expiry_month', 'exp_month'],
    ['month 13', { expMonth: 13 }, 'invalid_expiry_month', 'exp_month'],
    ['year 2101', { expYear: 2101 }, 'invalid_expiry_year', 'exp_year'],
    ['year 1999', { expYear: 1999 }, 'invalid_expiry_year', 'exp_year'],
    ['last month', { expMonth: 2, expYear: 2026 }, 'expired_card', 'exp_year'],
    ['a 2-digit cvc', { cvc: '12' }, 'invalid_cvc', 'cvc'],
    ['a 5-digit cvc', { cvc: '12345' }, 'invalid_cvc', 'cvc'],
    ['letters in the cvc', { cvc: '12a' }, 'invalid_cvc', 'cvc'],
  ])('rejects %s', (_, change, code, field) => {
    const result = checkCard({ ...VALID, ...change }, NOW);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatchObject({ code, field });
  });

  it('accepts the lengths each network issues and 4-digit cvcs', () => {
    expect(checkCard({ ...VALID, number: withCheckDigit('424242424242') }, NOW).ok).toBe(true);
    expect(checkCard({ ...VALID, number: withCheckDigit('424242424242424242') }, NOW).ok).toBe(true);
    expect(checkCard({ ...VALID, number: '378282246310005', cvc: '1234' }, NOW).ok).toBe(true);
    expect(checkCard({ ...VALID, number: withCheckDigit('42424242424') }, NOW)).toMatchObject({
      ok: false,
      problem: { code: 'invalid_number' },
    });
  });

  it.each(['000000000000000000', '1234567812345670', '0000000000000000', withCheckDigit('999999999999999')])(
    'refuses %s, which passes Luhn but belongs to no card network, as invalid_number',
    (number) => {
      expect(passesLuhn(number)).toBe(true);
      expect(checkCard({ ...VALID, number }, NOW)).toMatchObject({
        ok: false,
        problem: { code: 'invalid_number', field: 'number' },
      });
    },
  );

  it('gives every accepted card a brand, whatever the number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{11,18}$/), (partial) => {
        const result = checkCard({ ...VALID, number: withCheckDigit(partial) }, NOW);
        return result.ok
          ? detectCardBrand(result.card.number) === result.card.brand
          : result.problem.code === 'invalid_number';
      }),
    );
  });

  it('never puts the number in a problem message', () => {
    const result = checkCard({ ...VALID, number: '4242424242424241' }, NOW);
    expect(!result.ok && result.problem.message).not.toContain('4242424242424241');
  });
});
