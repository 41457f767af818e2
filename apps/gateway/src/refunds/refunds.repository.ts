import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { cursorPage, type Page } from '../listing/cursor-page';
import type { ListQueryDto } from '../listing/list-query.dto';
import { RefundEntity, type RefundStatus } from './refund.entity';

/** Only this class touches refunds. */
@Injectable()
export class RefundsRepository {
  constructor(@InjectRepository(RefundEntity) private readonly refunds: Repository<RefundEntity>) {}

  async insert(manager: EntityManager, refund: Omit<RefundEntity, 'createdAt' | 'updatedAt'>): Promise<void> {
    await manager.getRepository(RefundEntity).insert(refund);
  }

  findForMerchant(merchantId: string, refundId: string): Promise<RefundEntity | null> {
    return this.refunds.findOneBy({ id: refundId, merchantId });
  }

  /** What is refunded or on its way: counted against what a new refund may take. */
  async refundedOrPendingMinor(manager: EntityManager, paymentId: string): Promise<bigint> {
    const rows: unknown = await manager.query(
      `SELECT coalesce(sum(amount_minor), 0)::text AS total FROM refunds
       WHERE payment_id = $1 AND status IN ('pending', 'succeeded')`,
      [paymentId],
    );
    const [row] = rows as { total: string }[];
    return BigInt(row?.total ?? '0');
  }

  list(merchantId: string, query: ListQueryDto & { payment?: string }): Promise<Page<RefundEntity>> {
    const builder = this.refunds
      .createQueryBuilder('refund')
      .where('refund.merchant_id = :merchantId', { merchantId });
    if (query.payment !== undefined)
      builder.andWhere('refund.payment_id = :paymentId', { paymentId: query.payment });
    return cursorPage(builder, 'refund', 'refunds', merchantId, query);
  }

  /**
   * Moves a pending refund to its outcome; returns the refund when it moved (so the caller counts
   * its amount once), null when it was not pending (a replay, or not ours).
   */
  async settle(
    manager: EntityManager,
    merchantId: string,
    refundId: string,
    status: Exclude<RefundStatus, 'pending'>,
    failureCode: string | null,
  ): Promise<RefundEntity | null> {
    const repository = manager.getRepository(RefundEntity);
    const refund = await repository
      .createQueryBuilder('refund')
      .setLock('pessimistic_write')
      .where('refund.id = :refundId AND refund.merchant_id = :merchantId', { refundId, merchantId })
      .getOne();
    if (refund === null || refund.status !== 'pending') return null;
    await repository.update({ id: refundId }, { status, failureCode });
    return { ...refund, status, failureCode };
  }

  /** The payments service refused the refund.create of a pending refund: it fails with that code. */
  async failRefused(
    manager: EntityManager,
    merchantId: string,
    commandId: string,
    failureCode: string,
  ): Promise<RefundEntity | null> {
    const refund = await manager
      .getRepository(RefundEntity)
      .createQueryBuilder('refund')
      .setLock('pessimistic_write')
      .where('refund.command_id = :commandId AND refund.merchant_id = :merchantId', { commandId, merchantId })
      .getOne();
    if (refund === null) return null;
    return this.settle(manager, merchantId, refund.id, 'failed', failureCode);
  }
}
