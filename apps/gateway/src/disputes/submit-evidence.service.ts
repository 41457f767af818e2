import { Injectable, Inject } from '@nestjs/common';
import { IsDefined, IsString, Length } from 'class-validator';
import { DataSource } from 'typeorm';
import { createEvent } from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import { ApiError } from '@platform/service-runtime';
import { CommandOutcomesRepository } from '../command-outcomes/command-outcomes.repository';
import { DISPUTE_ID_PATTERN } from '../domain/random-identifiers';
import { recoveredPoint } from '../idempotency/idempotency-claim-context';
import { IdempotencyKeysRepository } from '../idempotency/idempotency-keys.repository';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { PaymentsRepository } from '../read-model/payments.repository';
import type { DisputeEntity } from './dispute.entity';
import { DisputesRepository } from './disputes.repository';

export class SubmitEvidenceDto {
  @IsDefined()
  @Length(1, 10_000)
  @IsString()
  evidence!: string;
}

/**
 * Evidence goes once, while the dispute needs a response; the payments service takes it from there.
 * Answered at once (under_review); if payments or the processor refuses the evidence, the
 * dispute needs a response again (payment.command_rejected) and evidence can be submitted anew.
 */
@Injectable()
export class SubmitEvidenceService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly disputes: DisputesRepository,
    private readonly payments: PaymentsRepository,
    private readonly outcomes: CommandOutcomesRepository,
    private readonly idempotency: IdempotencyKeysRepository,
  ) {}

  async submit(
    merchant: MerchantEntity,
    disputeId: string,
    request: SubmitEvidenceDto,
    correlationId: string,
  ): Promise<DisputeEntity> {
    // A retry that took over from a request that died after sending: the evidence is on its way.
    const resumed = recoveredPoint('dispute_evidence');
    if (resumed === null) await this.send(merchant, disputeId, request, correlationId);
    const updated = await this.disputes.findForMerchant(merchant.id, resumed?.disputeId ?? disputeId);
    if (updated === null) throw new Error(`dispute ${disputeId} vanished`);
    return updated;
  }

  private async send(
    merchant: MerchantEntity,
    disputeId: string,
    request: SubmitEvidenceDto,
    correlationId: string,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const dispute = DISPUTE_ID_PATTERN.test(disputeId)
        ? await this.disputes.lockForMerchant(manager, merchant.id, disputeId)
        : null;
      if (dispute === null) throw ApiError.notFound('dispute', disputeId);
      if (dispute.status !== 'needs_response') {
        throw new ApiError(
          409,
          'invalid_request_error',
          'dispute_unexpected_state',
          `Evidence can only be submitted while the dispute needs a response; it is ${dispute.status}.`,
        );
      }
      const payment = await this.payments.lockForMerchant(manager, merchant.id, dispute.paymentId);
      if (payment === null) throw new Error(`dispute ${dispute.id}: payment ${dispute.paymentId} is missing`);
      const sequence = await this.payments.nextCommandSequence(manager, payment);
      const command = createEvent(
        'dispute.submit_evidence',
        { disputeId: dispute.id, paymentId: dispute.paymentId, evidence: request.evidence },
        {
          aggregateId: dispute.paymentId,
          aggregateSequence: sequence,
          merchantId: merchant.id,
          correlationId,
          causationId: null,
        },
      );
      await appendToOutbox(manager, [command]);
      // Its outcome is recorded (dispute.closed, or a refusal), though this request does not wait for it.
      await this.outcomes.recordSent(manager, { ...command, paymentId: dispute.paymentId });
      // Remembered with the dispute: if payments refuses this command, the dispute reopens.
      await this.disputes.markEvidenceSubmitted(manager, dispute.id, command.id);
      await this.idempotency.recordRecoveryPoint(manager, {
        kind: 'dispute_evidence',
        disputeId: dispute.id,
        commandId: command.id,
      });
    });
  }
}
