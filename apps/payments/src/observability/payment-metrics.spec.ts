import { paymentStatusTransitionsTotal, recordPaymentStatus } from './payment-metrics';

async function entered(status: string): Promise<number> {
  const metric = await paymentStatusTransitionsTotal.get();
  return metric.values.find((value) => value.labels.status === status)?.value ?? 0;
}

describe('payment status transitions', () => {
  it('counts a payment entering a status, and nothing for a write that keeps it', async () => {
    paymentStatusTransitionsTotal.reset();
    recordPaymentStatus(null, 'processing');
    recordPaymentStatus('processing', 'succeeded');
    recordPaymentStatus('succeeded', 'succeeded');
    recordPaymentStatus(null, 'processing');
    expect([await entered('processing'), await entered('succeeded')]).toEqual([2, 1]);
  });
});
