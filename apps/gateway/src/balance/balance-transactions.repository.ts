import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import {
  carryoverPair,
  sweep,
  type BalanceMove,
  type BalanceTransactionStatus,
  type MerchantEntryPlan,
  type NewBalanceTransaction,
  type PoolRow,
} from '../domain/balance-transactions';
import { newBalanceTransactionId } from '../domain/random-identifiers';
import { cursorPage, type Page } from '../listing/cursor-page';
import type { ListQueryDto } from '../listing/list-query.dto';
import { BalanceTransactionEntity } from './balance-transaction.entity';

/** Rows read per round trip while a settlement or payout looks for what it takes. */
const POOL_PAGE_ROWS = 500;

export interface BalanceTransactionFilters {
  readonly type?: string;
  readonly currency?: string;
  readonly payout?: string;
  readonly source?: string;
}

/** Where an entry's rows go in the FIFO order (ledger sequence, then position in the entry). */
export interface EntryPosition {
  readonly entryId: string;
  readonly sequence: bigint;
  /** The next ordinal in the entry; advanced as rows are written. */
  ordinal: number;
}

/** Only this class touches balance_transactions. */
@Injectable()
export class BalanceTransactionsRepository {
  constructor(
    @InjectRepository(BalanceTransactionEntity)
    private readonly transactions: Repository<BalanceTransactionEntity>,
  ) {}

  /**
   * Writes one merchant's part of an entry: its rows, then its move. The caller holds the lock on
   * the merchant's balance row (merchant_balances), so moves of one merchant run one at a time.
   */
  async record(manager: EntityManager, plan: MerchantEntryPlan, position: EntryPosition): Promise<void> {
    for (const row of plan.rows) await this.insert(manager, row, position, null);
    if (plan.move !== null && plan.move.amountMinor !== 0n) {
      await this.move(manager, plan.merchantId, plan.currency, plan.move, position);
    }
  }

  private async move(
    manager: EntityManager,
    merchantId: string,
    currency: string,
    move: BalanceMove,
    position: EntryPosition,
  ): Promise<void> {
    const from: BalanceTransactionStatus =
      move.kind === 'settle' && move.amountMinor > 0n ? 'pending' : 'available';
    const amountMinor = move.amountMinor < 0n ? -move.amountMinor : move.amountMinor;
    const pool: PoolRow[] = [];
    let result = sweep(pool, amountMinor);
    let after: { sequence: string; ordinal: number } = { sequence: '-1', ordinal: 0 };
    for (;;) {
      const page: { id: string; net: string; source: string | null; seq: string; ordinal: number }[] =
        await manager.query(
          `SELECT id, net_minor::text AS net, source, ledger_sequence::text AS seq, ordinal
           FROM balance_transactions
           WHERE merchant_id = $1 AND currency = $2 AND status = $3 AND payout_id IS NULL AND type <> 'payout'
             AND (ledger_sequence, ordinal) > ($4::bigint, $5::integer)
           ORDER BY ledger_sequence, ordinal LIMIT ${POOL_PAGE_ROWS}`,
          [merchantId, currency, from, after.sequence, after.ordinal],
        );
      pool.push(...page.map((row) => ({ id: row.id, netMinor: BigInt(row.net), source: row.source })));
      result = sweep(pool, amountMinor);
      const last = page[page.length - 1];
      if (result.reached || page.length < POOL_PAGE_ROWS || last === undefined) break;
      after = { sequence: last.seq, ordinal: last.ordinal };
    }
    const payoutId = move.kind === 'pay_out' ? move.payoutId : null;
    if (result.taken.length > 0) {
      if (payoutId !== null) {
        await manager.query('UPDATE balance_transactions SET payout_id = $2 WHERE id = ANY($1::text[])', [
          result.taken,
          payoutId,
        ]);
      } else {
        const to = from === 'pending' ? 'available' : 'pending';
        await manager.query(
          `UPDATE balance_transactions SET status = $2, available_on = $3 WHERE id = ANY($1::text[])`,
          [result.taken, to, to === 'available' ? move.at : null],
        );
      }
    }
    const pair = carryoverPair(merchantId, currency, { ...move, amountMinor }, result, from);
    if (pair !== null) {
      await this.insert(manager, pair.closing, position, payoutId);
      await this.insert(manager, pair.remainder, position, null);
    }
  }

  private async insert(
    manager: EntityManager,
    row: NewBalanceTransaction,
    position: EntryPosition,
    payoutId: string | null,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO balance_transactions (id, merchant_id, currency, type, status, amount_minor, fee_minor,
         net_minor, exchange_rate, source, description, payout_id, ledger_entry_id, ledger_sequence, ordinal,
         created_at, available_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        newBalanceTransactionId(),
        row.merchantId,
        row.currency,
        row.type,
        row.status,
        row.amountMinor.toString(),
        row.feeMinor.toString(),
        row.netMinor.toString(),
        row.exchangeRate,
        row.source,
        row.description,
        payoutId,
        position.entryId,
        position.sequence.toString(),
        position.ordinal,
        row.created,
        row.availableOn,
      ],
    );
    position.ordinal += 1;
  }

  findForMerchant(merchantId: string, id: string): Promise<BalanceTransactionEntity | null> {
    return this.transactions.findOneBy({ id, merchantId });
  }

  list(
    merchantId: string,
    query: ListQueryDto,
    filters: BalanceTransactionFilters,
  ): Promise<Page<BalanceTransactionEntity>> {
    const builder = this.transactions
      .createQueryBuilder('txn')
      .where('txn.merchant_id = :merchantId', { merchantId });
    if (filters.type !== undefined) builder.andWhere('txn.type = :type', { type: filters.type });
    if (filters.currency !== undefined)
      builder.andWhere('txn.currency = :currency', { currency: filters.currency.toUpperCase() });
    if (filters.payout !== undefined) builder.andWhere('txn.payout_id = :payout', { payout: filters.payout });
    if (filters.source !== undefined) builder.andWhere('txn.source = :source', { source: filters.source });
    return cursorPage(builder, 'txn', 'balance_transactions', merchantId, query);
  }

  /** Everything a payout paid out, in the order it took them. */
  forPayout(merchantId: string, payoutId: string): Promise<BalanceTransactionEntity[]> {
    return this.transactions.find({
      where: { merchantId, payoutId },
      order: { ledgerSequence: 'ASC', ordinal: 'ASC' },
    });
  }

  /** Σ net per currency and status: what the balance must equal. */
  async sums(
    merchantId: string,
  ): Promise<{ currency: string; pendingMinor: bigint; availableMinor: bigint }[]> {
    const rows: { currency: string; pending: string; available: string }[] = await this.transactions.query(
      `SELECT currency,
         coalesce(sum(net_minor) FILTER (WHERE status = 'pending'), 0)::text AS pending,
         coalesce(sum(net_minor) FILTER (WHERE status = 'available'), 0)::text AS available
       FROM balance_transactions WHERE merchant_id = $1 GROUP BY currency ORDER BY currency`,
      [merchantId],
    );
    return rows.map((row) => ({
      currency: row.currency,
      pendingMinor: BigInt(row.pending),
      availableMinor: BigInt(row.available),
    }));
  }
}
