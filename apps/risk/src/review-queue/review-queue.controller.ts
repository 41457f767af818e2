import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiError, bearerTokenGuard } from '@platform/service-runtime';
import { RISK_CONFIG } from '../risk-config';
import { ReviewQueue } from './review-queue.service';
import type { PendingReview } from './review.repository';

const PAYMENT_ID = /^pay_[A-Za-z0-9]{8,64}$/;
export const REVIEWS_PAGE_MAX = 100;

export interface ReviewView {
  readonly payment_id: string;
  readonly object: 'review';
  readonly merchant_id: string;
  readonly amount: string;
  readonly currency: string;
  readonly score: number;
  readonly reasons: readonly string[];
  readonly created: number;
  readonly decision: 'approve' | 'decline' | null;
}

function toView(review: PendingReview, decision: 'approve' | 'decline' | null): ReviewView {
  return {
    payment_id: review.paymentId,
    object: 'review',
    merchant_id: review.merchantId,
    amount: review.amountMinor.toString(),
    currency: review.currency.toLowerCase(),
    score: review.score,
    reasons: review.reasons,
    created: Math.floor(review.createdAt.getTime() / 1000),
    decision,
  };
}

/** The review queue for risk analysts (ADMIN_TOKEN): list what waits, approve or decline it. */
@Controller('v1/reviews')
@UseGuards(bearerTokenGuard(RISK_CONFIG, 'ADMIN_TOKEN'))
export class ReviewQueueController {
  constructor(private readonly queue: ReviewQueue) {}

  @Get()
  async list(
    @Query('limit') limitText?: string,
    @Query('starting_after') startingAfter?: string,
  ): Promise<{ object: 'list'; data: ReviewView[]; has_more: boolean }> {
    const limit = limitText === undefined ? 10 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > REVIEWS_PAGE_MAX) {
      throw new ApiError(
        400,
        'invalid_request_error',
        'parameter_invalid_integer',
        `limit must be an integer from 1 to ${REVIEWS_PAGE_MAX}.`,
        'limit',
      );
    }
    if (startingAfter !== undefined && !PAYMENT_ID.test(startingAfter)) {
      throw new ApiError(
        400,
        'invalid_request_error',
        'parameter_invalid',
        'starting_after must be a payment id.',
        'starting_after',
      );
    }
    const page = await this.queue.list(limit + 1, startingAfter);
    return {
      object: 'list',
      data: page.slice(0, limit).map((review) => toView(review, null)),
      has_more: page.length > limit,
    };
  }

  @Post(':paymentId/approve')
  @HttpCode(200)
  approve(@Param('paymentId') paymentId: string): Promise<ReviewView> {
    return this.resolve(paymentId, 'approve');
  }

  @Post(':paymentId/decline')
  @HttpCode(200)
  decline(@Param('paymentId') paymentId: string): Promise<ReviewView> {
    return this.resolve(paymentId, 'decline');
  }

  private async resolve(paymentId: string, decision: 'approve' | 'decline'): Promise<ReviewView> {
    if (!PAYMENT_ID.test(paymentId)) throw ApiError.notFound('review', paymentId, 'paymentId');
    const outcome = await this.queue.resolve(paymentId, decision);
    if (outcome.kind === 'not_pending') {
      throw new ApiError(
        404,
        'invalid_request_error',
        'review_not_pending',
        `No pending review for payment ${paymentId}: it was never held or was decided already.`,
        'paymentId',
      );
    }
    return toView(outcome.review, outcome.decision);
  }
}
