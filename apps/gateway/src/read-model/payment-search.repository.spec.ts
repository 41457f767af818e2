import { parsePaymentSearchQuery } from '../domain/payment-search-query';
import { filterSql } from './payment-search.repository';

describe('filterSql', () => {
  it('puts every value in a bound parameter, never in the SQL text', () => {
    const hostile = `x'); DROP TABLE payments; --`;
    const filter = parsePaymentSearchQuery(
      `metadata['${hostile.replace(/'/g, "\\'").slice(0, 30)}']:'${hostile.replace(/'/g, "\\'")}' OR ` +
        `customer:"${hostile}" OR email:'a@${hostile.replace(/'/g, "\\'")}' OR amount>12345 OR created<1700000000`,
    );
    const built = filterSql(filter);
    expect(built).not.toBeNull();
    expect(built?.sql).not.toContain('DROP');
    expect(built?.sql).not.toContain('12345');
    expect(built?.sql).not.toContain('1700000000');
    expect(built?.sql).toBe(
      "(payment.metadata @> CAST(:f0 AS jsonb) OR (payment.customer ->> 'id') = :f1 OR " +
        "lower(payment.customer ->> 'email') = :f2 OR payment.amount_minor > CAST(:f3 AS bigint) OR payment.created_at < :f4)",
    );
    expect(built?.parameters).toEqual({
      f0: JSON.stringify({ [hostile.slice(0, 30)]: hostile }),
      f1: hostile,
      f2: `a@${hostile}`.toLowerCase(),
      f3: '12345',
      f4: new Date(1_700_000_000_000),
    });
  });

  it('negates: IS DISTINCT FROM for matches (keeps rows without the value), NOT for ranges', () => {
    expect(
      filterSql(parsePaymentSearchQuery("-last4:4242 AND -amount<=10 AND -metadata['k']:'v'"))?.sql,
    ).toBe(
      '(payment.card_last4 IS DISTINCT FROM :f0 AND NOT (payment.amount_minor <= CAST(:f1 AS bigint)) AND ' +
        'NOT (payment.metadata @> CAST(:f2 AS jsonb)))',
    );
  });

  it('reads whole seconds: created:T is [T, T+1), created>T is from T+1', () => {
    const built = filterSql(parsePaymentSearchQuery('created:100 AND created>200 AND created<=300'));
    expect(built?.sql).toBe(
      '((payment.created_at >= :f0 AND payment.created_at < :f1) AND payment.created_at >= :f2 AND payment.created_at < :f3)',
    );
    expect(built?.parameters).toEqual({
      f0: new Date(100_000),
      f1: new Date(101_000),
      f2: new Date(201_000),
      f3: new Date(301_000),
    });
  });

  it('has nothing to add for no condition', () => {
    expect(filterSql({ join: 'and', conditions: [] })).toBeNull();
  });
});
