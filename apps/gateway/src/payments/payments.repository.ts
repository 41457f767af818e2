import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { PaymentViewState } from '../domain/payment-view';
import { PaymentEntity } from './payment.entity';

/** The gateway's read model of payments; only this class touches the payments table. */
@Injectable()
export class PaymentsRepository {
  constructor(@InjectRepository(PaymentEntity) private readonly payments: Repository<PaymentEntity>) {}

  async insert(
    manager: EntityManager,
    payment: Omit<PaymentEntity, 'createdAt' | 'updatedAt'>,
  ): Promise<void> {
    await manager.getRepository(PaymentEntity).insert(payment);
  }

  /** A merchant's payment; another merchant's payment is as missing as an unknown id. */
  findForMerchant(merchantId: string, paymentId: string): Promise<PaymentEntity | null> {
    return this.payments.findOneBy({ id: paymentId, merchantId });
  }

  /** Locks the payment's row for the rest of the consumer's transaction. */
  findForUpdate(manager: EntityManager, paymentId: string): Promise<PaymentEntity | null> {
    return manager
      .getRepository(PaymentEntity)
      .createQueryBuilder('payment')
      .setLock('pessimistic_write')
      .where('payment.id = :paymentId', { paymentId })
      .getOne();
  }

  async applyView(manager: EntityManager, paymentId: string, view: PaymentViewState): Promise<void> {
    await manager.getRepository(PaymentEntity).update(
      { id: paymentId },
      {
        status: view.status,
        amountCapturedMinor: view.amountCapturedMinor.toString(),
        failureCode: view.failureCode,
        failureMessage: view.failureMessage,
        lastEventSequence: view.lastEventSequence,
      },
    );
  }
}
