import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiError } from '@platform/service-runtime';
import { ApiKeyGuard, CurrentMerchant } from '../auth/api-key.guard';
import { listShape, type ListShape } from '../listing/cursor-page';
import { ListQueryDto } from '../listing/list-query.dto';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { Documented } from '../openapi/documented';
import { REVIEW_SCHEMA, listOf } from '../openapi/schemas';
import type { PaymentEntity } from '../read-model/payment.entity';
import { toReviewResource, type ReviewResource } from '../read-model/payment-resource';
import { ReviewsRepository } from './reviews.repository';

const REVIEW_ID_PATTERN = /^rev_[A-Za-z0-9]{8,64}$/;

/** Manual reviews risk opened on the merchant's payments (Stripe's Reviews): open ones listed, any one read. */
@Controller('v1/reviews')
@UseGuards(ApiKeyGuard)
export class ReviewsController {
  constructor(private readonly reviews: ReviewsRepository) {}

  @Documented({
    summary: 'List open reviews, newest payment first',
    status: 200,
    response: listOf(REVIEW_SCHEMA),
  })
  @Get()
  async listOpen(
    @CurrentMerchant() merchant: MerchantEntity,
    @Query() query: ListQueryDto,
  ): Promise<ListShape<ReviewResource>> {
    return listShape('/v1/reviews', await this.reviews.listOpen(merchant.id, query), reviewOf);
  }

  @Documented({
    summary: 'Retrieve a review, open or closed',
    status: 200,
    response: REVIEW_SCHEMA,
    errors: [404],
  })
  @Get(':id')
  async retrieve(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
  ): Promise<ReviewResource> {
    const payment = REVIEW_ID_PATTERN.test(id)
      ? await this.reviews.findPaymentOfReview(merchant.id, id)
      : null;
    if (payment === null) throw ApiError.notFound('review', id);
    return reviewOf(payment);
  }
}

function reviewOf(payment: PaymentEntity): ReviewResource {
  if (payment.review === null) throw new Error(`payment ${payment.id} has no review`);
  return toReviewResource(payment.id, payment.review);
}
