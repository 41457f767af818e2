import { consumerLagMessages, recordConsumerLag } from './runtime-metrics';

describe('consumer lag', () => {
  it('keeps the lag per group, topic and partition, as kafkajs reports it', async () => {
    recordConsumerLag('ledger', 'payments.events', 2, '41');
    recordConsumerLag('ledger', 'payments.events', 3, '0');
    recordConsumerLag('ledger', 'payments.events', 2, '7');
    // A negative lag (an offset past a truncated end) is no lag.
    recordConsumerLag('risk', 'payments.events', 0, '-1');
    const values = (await consumerLagMessages.get()).values.map((v) => [
      v.labels.group,
      v.labels.partition,
      v.value,
    ]);
    expect(values).toEqual([
      ['ledger', '2', 7],
      ['ledger', '3', 0],
      ['risk', '0', 0],
    ]);
  });
});
