import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { Comparison, PaymentCondition, PaymentFilter } from '../domain/payment-filter';
import { cursorPage, type Page } from '../listing/cursor-page';
import type { ListQueryDto } from '../listing/list-query.dto';
import { PaymentEntity } from './payment.entity';

const OPERATORS: Readonly<Record<Comparison, string>> = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** Columns and expressions a condition reads; the indexes of the payment-search migration match them. */
const TEXT_COLUMNS = {
  status: 'payment.status',
  currency: 'payment.currency',
  customer: "(payment.customer ->> 'id')",
  email: "lower(payment.customer ->> 'email')",
  last4: 'payment.card_last4',
  fingerprint: 'payment.card_fingerprint',
} as const;

/**
 * A filter as SQL over the alias `payment`. Values only ever travel as bound parameters (named
 * `:f0`, `:f1`…); the SQL text is made of the fixed column and operator names above.
 */
export function filterSql(
  filter: PaymentFilter,
): { sql: string; parameters: Record<string, unknown> } | null {
  if (filter.conditions.length === 0) return null;
  const parameters: Record<string, unknown> = {};
  const bind = (value: unknown): string => {
    const name = `f${Object.keys(parameters).length}`;
    parameters[name] = value;
    return `:${name}`;
  };
  const clauses = filter.conditions.map((condition) => conditionSql(condition, bind));
  return { sql: `(${clauses.join(filter.join === 'or' ? ' OR ' : ' AND ')})`, parameters };
}

function conditionSql(condition: PaymentCondition, bind: (value: unknown) => string): string {
  switch (condition.field) {
    case 'amount': {
      const sql = `payment.amount_minor ${OPERATORS[condition.comparison]} CAST(${bind(condition.value.toString())} AS bigint)`;
      return condition.negated ? `NOT (${sql})` : sql;
    }
    case 'created': {
      // Whole seconds: = T is [T, T+1), <= T is < T+1, > T is >= T+1.
      const at = (seconds: number): string => bind(new Date(seconds * 1000));
      const value = condition.value;
      let sql: string;
      switch (condition.comparison) {
        case 'eq':
          sql = `(payment.created_at >= ${at(value)} AND payment.created_at < ${at(value + 1)})`;
          break;
        case 'gt':
          sql = `payment.created_at >= ${at(value + 1)}`;
          break;
        case 'gte':
          sql = `payment.created_at >= ${at(value)}`;
          break;
        case 'lt':
          sql = `payment.created_at < ${at(value)}`;
          break;
        case 'lte':
          sql = `payment.created_at < ${at(value + 1)}`;
          break;
      }
      return condition.negated ? `NOT (${sql})` : sql;
    }
    case 'metadata': {
      const sql = `payment.metadata @> CAST(${bind(JSON.stringify({ [condition.key]: condition.value }))} AS jsonb)`;
      return condition.negated ? `NOT (${sql})` : sql;
    }
    default: {
      // A negated match keeps payments without the value at all (no card, no customer).
      const operator = condition.negated ? 'IS DISTINCT FROM' : '=';
      return `${TEXT_COLUMNS[condition.field]} ${operator} ${bind(condition.value)}`;
    }
  }
}

/** A merchant's payments by filter or search, newest first; only this merchant's rows, always. */
@Injectable()
export class PaymentSearchRepository {
  constructor(@InjectRepository(PaymentEntity) private readonly payments: Repository<PaymentEntity>) {}

  /** One page of the merchant's payments matching the filter, keyed like every list. */
  page(merchantId: string, filter: PaymentFilter, query: ListQueryDto): Promise<Page<PaymentEntity>> {
    const builder = this.payments
      .createQueryBuilder('payment')
      .where('payment.merchant_id = :merchantId', { merchantId });
    const condition = filterSql(filter);
    if (condition !== null) builder.andWhere(condition.sql, condition.parameters);
    return cursorPage(builder, 'payment', 'payments', merchantId, query);
  }

  /** Whether the payment exists and is the merchant's (a page token must point at one). */
  async isMerchants(merchantId: string, paymentId: string): Promise<boolean> {
    const rows = await this.payments.manager.query<unknown[]>(
      'SELECT 1 FROM payments WHERE id = $1 AND merchant_id = $2',
      [paymentId, merchantId],
    );
    return rows.length > 0;
  }
}
