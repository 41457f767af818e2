import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { cursorPage, type Page } from '../listing/cursor-page';
import type { ListQueryDto } from '../listing/list-query.dto';
import { PayoutEntity, type PayoutStatus } from './payout.entity';

/** Only this class touches payouts. */
@Injectable()
export class PayoutsRepository {
  constructor(@InjectRepository(PayoutEntity) private readonly payouts: Repository<PayoutEntity>) {}

  /**
   * Locks the merchant's row (payout commands of one merchant are decided one at a time) and
   * returns the aggregate sequence of its next payout command.
   */
  async lockMerchantForPayout(manager: EntityManager, merchantId: string): Promise<number> {
    await manager.query('SELECT id FROM merchants WHERE id = $1 FOR UPDATE', [merchantId]);
    const rows: unknown = await manager.query(
      'SELECT count(*)::int AS sent FROM payouts WHERE merchant_id = $1',
      [merchantId],
    );
    const [row] = rows as { sent: number }[];
    return (row?.sent ?? 0) + 1;
  }

  async insert(manager: EntityManager, payout: Omit<PayoutEntity, 'createdAt' | 'updatedAt'>): Promise<void> {
    await manager.getRepository(PayoutEntity).insert(payout);
  }

  findForMerchant(merchantId: string, id: string): Promise<PayoutEntity | null> {
    return this.payouts.findOneBy({ id, merchantId });
  }

  list(merchantId: string, query: ListQueryDto): Promise<Page<PayoutEntity>> {
    const builder = this.payouts
      .createQueryBuilder('payout')
      .where('payout.merchant_id = :merchantId', { merchantId });
    return cursorPage(builder, 'payout', 'payouts', merchantId, query);
  }

  /** Moves a payout on; returns it when it changed, null for a replay or an unknown payout. */
  async settle(
    manager: EntityManager,
    merchantId: string,
    id: string,
    status: Exclude<PayoutStatus, 'pending'>,
    failureCode: string | null,
  ): Promise<PayoutEntity | null> {
    const repository = manager.getRepository(PayoutEntity);
    const payout = await repository
      .createQueryBuilder('payout')
      .setLock('pessimistic_write')
      .where('payout.id = :id AND payout.merchant_id = :merchantId', { id, merchantId })
      .getOne();
    if (payout === null || payout.status !== 'pending') return null;
    await repository.update({ id }, { status, failureCode });
    return { ...payout, status, failureCode };
  }

  /** The payments service refused the payout.create of a pending payout: it fails with that code. */
  async failRefused(
    manager: EntityManager,
    merchantId: string,
    commandId: string,
    failureCode: string,
  ): Promise<PayoutEntity | null> {
    const payout = await manager
      .getRepository(PayoutEntity)
      .createQueryBuilder('payout')
      .setLock('pessimistic_write')
      .where('payout.command_id = :commandId AND payout.merchant_id = :merchantId', { commandId, merchantId })
      .getOne();
    if (payout === null) return null;
    return this.settle(manager, merchantId, payout.id, 'failed', failureCode);
  }
}
