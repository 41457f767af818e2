import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { CreatePaymentDto } from './create-payment.dto';

const VALID = {
  amount: 1999,
  currency: 'usd',
  payment_method: {
    type: 'card',
    card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
  },
};

/** Validates as the global pipe does, and names the first failing param as the error shape will. */
async function firstProblem(body: unknown): Promise<{ param: string; constraint: string } | null> {
  const errors = await validate(plainToInstance(CreatePaymentDto, body) as object, {
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: true,
  });
  const walk = (list: ValidationError[], prefix: string): { param: string; constraint: string } | null => {
    for (const error of list) {
      const param = prefix === '' ? error.property : `${prefix}[${error.property}]`;
      const constraint = Object.keys(error.constraints ?? {})[0];
      if (constraint !== undefined) return { param, constraint };
      const nested = walk(error.children ?? [], param);
      if (nested) return nested;
    }
    return null;
  };
  return walk(errors, '');
}

const withCard = (card: object) => ({
  ...VALID,
  payment_method: { type: 'card', card: { ...VALID.payment_method.card, ...card } },
});

describe('CreatePaymentDto', () => {
  it('accepts a minimal body and a full one', async () => {
    expect(await firstProblem(VALID)).toBeNull();
    expect(
      await firstProblem({
        ...VALID,
        capture_method: 'manual',
        customer: { id: 'cus_1', email: 'a@example.com', ip: '203.0.113.7', country: 'FR' },
        description: 'Order 42',
        metadata: { order_id: '42' },
      }),
    ).toBeNull();
  });

  it('accepts a bank transfer and both wallets', async () => {
    expect(
      await firstProblem({
        ...VALID,
        payment_method: { type: 'bank_transfer', bank_transfer: { country: 'DE' } },
      }),
    ).toBeNull();
    for (const provider of ['alipay', 'wechat_pay']) {
      expect(
        await firstProblem({ ...VALID, payment_method: { type: 'wallet', wallet: { provider } } }),
      ).toBeNull();
    }
  });

  it.each<[string, unknown, string, string]>([
    ['no amount', { ...VALID, amount: undefined }, 'amount', 'isDefined'],
    ['a zero amount', { ...VALID, amount: 0 }, 'amount', 'min'],
    ['a fractional amount', { ...VALID, amount: 19.99 }, 'amount', 'isInt'],
    ['an amount as a string', { ...VALID, amount: '1999' }, 'amount', 'isInt'],
    ['an amount over the maximum', { ...VALID, amount: 1_000_000_000_000 }, 'amount', 'max'],
    ['an upper-case currency', { ...VALID, currency: 'USD' }, 'currency', 'isKnownCurrencyCode'],
    ['an unknown currency', { ...VALID, currency: 'xyz' }, 'currency', 'isKnownCurrencyCode'],
    ['no payment method', { ...VALID, payment_method: undefined }, 'payment_method', 'isDefined'],
    ['a payment method that is a string', { ...VALID, payment_method: 'card' }, 'payment_method', 'isObject'],
    [
      'another payment method type',
      { ...VALID, payment_method: { ...VALID.payment_method, type: 'sepa' } },
      'payment_method[type]',
      'isIn',
    ],
    [
      'a card number as a number',
      withCard({ number: 4242424242424242 }),
      'payment_method[card][number]',
      'isString',
    ],
    ['no cvc', withCard({ cvc: undefined }), 'payment_method[card][cvc]', 'isDefined'],
    ['an exp_month as a string', withCard({ exp_month: '12' }), 'payment_method[card][exp_month]', 'isInt'],
    [
      'an unknown card field',
      withCard({ name: 'J Doe' }),
      'payment_method[card][name]',
      'whitelistValidation',
    ],
    ['an unknown top-level field', { ...VALID, confirm: true }, 'confirm', 'whitelistValidation'],
    ['another capture method', { ...VALID, capture_method: 'later' }, 'capture_method', 'isIn'],
    ['a lower-case country', { ...VALID, customer: { country: 'fr' } }, 'customer[country]', 'matches'],
    ['a bad email', { ...VALID, customer: { email: 'nope' } }, 'customer[email]', 'isEmail'],
    [
      'an unknown customer field',
      { ...VALID, customer: { phone: '1' } },
      'customer[phone]',
      'whitelistValidation',
    ],
    ['a long description', { ...VALID, description: 'x'.repeat(1001) }, 'description', 'maxLength'],
    ['a metadata number', { ...VALID, metadata: { n: 1 } }, 'metadata', 'isMetadataMap'],
    ['a long metadata key', { ...VALID, metadata: { ['k'.repeat(41)]: 'v' } }, 'metadata', 'isMetadataMap'],
    ['a long metadata value', { ...VALID, metadata: { k: 'v'.repeat(501) } }, 'metadata', 'isMetadataMap'],
    [
      '51 metadata keys',
      { ...VALID, metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
      'metadata',
      'isMetadataMap',
    ],
    ['metadata as an array', { ...VALID, metadata: ['v'] }, 'metadata', 'isMetadataMap'],
    [
      'a lower-case bank transfer country',
      { ...VALID, payment_method: { type: 'bank_transfer', bank_transfer: { country: 'de' } } },
      'payment_method[bank_transfer][country]',
      'matches',
    ],
    [
      'an unknown bank transfer field',
      { ...VALID, payment_method: { type: 'bank_transfer', bank_transfer: { country: 'DE', iban: 'DE89' } } },
      'payment_method[bank_transfer][iban]',
      'whitelistValidation',
    ],
    [
      'another wallet provider',
      { ...VALID, payment_method: { type: 'wallet', wallet: { provider: 'paypal' } } },
      'payment_method[wallet][provider]',
      'isIn',
    ],
    [
      'an unknown wallet field',
      { ...VALID, payment_method: { type: 'wallet', wallet: { provider: 'alipay', account: 'x' } } },
      'payment_method[wallet][account]',
      'whitelistValidation',
    ],
  ])('rejects %s', async (_, body, param, constraint) => {
    expect(await firstProblem(body)).toEqual({ param, constraint });
  });

  it.each<[string, unknown, string]>([
    ['card', { ...VALID, payment_method: { type: 'card', card: null } }, 'payment_method[card]'],
    [
      'bank_transfer',
      { ...VALID, payment_method: { type: 'bank_transfer', bank_transfer: null } },
      'payment_method[bank_transfer]',
    ],
    ['wallet', { ...VALID, payment_method: { type: 'wallet', wallet: null } }, 'payment_method[wallet]'],
    ['customer', { ...VALID, customer: null }, 'customer'],
    ['customer email', { ...VALID, customer: { email: null } }, 'customer[email]'],
    ['metadata', { ...VALID, metadata: null }, 'metadata'],
    ['description', { ...VALID, description: null }, 'description'],
    ['capture_method', { ...VALID, capture_method: null }, 'capture_method'],
  ])('refuses null for %s instead of taking it as absent', async (_, body, param) => {
    expect(await firstProblem(body)).toMatchObject({ param });
  });

  it('accepts 50 metadata keys at their limits', async () => {
    const metadata = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`${i}`.padEnd(40, 'k'), 'v'.repeat(500)]),
    );
    expect(await firstProblem({ ...VALID, metadata })).toBeNull();
  });
});
