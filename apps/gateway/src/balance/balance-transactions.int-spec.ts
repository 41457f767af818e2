import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { createEvent, type EventEnvelope } from '@platform/contracts';
import { createMigratedDatabase, type MigratedDatabase } from '@platform/testing';
import {
  LEDGER_OP,
  MERCHANTS,
  SIMULATION_START,
  available,
  other,
  pending,
  simulate,
} from '../../../../test/fixtures/ledger-entry-simulation';
import type { LedgerEntryFacts } from '../domain/balance-transactions';
import { GATEWAY_ENTITIES } from '../gateway-entities';
import { GATEWAY_MIGRATIONS } from '../migrations';
import type { ListQueryDto } from '../listing/list-query.dto';
import { BalanceTransactionEntity } from './balance-transaction.entity';
import { BalanceRepository } from './balance.repository';
import { BalanceTransactionsRepository } from './balance-transactions.repository';
import { LedgerEventsConsumer } from './ledger-events.consumer';

/**
 * The ledger consumer and the balance-transaction repository on a real database: the same random
 * ledger entry sequences as the unit property test, applied one transaction per event (in order,
 * then concurrently and out of order), leave every balance equal to the sums of its rows and every
 * payout equal to what it took; the list filters, pages and isolates merchants.
 */
let db: MigratedDatabase;
let consumer: LedgerEventsConsumer;
let balances: BalanceRepository;
let transactions: BalanceTransactionsRepository;

function entryEvent(facts: LedgerEntryFacts): EventEnvelope<'ledger.entry_posted'> {
  return createEvent(
    'ledger.entry_posted',
    {
      entryId: randomUUID(),
      sequence: facts.sequence.toString(),
      hash: '0'.repeat(64),
      kind: facts.kind as EventEnvelope<'ledger.entry_posted'>['data']['kind'],
      sourceEventId: randomUUID(),
      postings: facts.postings.map((posting) => ({ ...posting, accountType: 'liability' as const })),
      context: {
        currency: facts.postings[0]?.currency ?? 'USD',
        grossAmountMinor: '0',
        feeAmountMinor: facts.feeMinor.toString(),
        occurredAt: facts.occurredAt.toISOString(),
        paymentId: facts.paymentId,
        refundId: facts.refundId,
        payoutId: facts.payoutId,
        disputeId: facts.disputeId,
      },
    },
    {
      aggregateId: 'ledger',
      aggregateSequence: 1,
      merchantId: 'mer_ledger000000',
      correlationId: randomUUID(),
      causationId: null,
    },
  );
}

const apply = (facts: LedgerEntryFacts): Promise<void> =>
  db.dataSource.transaction((manager) => consumer.handle(entryEvent(facts), manager));

async function expectBalancesEqualSums(payouts: ReadonlyMap<string, bigint>): Promise<void> {
  for (const merchant of MERCHANTS) {
    const balance = await balances.forMerchant(merchant);
    const sums = await transactions.sums(merchant);
    expect(sums).toEqual(
      balance.map((row) => ({
        currency: row.currency,
        pendingMinor: row.pendingMinor,
        availableMinor: row.availableMinor,
      })),
    );
  }
  const paid: { payout_id: string; net: string }[] = await db.dataSource.query(
    'SELECT payout_id, sum(net_minor)::text AS net FROM balance_transactions WHERE payout_id IS NOT NULL GROUP BY payout_id',
  );
  expect(new Map(paid.map((row) => [row.payout_id, BigInt(row.net)]))).toEqual(payouts);
}

const reset = (): Promise<unknown> => db.dataSource.query('TRUNCATE balance_transactions, merchant_balances');

beforeAll(async () => {
  db = await createMigratedDatabase('gateway_balance_transactions', {
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
  });
  balances = new BalanceRepository(db.dataSource);
  transactions = new BalanceTransactionsRepository(db.dataSource.getRepository(BalanceTransactionEntity));
  // Only handle() is used: the Kafka side of EventConsumers is not started here.
  consumer = new LedgerEventsConsumer(undefined as never, balances, transactions);
});

afterAll(async () => {
  await db.close();
});

describe('balance transactions on Postgres', () => {
  const runs = fc.sample(fc.array(LEDGER_OP, { minLength: 30, maxLength: 60 }), { numRuns: 4, seed: 16 });

  it('keeps balances equal to the sums of the rows and payouts equal to what they took, in ledger order', async () => {
    for (const ops of runs) {
      await reset();
      const { entries, payouts } = simulate(ops, true);
      for (const entry of entries) await apply(entry);
      await expectBalancesEqualSums(payouts);
    }
  });

  it('stays exact when entries of several partitions are applied concurrently and out of order', async () => {
    for (const ops of runs) {
      await reset();
      const { entries, payouts } = simulate(ops, true);
      const shuffled = [...entries].reverse();
      // Four at a time, as the consumer applies partitions: the balance row lock orders them.
      for (let index = 0; index < shuffled.length; index += 4) {
        await Promise.all(shuffled.slice(index, index + 4).map((entry) => apply(entry)));
      }
      await expectBalancesEqualSums(payouts);
    }
  });

  describe('the list', () => {
    const [merchant = '', otherMerchant = ''] = MERCHANTS;
    const payoutId = 'po_listtest0001';

    beforeAll(async () => {
      await reset();
      let sequence = 0n;
      const at = (seconds: number): Date => new Date(SIMULATION_START.getTime() + seconds * 1000);
      const entry = (kind: string, postings: LedgerEntryFacts['postings'], extra = {}): LedgerEntryFacts => {
        sequence += 1n;
        return {
          entryId: '',
          sequence,
          kind,
          postings,
          occurredAt: at(Number(sequence)),
          feeMinor: 0n,
          ...extra,
        };
      };
      for (let index = 0; index < 5; index += 1) {
        await apply(
          entry('capture', [pending(merchant, 'USD', -1000n), other('fee_revenue', 'USD', -30n)], {
            paymentId: `pay_list${index}xxxxxxxx`,
            feeMinor: 30n,
          }),
        );
      }
      await apply(entry('capture', [pending(merchant, 'EUR', -700n), other('fee_revenue', 'EUR', -7n)]));
      await apply(entry('capture', [pending(otherMerchant, 'USD', -500n), other('fee_revenue', 'USD', -5n)]));
      await apply(
        entry('settlement', [
          pending(merchant, 'USD', 5000n),
          available(merchant, 'USD', -5000n),
          pending(otherMerchant, 'USD', 500n),
          available(otherMerchant, 'USD', -500n),
        ]),
      );
      await apply(
        entry(
          'payout',
          [available(merchant, 'USD', 2500n), other(`payouts_in_flight:${merchant}`, 'USD', -2500n)],
          {
            payoutId,
          },
        ),
      );
    });

    const list = (query: Partial<ListQueryDto>, filters = {}, owner = merchant) =>
      transactions.list(owner, query as ListQueryDto, filters);

    it('lists what a payout took, adding up to its amount, FIFO with the split charge carried over', async () => {
      const page = await list({ limit: 100 }, { payout: payoutId });
      expect(page.rows.map((row) => [row.type, row.netMinor]).reverse()).toEqual([
        ['charge', '1000'],
        ['charge', '1000'],
        ['charge', '1000'],
        ['carryover', '-500'],
      ]);
      expect(page.rows.reduce((sum, row) => sum + BigInt(row.netMinor), 0n)).toBe(2500n);
      const csvRows = await transactions.forPayout(merchant, payoutId);
      expect(csvRows.map((row) => row.id).sort()).toEqual(page.rows.map((row) => row.id).sort());
      expect((await list({}, { payout: payoutId }, otherMerchant)).rows).toEqual([]);
    });

    it('filters by type, currency, source and created, and pages through everything once', async () => {
      expect((await list({ limit: 100 }, { type: 'charge' })).rows).toHaveLength(6);
      expect((await list({ limit: 100 }, { currency: 'eur' })).rows.map((row) => row.netMinor)).toEqual([
        '700',
      ]);
      expect((await list({}, { source: 'pay_list1xxxxxxxx' })).rows).toHaveLength(1);
      // The charge the payout split, and its carryover pair.
      expect((await list({}, { source: 'pay_list2xxxxxxxx' })).rows.map((row) => row.type).sort()).toEqual([
        'carryover',
        'carryover',
        'charge',
      ]);
      expect((await list({}, { source: payoutId })).rows.map((row) => row.type)).toEqual(['payout']);
      const createdAfter = Math.floor(SIMULATION_START.getTime() / 1000) + 6;
      expect(
        (await list({ limit: 100, 'created[gte]': String(createdAfter) }, {})).rows
          .map((row) => row.type)
          .sort(),
      ).toEqual(['carryover', 'carryover', 'charge', 'payout']);
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await list({ limit: 3, ...(after === undefined ? {} : { starting_after: after }) });
        seen.push(...page.rows.map((row) => row.id));
        after = page.rows[page.rows.length - 1]?.id;
        if (!page.hasMore) break;
      }
      const all: { id: string }[] = await db.dataSource.query(
        'SELECT id FROM balance_transactions WHERE merchant_id = $1',
        [merchant],
      );
      expect(seen.sort()).toEqual(all.map((row) => row.id).sort());
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('answers each filter from its own index', async () => {
      const plans = await db.dataSource.transaction(async (manager) => {
        await manager.query('SET LOCAL enable_seqscan = off');
        const planOf = async (filter: string, value: string): Promise<string> => {
          const [row]: { 'QUERY PLAN': unknown }[] = await manager.query(
            `EXPLAIN (FORMAT JSON) SELECT id FROM balance_transactions WHERE merchant_id = $1 AND ${filter} = $2
             ORDER BY created_at DESC, id DESC LIMIT 11`,
            [merchant, value],
          );
          return JSON.stringify(row?.['QUERY PLAN']);
        };
        return {
          payout: await planOf('payout_id', payoutId),
          source: await planOf('source', 'pay_list1xxxxxxxx'),
          type: await planOf('type', 'charge'),
          currency: await planOf('currency', 'USD'),
        };
      });
      expect(plans.payout).toContain('balance_transactions_merchant_payout');
      expect(plans.source).toContain('balance_transactions_merchant_source');
      expect(plans.type).toContain('balance_transactions_merchant_type');
      expect(plans.currency).toContain('balance_transactions_merchant_currency');
    });

    it("never finds another merchant's transaction", async () => {
      const [theirs] = (await list({}, {}, otherMerchant)).rows;
      expect(theirs).toBeDefined();
      expect(await transactions.findForMerchant(merchant, theirs?.id ?? '')).toBeNull();
      expect(await transactions.findForMerchant(otherMerchant, theirs?.id ?? '')).not.toBeNull();
    });
  });
});
