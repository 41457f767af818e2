import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { createEvent } from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import { ReviewRepository, type PendingReview } from './review.repository';

/** The final decision is the payment's second risk event: the review was its first. */
export const FINAL_DECISION_SEQUENCE = 2;

export type ReviewOutcome =
  | { readonly kind: 'decided'; readonly review: PendingReview; readonly decision: 'approve' | 'decline' }
  | { readonly kind: 'not_pending' };

/**
 * An analyst's decision on a payment held for review: appended to the queue's history and
 * published as a second risk.assessed in the same transaction, which payments applies as the
 * payment's final risk decision (approve resumes it, decline fails it with risk_declined).
 */
@Injectable()
export class ReviewQueue {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reviews: ReviewRepository,
  ) {}

  list(limit: number, startingAfter?: string): Promise<PendingReview[]> {
    return this.reviews.listPending(limit, startingAfter);
  }

  resolve(paymentId: string, decision: 'approve' | 'decline'): Promise<ReviewOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const review = await this.reviews.lockPending(manager, paymentId);
      if (review === null || !(await this.reviews.decide(manager, paymentId, decision))) {
        return { kind: 'not_pending' } as const;
      }
      const assessed = createEvent(
        'risk.assessed',
        {
          paymentId,
          decision,
          score: decision === 'approve' ? 0 : 100,
          reasons: [...review.reasons, `manual_review:${decision}`].slice(-50),
        },
        {
          aggregateId: paymentId,
          aggregateSequence: FINAL_DECISION_SEQUENCE,
          merchantId: review.merchantId,
          correlationId: review.correlationId,
          causationId: review.causedByEventId,
        },
      );
      await appendToOutbox(manager, [assessed]);
      return { kind: 'decided', review, decision } as const;
    });
  }
}
