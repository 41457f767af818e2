import { EVENT_CATALOGUE } from '../catalogue';
import { TOPICS } from '../topics';

const paymentId = 'pay_0123456789abcdef';
const reviewId = 'rev_0123456789abcdef';

describe('payment.capture', () => {
  const schema = EVENT_CATALOGUE['payment.capture'].data;

  it('reads a command from before multi-part capture (no final) and one with final: false', () => {
    expect(schema.parse({ paymentId, amountMinor: '500' })).toEqual({ paymentId, amountMinor: '500' });
    expect(schema.parse({ paymentId, amountMinor: '500', final: false })).toMatchObject({ final: false });
  });

  it('refuses a final that is not a boolean', () => {
    expect(schema.safeParse({ paymentId, final: 'no' }).success).toBe(false);
  });
});

describe('payment.cancel and payment.canceled', () => {
  it('carry the reason, optional on the command, and refuse one outside the enum', () => {
    const command = EVENT_CATALOGUE['payment.cancel'].data;
    expect(command.parse({ paymentId })).toEqual({ paymentId });
    expect(command.parse({ paymentId, reason: 'abandoned' })).toEqual({ paymentId, reason: 'abandoned' });
    expect(command.safeParse({ paymentId, reason: 'bored' }).success).toBe(false);
    const event = EVENT_CATALOGUE['payment.canceled'].data;
    const canceled = { paymentId, reason: 'abandoned', releasedAmountMinor: '700', currency: 'USD' };
    expect(event.parse(canceled)).toEqual(canceled);
  });
});

describe('payment.review_opened and payment.review_closed', () => {
  it('travel on payments.events', () => {
    expect(EVENT_CATALOGUE['payment.review_opened'].topic).toBe(TOPICS.paymentsEvents);
    expect(EVENT_CATALOGUE['payment.review_closed'].topic).toBe(TOPICS.paymentsEvents);
  });

  it('name the review and the outcome', () => {
    const opened = { paymentId, reviewId, score: 60, reasons: ['amount_above:global-high-amount'] };
    expect(EVENT_CATALOGUE['payment.review_opened'].data.parse(opened)).toEqual(opened);
    const closed = EVENT_CATALOGUE['payment.review_closed'].data;
    expect(closed.parse({ paymentId, reviewId, outcome: 'declined' })).toMatchObject({ outcome: 'declined' });
    expect(closed.safeParse({ paymentId, reviewId, outcome: 'maybe' }).success).toBe(false);
    expect(closed.safeParse({ paymentId, reviewId: 'review-1', outcome: 'approved' }).success).toBe(false);
  });
});
