import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { VolumeQueryDto } from './volume-query.dto';

function problems(query: Record<string, string>): string[] {
  const dto = plainToInstance(VolumeQueryDto, query);
  return validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property);
}

describe('VolumeQueryDto', () => {
  it('accepts a full, valid query and no query at all', () => {
    expect(
      problems({
        merchant: 'mer_abcdefgh',
        currency: 'usd',
        payment_method: 'card',
        from: '2024-02-29',
        to: '2025-12-31',
        limit: '10',
      }),
    ).toEqual([]);
    expect(problems({})).toEqual([]);
  });

  it.each([
    ['merchant', { merchant: 'abc' }],
    ['currency', { currency: 'USD' }],
    ['currency', { currency: 'xyz' }],
    ['currency', { currency: 'usdd' }],
    ['payment_method', { payment_method: 'cash' }],
    ['from', { from: '2025-02-30' }],
    ['from', { from: '2025-2-3' }],
    ['to', { to: '2025-13-01' }],
    ['to', { to: '2023-02-29' }],
    ['limit', { limit: '0' }],
    ['limit', { limit: '1001' }],
    ['limit', { limit: '1.5' }],
    ['limit', { limit: 'ten' }],
    ['unknown', { unknown: 'x' }],
  ])('refuses a bad %s', (param, query) => {
    expect(problems(query)).toEqual([param]);
  });
});
