import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ApiError } from '@platform/service-runtime';
import { ListParameterError, createdRangeOf } from '../domain/list-window';
import { LIST_LIMIT_DEFAULT, type ListQueryDto } from './list-query.dto';

export interface Page<T> {
  readonly rows: T[];
  readonly hasMore: boolean;
}

export interface ListShape<R> {
  readonly object: 'list';
  readonly url: string;
  readonly has_more: boolean;
  readonly data: R[];
}

export function listShape<T, R>(url: string, page: Page<T>, show: (row: T) => R): ListShape<R> {
  return { object: 'list', url, has_more: page.hasMore, data: page.rows.map(show) };
}

/**
 * One page of a merchant's objects, newest first, keyed by (created_at, id): starting_after
 * pages towards older objects, ending_before towards newer ones. The query builder must already
 * be restricted to the merchant; `alias` names its table.
 */
export async function cursorPage<T extends ObjectLiteral>(
  builder: SelectQueryBuilder<T>,
  alias: string,
  table: string,
  merchantId: string,
  query: ListQueryDto,
): Promise<Page<T>> {
  if (query.starting_after !== undefined && query.ending_before !== undefined) {
    throw new ApiError(
      400,
      'invalid_request_error',
      'parameter_invalid',
      'Send starting_after or ending_before, not both.',
      'ending_before',
    );
  }
  const limit = query.limit ?? LIST_LIMIT_DEFAULT;
  let range;
  try {
    range = createdRangeOf(query as Record<string, unknown>);
  } catch (error) {
    if (error instanceof ListParameterError) {
      throw new ApiError(400, 'invalid_request_error', 'parameter_invalid', error.message, error.param);
    }
    throw error;
  }
  if (range.from !== null)
    builder.andWhere(`${alias}.created_at >= :createdFrom`, { createdFrom: range.from });
  if (range.until !== null)
    builder.andWhere(`${alias}.created_at < :createdUntil`, { createdUntil: range.until });

  const cursorParam = query.starting_after !== undefined ? 'starting_after' : 'ending_before';
  const cursor = query.starting_after ?? query.ending_before;
  if (cursor !== undefined) {
    const found: unknown = await builder.connection.query(
      `SELECT 1 FROM ${table} WHERE id = $1 AND merchant_id = $2`,
      [cursor, merchantId],
    );
    if ((found as unknown[]).length === 0) {
      throw new ApiError(
        400,
        'invalid_request_error',
        'resource_missing',
        `No such object: '${cursor}'`,
        cursorParam,
      );
    }
    const comparison = cursorParam === 'starting_after' ? '<' : '>';
    builder.andWhere(
      `(${alias}.created_at, ${alias}.id) ${comparison} (SELECT c.created_at, c.id FROM ${table} c WHERE c.id = :cursor)`,
      { cursor },
    );
  }
  const newestFirst = cursorParam !== 'ending_before' || cursor === undefined;
  const direction = newestFirst ? 'DESC' : 'ASC';
  const rows = await builder
    .orderBy(`${alias}.created_at`, direction)
    .addOrderBy(`${alias}.id`, direction)
    .limit(limit + 1)
    .getMany();
  const hasMore = rows.length > limit;
  const pageRows = rows.slice(0, limit);
  return { rows: newestFirst ? pageRows : pageRows.reverse(), hasMore };
}
