import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { cursorPage, type Page } from '../listing/cursor-page';
import type { ListQueryDto } from '../listing/list-query.dto';
import { DisputeEntity, type DisputeStatus } from './dispute.entity';

/** Only this class touches disputes. */
@Injectable()
export class DisputesRepository {
  constructor(@InjectRepository(DisputeEntity) private readonly disputes: Repository<DisputeEntity>) {}

  /** Records an opened dispute once; a replay changes nothing. Returns it when it is new. */
  async open(
    manager: EntityManager,
    dispute: Omit<
      DisputeEntity,
      'createdAt' | 'updatedAt' | 'status' | 'evidenceSubmittedAt' | 'evidenceCommandId'
    >,
  ): Promise<DisputeEntity | null> {
    const repository = manager.getRepository(DisputeEntity);
    if ((await repository.findOneBy({ id: dispute.id })) !== null) return null;
    await repository.insert({
      ...dispute,
      status: 'needs_response',
      evidenceSubmittedAt: null,
      evidenceCommandId: null,
    });
    return repository.findOneBy({ id: dispute.id });
  }

  async close(
    manager: EntityManager,
    merchantId: string,
    id: string,
    status: Extract<DisputeStatus, 'won' | 'lost'>,
  ): Promise<DisputeEntity | null> {
    const repository = manager.getRepository(DisputeEntity);
    const result = await repository
      .createQueryBuilder()
      .update(DisputeEntity)
      .set({ status })
      .where("id = :id AND merchant_id = :merchantId AND status IN ('needs_response', 'under_review')", {
        id,
        merchantId,
      })
      .execute();
    return result.affected === 1 ? repository.findOneBy({ id }) : null;
  }

  lockForMerchant(manager: EntityManager, merchantId: string, id: string): Promise<DisputeEntity | null> {
    return manager
      .getRepository(DisputeEntity)
      .createQueryBuilder('dispute')
      .setLock('pessimistic_write')
      .where('dispute.id = :id AND dispute.merchant_id = :merchantId', { id, merchantId })
      .getOne();
  }

  /** Under review, waiting on the dispute.submit_evidence command sent with the evidence. */
  async markEvidenceSubmitted(manager: EntityManager, id: string, commandId: string): Promise<void> {
    await manager
      .getRepository(DisputeEntity)
      .update(
        { id },
        { status: 'under_review', evidenceSubmittedAt: () => 'now()', evidenceCommandId: commandId },
      );
  }

  /**
   * The payments service refused that evidence command: the dispute needs a response again, so the
   * evidence can be submitted anew. Only the dispute still under review for that very command.
   */
  async reopenForEvidence(
    manager: EntityManager,
    merchantId: string,
    commandId: string,
  ): Promise<DisputeEntity | null> {
    const repository = manager.getRepository(DisputeEntity);
    const dispute = await repository
      .createQueryBuilder('dispute')
      .setLock('pessimistic_write')
      .where(
        "dispute.evidence_command_id = :commandId AND dispute.merchant_id = :merchantId AND dispute.status = 'under_review'",
        { commandId, merchantId },
      )
      .getOne();
    if (dispute === null) return null;
    await repository.update(
      { id: dispute.id },
      { status: 'needs_response', evidenceSubmittedAt: null, evidenceCommandId: null },
    );
    return repository.findOneBy({ id: dispute.id });
  }

  /** Whether a dispute of the payment is open or was lost: then it cannot be refunded. */
  async blocksRefund(manager: EntityManager, merchantId: string, paymentId: string): Promise<boolean> {
    const count = await manager
      .getRepository(DisputeEntity)
      .createQueryBuilder('dispute')
      .where(
        "dispute.merchant_id = :merchantId AND dispute.payment_id = :paymentId AND dispute.status <> 'won'",
        {
          merchantId,
          paymentId,
        },
      )
      .getCount();
    return count > 0;
  }

  findForMerchant(merchantId: string, id: string): Promise<DisputeEntity | null> {
    return this.disputes.findOneBy({ id, merchantId });
  }

  list(merchantId: string, query: ListQueryDto): Promise<Page<DisputeEntity>> {
    const builder = this.disputes
      .createQueryBuilder('dispute')
      .where('dispute.merchant_id = :merchantId', { merchantId });
    return cursorPage(builder, 'dispute', 'disputes', merchantId, query);
  }
}
