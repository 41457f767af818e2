import 'reflect-metadata';
import { CURRENCY_EXPONENTS } from '@platform/money';
import { ApiError, createValidationPipe, type ApiErrorBody } from '@platform/service-runtime';
import { CreateMerchantDto, PRICED_CURRENCIES_MAX, UpdateMerchantDto } from './create-merchant.dto';

const USD = { currency: 'usd', basis_points: 250, fixed_amount: 30 };

/** Runs a body through the gateway's global pipe: the DTO, or the API error it answers with. */
async function validated(
  metatype: typeof CreateMerchantDto | typeof UpdateMerchantDto,
  body: unknown,
): Promise<unknown> {
  try {
    return (await createValidationPipe().transform(body, { type: 'body', metatype })) as unknown;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}

async function refusal(
  body: unknown,
  metatype: typeof CreateMerchantDto | typeof UpdateMerchantDto = CreateMerchantDto,
) {
  const result = await validated(metatype, body);
  if (!(result instanceof ApiError)) throw new Error(`accepted: ${JSON.stringify(body)}`);
  const { error } = result.getResponse() as ApiErrorBody;
  return { status: result.getStatus(), code: error.code, param: error.param };
}

describe('CreateMerchantDto pricing', () => {
  it('takes a merchant without pricing, and one with a fee per currency', async () => {
    expect(await validated(CreateMerchantDto, { name: 'Shop' })).toBeInstanceOf(CreateMerchantDto);
    const priced = await validated(CreateMerchantDto, {
      name: 'Shop',
      settlement_currency: 'usd',
      pricing: [
        USD,
        { currency: 'jpy', basis_points: 0, fixed_amount: 0 },
        { ...USD, currency: 'eur', basis_points: 10_000 },
      ],
    });
    expect(priced).toBeInstanceOf(CreateMerchantDto);
    expect((priced as CreateMerchantDto).pricing).toHaveLength(3);
  });

  it.each([
    ['basis points above 100 %', [{ ...USD, basis_points: 10_001 }], 'pricing[0][basis_points]'],
    ['negative basis points', [{ ...USD, basis_points: -1 }], 'pricing[0][basis_points]'],
    ['fractional basis points', [{ ...USD, basis_points: 2.5 }], 'pricing[0][basis_points]'],
    ['basis points as a string', [{ ...USD, basis_points: '250' }], 'pricing[0][basis_points]'],
    ['a negative fixed amount', [{ ...USD, fixed_amount: -1 }], 'pricing[0][fixed_amount]'],
    ['a fixed amount as a decimal', [{ ...USD, fixed_amount: 0.3 }], 'pricing[0][fixed_amount]'],
    ['a fixed amount beyond any payment', [{ ...USD, fixed_amount: 1e12 }], 'pricing[0][fixed_amount]'],
    ['an upper-case currency', [{ ...USD, currency: 'USD' }], 'pricing[0][currency]'],
    ['an unknown currency', [{ ...USD, currency: 'xyz' }], 'pricing[0][currency]'],
    ['a currency twice', [USD, { ...USD, basis_points: 100 }], 'pricing'],
    ['an entry that is no object', ['usd'], 'pricing'],
    ['pricing that is no list', USD, 'pricing'],
  ])('refuses %s', async (_name, pricing, param) => {
    expect(await refusal({ name: 'Shop', pricing })).toMatchObject({
      status: 400,
      code: 'parameter_invalid',
      param,
    });
  });

  it('names a missing field of an entry', async () => {
    expect(await refusal({ name: 'Shop', pricing: [{ currency: 'usd', basis_points: 250 }] })).toEqual({
      status: 400,
      code: 'parameter_missing',
      param: 'pricing[0][fixed_amount]',
    });
  });

  it('names an unknown field of an entry', async () => {
    expect(await refusal({ name: 'Shop', pricing: [{ ...USD, percent: 2.5 }] })).toEqual({
      status: 400,
      code: 'parameter_unknown',
      param: 'pricing[0][percent]',
    });
  });

  it('bounds the number of entries', async () => {
    // Distinct known currencies, so only the count is wrong.
    const currencies = [...CURRENCY_EXPONENTS.keys()].map((code) => code.toLowerCase());
    const entries = (count: number) => currencies.slice(0, count).map((currency) => ({ ...USD, currency }));
    expect(
      await validated(CreateMerchantDto, { name: 'Shop', pricing: entries(PRICED_CURRENCIES_MAX) }),
    ).toBeInstanceOf(CreateMerchantDto);
    expect(await refusal({ name: 'Shop', pricing: entries(PRICED_CURRENCIES_MAX + 1) })).toMatchObject({
      status: 400,
      param: 'pricing',
    });
  });
});

describe('UpdateMerchantDto', () => {
  it('takes any subset of the fields, none included', async () => {
    expect(await validated(UpdateMerchantDto, {})).toBeInstanceOf(UpdateMerchantDto);
    expect(await validated(UpdateMerchantDto, { pricing: [USD] })).toBeInstanceOf(UpdateMerchantDto);
    expect(await validated(UpdateMerchantDto, { settlement_currency: 'eur' })).toBeInstanceOf(
      UpdateMerchantDto,
    );
  });

  it('refuses what creation refuses, and unknown fields', async () => {
    expect(await refusal({ pricing: [USD, USD] }, UpdateMerchantDto)).toMatchObject({ param: 'pricing' });
    expect(await refusal({ settlement_currency: 'EUR' }, UpdateMerchantDto)).toMatchObject({
      param: 'settlement_currency',
    });
    expect(await refusal({ api_key: 'sk_x' }, UpdateMerchantDto)).toMatchObject({
      code: 'parameter_unknown',
      param: 'api_key',
    });
  });

  it.each(['name', 'settlement_currency', 'pricing'])(
    'refuses %s: null (it used to reach the update and fail there)',
    async (field) => {
      expect(await refusal({ [field]: null }, UpdateMerchantDto)).toMatchObject({
        status: 400,
        param: field,
      });
    },
  );
});
