import { Injectable } from '@nestjs/common';
import { ApiError, createValidationPipe } from '@platform/service-runtime';
import { FilterParameterError, paymentListFilterOf } from '../domain/payment-filter';
import { SearchQueryError, parsePaymentSearchQuery } from '../domain/payment-search-query';
import { PAYMENT_ID_PATTERN } from '../domain/random-identifiers';
import type { Page } from '../listing/cursor-page';
import { ListQueryDto } from '../listing/list-query.dto';
import type { PaymentEntity } from '../read-model/payment.entity';
import { PaymentSearchRepository } from '../read-model/payment-search.repository';
import type { PaymentSearchQueryDto } from './payment-search.dto';

const invalid = (message: string, param: string): ApiError =>
  new ApiError(400, 'invalid_request_error', 'parameter_invalid', message, param);

/**
 * A search page's token: the last payment shown, opaque to the merchant. The next page starts
 * after it (newest first), as starting_after would; a payment created since does not shift it.
 */
export function pageTokenOf(paymentId: string): string {
  return Buffer.from(paymentId, 'utf8').toString('base64url');
}

function paymentIdOfToken(token: string): string {
  const paymentId = Buffer.from(token, 'base64url').toString('utf8');
  if (!PAYMENT_ID_PATTERN.test(paymentId) || pageTokenOf(paymentId) !== token) {
    throw invalid('Invalid page: must be a next_page value from a previous search.', 'page');
  }
  return paymentId;
}

/** `GET /v1/payments` with filters and `GET /v1/payments/search`, for one merchant's payments. */
@Injectable()
export class PaymentSearchService {
  private readonly validation = createValidationPipe();

  constructor(private readonly search: PaymentSearchRepository) {}

  /**
   * The list parameters as sent (filters have dynamic keys, metadata[…], so the route takes them
   * unvalidated): filters checked here, the rest against ListQueryDto as any list's.
   */
  async list(merchantId: string, raw: Record<string, unknown>): Promise<Page<PaymentEntity>> {
    let parsed;
    try {
      parsed = paymentListFilterOf(raw);
    } catch (error) {
      if (error instanceof FilterParameterError) throw invalid(error.message, error.param);
      throw error;
    }
    const listQuery = (await this.validation.transform(parsed.rest, {
      type: 'query',
      metatype: ListQueryDto,
    })) as ListQueryDto;
    return this.search.page(merchantId, parsed.filter, listQuery);
  }

  async query(
    merchantId: string,
    query: PaymentSearchQueryDto,
  ): Promise<{ page: Page<PaymentEntity>; nextPage: string | null }> {
    let filter;
    try {
      filter = parsePaymentSearchQuery(query.query);
    } catch (error) {
      if (error instanceof SearchQueryError) throw invalid(`Invalid query: ${error.message}.`, 'query');
      throw error;
    }
    const after = query.page === undefined ? undefined : paymentIdOfToken(query.page);
    if (after !== undefined && !(await this.search.isMerchants(merchantId, after))) {
      throw invalid('Invalid page: must be a next_page value from a previous search.', 'page');
    }
    const page = await this.search.page(merchantId, filter, {
      ...(query.limit === undefined ? {} : { limit: query.limit }),
      ...(after === undefined ? {} : { starting_after: after }),
    });
    const last = page.rows[page.rows.length - 1];
    return { page, nextPage: page.hasMore && last !== undefined ? pageTokenOf(last.id) : null };
  }
}
