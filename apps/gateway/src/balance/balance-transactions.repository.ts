import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import {
  executeMove,
  type BalanceMove,
  type MerchantEntryPlan,
  type MoveStore,
  type NewBalanceTransaction,
} from '../domain/balance-transactions';
import { newBalanceTransactionId } from '../domain/random-identifiers';
import { cursorPage, type Page } from '../listing/cursor-page';
import type { ListQueryDto } from '../listing/list-query.dto';
import { BalanceTransactionEntity } from './balance-transaction.entity';

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
    if (plan.move !== null) {
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
    const store: MoveStore<{ sequence: string; ordinal: number }> = {
      pool: async (status, after, limit) => {
        const rows: { id: string; net: string; source: string | null; seq: string; ordinal: number }[] =
          await manager.query(
            `SELECT id, net_minor::text AS net, source, ledger_sequence::text AS seq, ordinal
             FROM balance_transactions
             WHERE merchant_id = $1 AND currency = $2 AND status = $3 AND payout_id IS NULL AND type <> 'payout'
               AND (ledger_sequence, ordinal) > ($4::bigint, $5::integer)
             ORDER BY ledger_sequence, ordinal LIMIT $6`,
            [merchantId, currency, status, after?.sequence ?? '-1', after?.ordinal ?? 0, limit],
          );
        const last = rows[rows.length - 1];
        return {
          rows: rows.map((row) => ({ id: row.id, netMinor: BigInt(row.net), source: row.source })),
          last: last === undefined ? null : { sequence: last.seq, ordinal: last.ordinal },
        };
      },
      setStatus: async (ids, status, availableOn) => {
        await manager.query(
          'UPDATE balance_transactions SET status = $2, available_on = $3 WHERE id = ANY($1::text[])',
          [ids, status, availableOn],
        );
      },
      assignPayout: async (ids, payoutId) => {
        await manager.query('UPDATE balance_transactions SET payout_id = $2 WHERE id = ANY($1::text[])', [
          ids,
          payoutId,
        ]);
      },
      insert: (row, payoutId) => this.insert(manager, row, position, payoutId),
    };
    await executeMove(store, merchantId, currency, move);
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
