import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { BalancesQueryDto, VolumeQueryDto, isTimeZone } from './report-query.dto';

function problems(query: Record<string, string>, type: new () => object = VolumeQueryDto): string[] {
  const dto = plainToInstance(type, query);
  return validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property);
}

describe('report queries', () => {
  it('accepts a full, valid query and no query at all', () => {
    expect(
      problems({
        merchant: 'mer_abcdefgh',
        currency: 'usd',
        settlement_currency: 'jpy',
        method: 'card',
        from: '2024-02-29',
        to: '2025-12-31',
        period: 'week',
        group_by: 'merchant,method',
        time_zone: 'Asia/Kolkata',
        limit: '10',
        offset: '20',
      }),
    ).toEqual([]);
    expect(problems({})).toEqual([]);
    expect(problems({ group_by: '' })).toEqual([]);
  });

  it.each([
    ['merchant', { merchant: 'abc' }],
    ['currency', { currency: 'USD' }],
    ['currency', { currency: 'xyz' }],
    ['settlement_currency', { settlement_currency: 'JPY' }],
    ['settlement_currency', { settlement_currency: 'xyz' }],
    ['method', { method: 'cash' }],
    ['from', { from: '2025-02-30' }],
    ['to', { to: '2023-02-29' }],
    ['period', { period: 'year' }],
    ['group_by', { group_by: 'merchant,currency' }],
    ['time_zone', { time_zone: 'Mars/Olympus' }],
    ['limit', { limit: '0' }],
    ['limit', { limit: '1001' }],
    ['offset', { offset: '-1' }],
    ['unknown', { unknown: 'x' }],
  ])('refuses a bad %s', (param, query) => {
    expect(problems(query)).toEqual([param]);
  });

  it('checks balance filters', () => {
    expect(problems({ account_type: 'revenue', merchant: 'mer_abcdefgh' }, BalancesQueryDto)).toEqual([]);
    expect(problems({ account_type: 'income' }, BalancesQueryDto)).toEqual(['account_type']);
  });

  it('knows IANA time zones only', () => {
    expect(['UTC', 'Europe/Paris', 'America/St_Johns'].every(isTimeZone)).toBe(true);
    expect(['', 'Paris', "UTC'; DROP", 'Europe/Nowhere'].some(isTimeZone)).toBe(false);
  });
});
