import 'reflect-metadata';
import { type AnyEventEnvelope, type EventData, type EventType } from '@platform/contracts';
import { markEventProcessed } from '@platform/db';
import { UnprocessableEventError } from '@platform/kafka';
import { createMigratedDatabase, testEvent, type MigratedDatabase } from '@platform/testing';
import { JournalQueries } from '../journal/journal-queries.repository';
import { JournalWriter } from '../journal/journal-writer.repository';
import { LedgerStateRepository } from '../journal/ledger-state.repository';
import { LEDGER_MIGRATIONS } from '../migrations';
import { PostPaymentEvent } from './post-payment-event';

/** The whole lifecycle through the consumer's use case against Postgres (no broker needed here). */
describe('PostPaymentEvent against Postgres', () => {
  let migrated: MigratedDatabase;
  let journalQueries: JournalQueries;
  let state: LedgerStateRepository;
  let post: PostPaymentEvent;
  const merchantId = 'mer_lifecycle0001';
  const paymentId = 'pay_lifecycle00000001';

  beforeAll(async () => {
    migrated = await createMigratedDatabase('ledger_lifecycle', {
      entities: [],
      migrations: LEDGER_MIGRATIONS,
    });
    journalQueries = new JournalQueries(migrated.dataSource);
    state = new LedgerStateRepository(migrated.dataSource);
    post = new PostPaymentEvent(new JournalWriter(), journalQueries, state);
  });

  afterAll(async () => {
    await migrated?.close();
  });

  function event<T extends EventType>(
    type: T,
    data: EventData<T>,
    aggregateId = paymentId,
  ): AnyEventEnvelope {
    return testEvent(type, data, { aggregateId, merchantId }) as AnyEventEnvelope;
  }

  /** As the consumer runs it: the processed-event record and the effect in one transaction. */
  async function deliver(e: AnyEventEnvelope): Promise<void> {
    await migrated.dataSource.transaction(async (manager) => {
      if (await markEventProcessed(manager, 'ledger', e.id)) await post.execute(e, manager);
    });
  }

  async function outbox(type: string): Promise<{ data: Record<string, unknown> }[]> {
    const rows = await migrated.dataSource.query<{ payload: { data: Record<string, unknown> } }[]>(
      'SELECT payload FROM outbox WHERE event_type = $1 ORDER BY id',
      [type],
    );
    return rows.map((r) => r.payload);
  }

  async function balance(code: string): Promise<bigint | null> {
    return (await journalQueries.balance(code, { kind: 'now' }))?.balanceMinor ?? null;
  }

  const payment = {
    paymentId,
    amountMinor: '10000',
    currency: 'USD',
    paymentMethodType: 'card' as const,
    processor: 'simulated-a',
    processorReference: 'ref_1',
  };

  it('walks a payment through hold, partial captures, refunds, settlements netting them and a chargeback, payouts and a dispute', async () => {
    await state.setPricing(merchantId, 'USD', { basisPoints: 100n, fixedMinor: 10n });
    const authorized = event('payment.authorized', payment);
    await deliver(authorized);
    await deliver(authorized);
    expect(await balance(`merchant_hold:${merchantId}:USD`)).toBe(-10_000n);

    await deliver(
      event('payment.captured', {
        ...payment,
        amountMinor: '4000',
        captureId: 'cap_lifecycle0001',
        final: false,
      }),
    );
    await deliver(
      event('payment.captured', {
        ...payment,
        amountMinor: '5000',
        captureId: 'cap_lifecycle0002',
        final: true,
      }),
    );
    // The final capture released the unused 10.00; fees at the merchant's 1 % + 0.10.
    expect(await balance(`merchant_hold:${merchantId}:USD`)).toBe(0n);
    expect(await balance(`authorization_pending:simulated-a:USD`)).toBe(0n);
    expect(await balance(`merchant_pending:${merchantId}:USD`)).toBe(-(4_000n - 50n + 5_000n - 60n));
    expect(await balance('fee_revenue:USD')).toBe(-110n);

    await deliver(
      event('payment.canceled', { paymentId, reason: 'expired', releasedAmountMinor: '0', currency: 'USD' }),
    );
    await deliver(event('refund.succeeded', { ...refund('re_lifecycle0001'), amountMinor: '6000' }));
    await deliver(event('refund.succeeded', { ...refund('re_lifecycle0002'), amountMinor: '3001' }));
    await deliver(event('refund.succeeded', { ...refund('re_lifecycle0003'), amountMinor: '1000' }));
    expect(
      (await outbox('ledger.entry_rejected')).map((e) => [e.data.sourceEventType, e.data.reason]),
    ).toEqual([
      ['payment.canceled', 'hold_already_resolved'],
      ['refund.succeeded', 'refund_exceeds_captured'],
    ]);
    expect(await balance(`merchant_available:${merchantId}:USD`)).toBe(7_000n);

    // The processor pays the captures less the two refunds it deducted and its fee:
    // 9000 − 7000 − 50 = 1950; the receivable the refunds took down is settled to zero.
    const settlementId = 'stl_lifecycle0001';
    await deliver(
      settlementEvent(settlementId, {
        grossAmountMinor: '9000',
        refundedAmountMinor: '7000',
        processorFeeAmountMinor: '50',
        netAmountMinor: '1950',
        captureIds: ['cap_lifecycle0001', 'cap_lifecycle0002'],
        refundIds: ['re_lifecycle0001', 're_lifecycle0003'],
      }),
    );
    expect(await balance(`merchant_pending:${merchantId}:USD`)).toBe(0n);
    expect(await balance(`merchant_available:${merchantId}:USD`)).toBe(7_000n - 8_890n);
    expect(await balance('platform_bank:USD')).toBe(1_950n);
    expect(await balance('processor_receivable:simulated-a:USD')).toBe(0n);

    const payout = (payoutId: string, amountMinor: string) => ({
      payoutId,
      merchantId,
      amountMinor,
      currency: 'USD',
    });
    await deliver(event('payout.requested', payout('po_lifecycle0001', '1891'), merchantId));
    await deliver(event('payout.requested', payout('po_lifecycle0002', '1000'), merchantId));
    await deliver(event('payout.paid', payout('po_lifecycle0002', '1000'), merchantId));
    await deliver(
      event(
        'payout.failed',
        { ...payout('po_lifecycle0002', '1000'), failureCode: 'bank_rejected' },
        merchantId,
      ),
    );
    expect((await outbox('ledger.entry_rejected')).slice(2).map((e) => e.data.reason)).toEqual([
      'insufficient_balance',
      'hold_already_resolved',
    ]);
    expect(await balance(`merchant_available:${merchantId}:USD`)).toBe(-890n);
    expect(await balance(`payouts_in_flight:${merchantId}:USD`)).toBe(0n);

    const dispute = { disputeId: 'dp_lifecycle0001', paymentId, amountMinor: '500', currency: 'USD' };
    await deliver(event('dispute.opened', { ...dispute, reason: 'fraudulent' }));
    await deliver(event('dispute.closed', { ...dispute, outcome: 'lost' }));
    await deliver(event('dispute.closed', { ...dispute, outcome: 'won' }));
    expect(await balance(`chargebacks_in_flight:${merchantId}:USD`)).toBe(0n);
    expect(await balance(`merchant_available:${merchantId}:USD`)).toBe(-390n);
    expect(await balance('processor_receivable:simulated-a:USD')).toBe(-500n);

    // Refused, each naming the settlement: a refund settled already, a total that is not the sum of
    // its items, a dispute still to be lost. Then a day of only the chargeback: the processor
    // debits the bank.
    const rejectedBefore = (await outbox('ledger.entry_rejected')).length;
    await deliver(
      settlementEvent('stl_lifecycle0002', {
        refundedAmountMinor: '6000',
        netAmountMinor: '-6000',
        refundIds: ['re_lifecycle0001'],
      }),
    );
    await deliver(
      settlementEvent('stl_lifecycle0003', {
        chargebackAmountMinor: '499',
        netAmountMinor: '-499',
        disputeIds: ['dp_lifecycle0001'],
      }),
    );
    await deliver(event('dispute.opened', { ...dispute, disputeId: 'dp_lifecycle0002', reason: 'general' }));
    await deliver(
      settlementEvent('stl_lifecycle0004', {
        chargebackAmountMinor: '500',
        netAmountMinor: '-500',
        disputeIds: ['dp_lifecycle0002'],
      }),
    );
    expect(
      (await outbox('ledger.entry_rejected'))
        .slice(rejectedBefore)
        .map((e) => [e.data.reason, e.data.settlementId]),
    ).toEqual([
      ['already_settled', 'stl_lifecycle0002'],
      ['settlement_totals_mismatch', 'stl_lifecycle0003'],
      ['dispute_not_lost', 'stl_lifecycle0004'],
    ]);
    await deliver(
      settlementEvent('stl_lifecycle0005', {
        chargebackAmountMinor: '500',
        netAmountMinor: '-500',
        disputeIds: ['dp_lifecycle0001'],
      }),
    );
    expect(await balance('processor_receivable:simulated-a:USD')).toBe(0n);
    // The settlement's 1950, less the 10.00 payout paid, less the chargeback the processor debited.
    expect(await balance('platform_bank:USD')).toBe(1_950n - 1_000n - 500n);
    const stamped = await migrated.dataSource.query<{ id: string; settlement_id: string }[]>(
      `SELECT refund_id AS id, settlement_id FROM refunds WHERE payment_id = $1
       UNION ALL SELECT dispute_id, settlement_id FROM disputes WHERE payment_id = $1 ORDER BY id`,
      [paymentId],
    );
    expect(stamped).toEqual([
      { id: 'dp_lifecycle0001', settlement_id: 'stl_lifecycle0005' },
      { id: 'dp_lifecycle0002', settlement_id: null },
      { id: 're_lifecycle0001', settlement_id: settlementId },
      { id: 're_lifecycle0003', settlement_id: settlementId },
    ]);

    const posted = await outbox('ledger.entry_posted');
    expect(posted.map((e) => e.data.kind)).toEqual([
      'authorization_hold',
      'capture',
      'capture',
      'refund',
      'refund',
      'settlement',
      'payout',
      'payout_paid',
      'dispute_hold',
      'dispute_lost',
      'dispute_hold',
      'settlement',
    ]);
    expect(posted.map((e) => e.data.sequence)).toEqual(posted.map((_, i) => String(i + 1)));
    const report = await journalQueries.verify();
    expect(report).toMatchObject({ ok: true, balanceMismatches: [] });
    for (const c of (await journalQueries.trialBalance()).currencies)
      expect(c.debitsMinor).toBe(c.creditsMinor);
  });

  it('posts an FX capture with one balanced leg per currency and the rate recorded', async () => {
    const fxPaymentId = 'pay_lifecyclefx000001';
    const eur = { ...payment, paymentId: fxPaymentId, currency: 'EUR' };
    const fx = {
      settlementCurrency: 'USD',
      settlementAmountMinor: '10850',
      rate: '1.085',
      rateVersion: 'v7',
    };
    await deliver(event('payment.authorized', { ...eur, fx }, fxPaymentId));
    await deliver(
      event('payment.captured', { ...eur, captureId: 'cap_lifecyclefx01', final: true, fx }, fxPaymentId),
    );
    const [capture] = (await outbox('ledger.entry_posted')).filter(
      (e) =>
        (e.data.context as { paymentId?: string }).paymentId === fxPaymentId && e.data.kind === 'capture',
    );
    expect((capture?.data.context as { fx?: unknown }).fx).toEqual(fx);
    const entry = await journalQueries.findById(capture?.data.entryId as string);
    expect(entry?.details).toMatchObject({ fxRate: '1.085', fxRateVersion: 'v7' });
    expect(
      entry?.postings.filter((p) => p.accountCode.startsWith('fx_position:')).map((p) => p.amountMinor),
    ).toEqual([-10_000n, 10_850n]);
    expect((await journalQueries.verify()).ok).toBe(true);
  });

  it('posts a batch in one transaction as one by one would: later events see earlier ones, a payout refused for its balance leaves room for the next', async () => {
    const batchMerchant = 'mer_batchposting01';
    const batchPayment = 'pay_batchposting0001';
    const card = { ...payment, paymentId: batchPayment };
    const ofMerchant = <T extends EventType>(type: T, data: EventData<T>, aggregateId: string) =>
      testEvent(type, data, { aggregateId, merchantId: batchMerchant }) as AnyEventEnvelope;
    const payout = (payoutId: string, amountMinor: string) => ({
      payoutId,
      merchantId: batchMerchant,
      amountMinor,
      currency: 'USD',
    });
    // Default pricing: 10000 − (290 + 30) = 9680 owed to the merchant once settled.
    const batch = [
      ofMerchant('payment.authorized', card, batchPayment),
      ofMerchant('payment.captured', { ...card, captureId: 'cap_batchposting01', final: true }, batchPayment),
      ofMerchant(
        'settlement.reported',
        {
          ...settlementData('stl_batchposting01'),
          grossAmountMinor: '10000',
          processorFeeAmountMinor: '100',
          netAmountMinor: '9900',
          captureIds: ['cap_batchposting01'],
        },
        'stl_batchposting01',
      ),
      ofMerchant('payout.requested', payout('po_batchposting01', '9681'), batchMerchant),
      ofMerchant('payout.requested', payout('po_batchposting02', '9680'), batchMerchant),
      ofMerchant('payout.paid', payout('po_batchposting02', '9680'), batchMerchant),
    ];
    const head = await journalQueries.digest();
    const rejectedBefore = (await outbox('ledger.entry_rejected')).length;
    await migrated.dataSource.transaction((manager) =>
      post.executeBatch(
        batch.map((e) => ({ event: e, inSpan: (work) => work() })),
        manager,
      ),
    );

    const posted = (await outbox('ledger.entry_posted')).filter((e) =>
      batch.some((b) => b.id === e.data.sourceEventId),
    );
    expect(posted.map((e) => [e.data.kind, e.data.sequence])).toEqual(
      ['authorization_hold', 'capture', 'settlement', 'payout', 'payout_paid'].map((kind, i) => [
        kind,
        String(head.sequence + BigInt(i) + 1n),
      ]),
    );
    expect((await outbox('ledger.entry_rejected')).slice(rejectedBefore).map((e) => e.data)).toMatchObject([
      { reason: 'insufficient_balance', payoutId: 'po_batchposting01' },
    ]);
    expect(await balance(`merchant_hold:${batchMerchant}:USD`)).toBe(0n);
    expect(await balance(`merchant_pending:${batchMerchant}:USD`)).toBe(0n);
    expect(await balance(`merchant_available:${batchMerchant}:USD`)).toBe(0n);
    expect(await balance(`payouts_in_flight:${batchMerchant}:USD`)).toBe(0n);
    const stored = await migrated.dataSource.query<{ payout_id: string; status: string }[]>(
      `SELECT payout_id, status FROM payouts WHERE merchant_id = $1 ORDER BY payout_id`,
      [batchMerchant],
    );
    expect(stored).toEqual([{ payout_id: 'po_batchposting02', status: 'paid' }]);
    const [capture] = await migrated.dataSource.query<{ settlement_id: string }[]>(
      `SELECT settlement_id FROM captures WHERE capture_id = 'cap_batchposting01'`,
    );
    expect(capture?.settlement_id).toBe('stl_batchposting01');
    expect(await journalQueries.verify()).toMatchObject({ ok: true, balanceMismatches: [] });
  });

  it('settles a refund posted earlier in the same batch, once, and leaves its processor owed nothing', async () => {
    const nettingPayment = 'pay_batchnetting0001';
    const processor = 'simulated-n';
    const card = { ...payment, paymentId: nettingPayment, processor };
    const settlement = (settlementId: string) =>
      settlementEvent(settlementId, {
        processor,
        grossAmountMinor: '10000',
        refundedAmountMinor: '2500',
        processorFeeAmountMinor: '100',
        netAmountMinor: '7400',
        captureIds: ['cap_batchnetting01'],
        refundIds: ['re_batchnetting01'],
      });
    const batch = [
      event('payment.authorized', card, nettingPayment),
      event('payment.captured', { ...card, captureId: 'cap_batchnetting01', final: true }, nettingPayment),
      event(
        'refund.succeeded',
        { ...refund('re_batchnetting01'), paymentId: nettingPayment, processor, amountMinor: '2500' },
        nettingPayment,
      ),
      settlement('stl_batchnetting01'),
    ];
    const bankBefore = (await balance('platform_bank:USD')) ?? 0n;
    await migrated.dataSource.transaction((manager) =>
      post.executeBatch(
        batch.map((e) => ({ event: e, inSpan: (work) => work() })),
        manager,
      ),
    );
    expect(await balance(`processor_receivable:${processor}:USD`)).toBe(0n);
    expect(await balance('platform_bank:USD')).toBe(bankBefore + 7_400n);
    const [stored] = await migrated.dataSource.query<{ settlement_id: string; amount_minor: string }[]>(
      `SELECT settlement_id, amount_minor FROM refunds WHERE refund_id = 're_batchnetting01'`,
    );
    expect(stored).toEqual({ settlement_id: 'stl_batchnetting01', amount_minor: '2500' });

    // Settled once: listed again, in a later batch, it is refused and names the settlement.
    const rejectedBefore = (await outbox('ledger.entry_rejected')).length;
    await deliver(settlement('stl_batchnetting02'));
    expect((await outbox('ledger.entry_rejected')).slice(rejectedBefore).map((e) => e.data)).toMatchObject([
      {
        reason: 'already_settled',
        settlementId: 'stl_batchnetting02',
        sourceEventType: 'settlement.reported',
      },
    ]);
    expect(await journalQueries.verify()).toMatchObject({ ok: true, balanceMismatches: [] });
  });

  it('skips an event already in the journal and refuses its id reused with other content, writing nothing', async () => {
    const skipPayment = 'pay_batchposting0002';
    const first = event('payment.authorized', { ...payment, paymentId: skipPayment }, skipPayment);
    // Posted without its processed-event record, as after a lost record: only the journal knows.
    await migrated.dataSource.transaction((manager) => post.execute(first, manager));
    const next = event(
      'payment.captured',
      { ...payment, paymentId: skipPayment, captureId: 'cap_batchposting02', final: true },
      skipPayment,
    );
    await migrated.dataSource.transaction((manager) =>
      post.executeBatch(
        [first, next].map((e) => ({ event: e, inSpan: (work) => work() })),
        manager,
      ),
    );
    const entries = await migrated.dataSource.query<{ kind: string }[]>(
      'SELECT kind FROM journal_entries WHERE payment_id = $1 ORDER BY sequence',
      [skipPayment],
    );
    expect(entries.map((e) => e.kind)).toEqual(['authorization_hold', 'capture']);

    const head = await journalQueries.digest();
    const elsewhere = event(
      'payment.authorized',
      { ...payment, paymentId: 'pay_batchposting0004' },
      'pay_batchposting0004',
    );
    const reused = { ...elsewhere, id: first.id } as AnyEventEnvelope;
    const other = event(
      'payment.authorized',
      { ...payment, paymentId: 'pay_batchposting0003' },
      'pay_batchposting0003',
    );
    await expect(
      migrated.dataSource.transaction((manager) =>
        post.executeBatch(
          [other, reused].map((e) => ({ event: e, inSpan: (work) => work() })),
          manager,
        ),
      ),
    ).rejects.toThrow(UnprocessableEventError);
    expect(await journalQueries.digest()).toEqual(head);
  });

  /** A simulated-a USD settlement of nothing, to be given its items and totals. */
  function settlementData(settlementId: string): EventData<'settlement.reported'> {
    return {
      settlementId,
      processor: 'simulated-a',
      currency: 'USD',
      settlementDate: '2025-11-21',
      grossAmountMinor: '0',
      refundedAmountMinor: '0',
      chargebackAmountMinor: '0',
      processorFeeAmountMinor: '0',
      netAmountMinor: '0',
      captureIds: [],
      refundIds: [],
      disputeIds: [],
    };
  }

  function settlementEvent(
    settlementId: string,
    items: Partial<EventData<'settlement.reported'>>,
  ): AnyEventEnvelope {
    return event('settlement.reported', { ...settlementData(settlementId), ...items }, settlementId);
  }

  function refund(refundId: string) {
    return {
      refundId,
      paymentId,
      amountMinor: '0',
      currency: 'USD',
      paymentMethodType: 'card' as const,
      processor: 'simulated-a',
    };
  }
});
