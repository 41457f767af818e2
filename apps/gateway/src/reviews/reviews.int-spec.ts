import { ApiError } from '@platform/service-runtime';
import { createMigratedDatabase, type MigratedDatabase } from '@platform/testing';
import { GATEWAY_ENTITIES } from '../gateway-entities';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { GATEWAY_MIGRATIONS } from '../migrations';
import { PaymentEntity } from '../read-model/payment.entity';
import { ReviewsController } from './reviews.controller';
import { ReviewsRepository } from './reviews.repository';

/**
 * Reviews read from the payment read model on a real, migrated database: a merchant lists its open
 * reviews only (newest payment first, paged by review id) and reads any of its reviews by id;
 * another merchant's review is as missing as an unknown one.
 */
const MERCHANT = { id: 'mer_reviewsowner00000001' } as MerchantEntity;
const NEIGHBOUR = { id: 'mer_reviewsneighbour0001' } as MerchantEntity;

let db: MigratedDatabase;
let reviews: ReviewsController;

async function payment(
  id: string,
  merchant: MerchantEntity,
  createdAt: string,
  outcome: 'approved' | 'declined' | null | 'none',
) {
  const review =
    outcome === 'none'
      ? null
      : {
          id: `rev_${id.slice(4)}`,
          reasons: ['amount_above:global-high-amount'],
          openedAt: createdAt,
          closedAt: outcome === null ? null : createdAt,
          outcome,
        };
  await db.dataSource.query(
    `INSERT INTO payments (id, merchant_id, amount_minor, currency, status, capture_method, payment_method_type,
                           correlation_id, review, created_at)
     VALUES ($1, $2, 2000000, 'USD', 'processing', 'automatic', 'bank_transfer', 'itest', $3, $4)`,
    [id, merchant.id, review === null ? null : JSON.stringify(review), createdAt],
  );
}

beforeAll(async () => {
  db = await createMigratedDatabase('gateway_reviews', {
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
  });
  for (const merchant of [MERCHANT, NEIGHBOUR]) {
    await db.dataSource.query(
      `INSERT INTO merchants (id, name, api_key_hash, api_key_last4) VALUES ($1, 'Reviews', md5($1) || md5($1), 'aaaa')`,
      [merchant.id],
    );
  }
  await payment('pay_reviewsolder00000001', MERCHANT, '2026-03-01T10:00:00.000Z', null);
  await payment('pay_reviewsnewer00000001', MERCHANT, '2026-03-02T10:00:00.000Z', null);
  await payment('pay_reviewsclosed0000001', MERCHANT, '2026-03-03T10:00:00.000Z', 'declined');
  await payment('pay_reviewsnone000000001', MERCHANT, '2026-03-04T10:00:00.000Z', 'none');
  await payment('pay_reviewsneighbour0001', NEIGHBOUR, '2026-03-05T10:00:00.000Z', null);
  reviews = new ReviewsController(new ReviewsRepository(db.dataSource.getRepository(PaymentEntity)));
});

afterAll(async () => {
  await db.close();
});

describe('reviews', () => {
  it("lists the merchant's open reviews only, newest payment first, paged by review id", async () => {
    const all = await reviews.listOpen(MERCHANT, {});
    expect(all.data.map((review) => [review.id, review.payment, review.open])).toEqual([
      ['rev_reviewsnewer00000001', 'pay_reviewsnewer00000001', true],
      ['rev_reviewsolder00000001', 'pay_reviewsolder00000001', true],
    ]);
    expect(all.data[0]).toMatchObject({ object: 'review', reason: 'rule', outcome: null, closed_at: null });

    const first = await reviews.listOpen(MERCHANT, { limit: 1 });
    expect(first.data.map((review) => review.id)).toEqual(['rev_reviewsnewer00000001']);
    expect(first.has_more).toBe(true);
    const second = await reviews.listOpen(MERCHANT, { limit: 1, starting_after: 'rev_reviewsnewer00000001' });
    expect(second.data.map((review) => review.id)).toEqual(['rev_reviewsolder00000001']);
    expect(second.has_more).toBe(false);
    const back = await reviews.listOpen(MERCHANT, { ending_before: 'rev_reviewsolder00000001' });
    expect(back.data.map((review) => review.id)).toEqual(['rev_reviewsnewer00000001']);

    expect((await reviews.listOpen(NEIGHBOUR, {})).data.map((review) => review.id)).toEqual([
      'rev_reviewsneighbour0001',
    ]);
  });

  it('reads a closed review by id, and treats another merchant’s review as missing', async () => {
    await expect(reviews.retrieve(MERCHANT, 'rev_reviewsclosed0000001')).resolves.toMatchObject({
      open: false,
      reason: 'declined',
      outcome: 'declined',
      payment: 'pay_reviewsclosed0000001',
    });
    for (const id of ['rev_reviewsneighbour0001', 'rev_reviewsunknown000001', 'pay_reviewsolder00000001']) {
      await expect(reviews.retrieve(MERCHANT, id)).rejects.toMatchObject({ status: 404 });
    }
  });

  it('refuses a cursor that names no review of the merchant', async () => {
    const refused = reviews.listOpen(MERCHANT, { starting_after: 'rev_reviewsneighbour0001' });
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({ status: 400 });
  });
});
