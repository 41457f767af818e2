import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ApiError } from '@platform/service-runtime';
import { cursorPage, type Page } from '../listing/cursor-page';
import type { ListQueryDto } from '../listing/list-query.dto';
import { PaymentEntity } from '../read-model/payment.entity';

/**
 * Manual reviews as the payment read model holds them (a payment's `review`): the open ones of a
 * merchant, newest payment first, and one by its id.
 */
@Injectable()
export class ReviewsRepository {
  constructor(@InjectRepository(PaymentEntity) private readonly payments: Repository<PaymentEntity>) {}

  /** The payment under the review, if it is the merchant's. */
  findPaymentOfReview(merchantId: string, reviewId: string): Promise<PaymentEntity | null> {
    return this.payments
      .createQueryBuilder('payment')
      .where("payment.review IS NOT NULL AND payment.review->>'id' = :reviewId", { reviewId })
      .andWhere('payment.merchant_id = :merchantId', { merchantId })
      .getOne();
  }

  /** One page of the merchant's open reviews; cursors are review ids, as the merchant sees them. */
  async listOpen(merchantId: string, query: ListQueryDto): Promise<Page<PaymentEntity>> {
    const builder = this.payments
      .createQueryBuilder('payment')
      .where('payment.merchant_id = :merchantId', { merchantId })
      .andWhere("payment.review IS NOT NULL AND payment.review->>'outcome' IS NULL");
    return cursorPage(builder, 'payment', 'payments', merchantId, {
      ...query,
      ...(await this.paymentCursor(merchantId, query, 'starting_after')),
      ...(await this.paymentCursor(merchantId, query, 'ending_before')),
    });
  }

  /** The review cursor as its payment's id, which is what the page is keyed by. */
  private async paymentCursor(
    merchantId: string,
    query: ListQueryDto,
    param: 'starting_after' | 'ending_before',
  ): Promise<Partial<ListQueryDto>> {
    const reviewId = query[param];
    if (reviewId === undefined) return {};
    const payment = await this.findPaymentOfReview(merchantId, reviewId);
    if (payment === null) {
      throw new ApiError(
        400,
        'invalid_request_error',
        'resource_missing',
        `No such review: '${reviewId}'`,
        param,
      );
    }
    return { [param]: payment.id };
  }
}
