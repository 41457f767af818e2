import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { CommandRejectionEntity } from './command-rejection.entity';

/** Only this class touches command_rejections. */
@Injectable()
export class CommandRejectionsRepository {
  constructor(
    @InjectRepository(CommandRejectionEntity)
    private readonly rejections: Repository<CommandRejectionEntity>,
  ) {}

  /** Records a refusal once per command; false when that command's refusal was recorded before. */
  async record(
    manager: EntityManager,
    rejection: Omit<CommandRejectionEntity, 'rejectedAt'>,
  ): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO command_rejections
         (command_id, merchant_id, command_type, payment_id, code, message, source_event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (command_id) DO NOTHING
       RETURNING command_id`,
      [
        rejection.commandId,
        rejection.merchantId,
        rejection.commandType,
        rejection.paymentId,
        rejection.code,
        rejection.message,
        rejection.sourceEventId,
      ],
    );
    return inserted.length === 1;
  }

  /** The refusal of a command this merchant sent, if the payments service refused it. */
  findForMerchant(merchantId: string, commandId: string): Promise<CommandRejectionEntity | null> {
    return this.rejections.findOneBy({ commandId, merchantId });
  }
}
