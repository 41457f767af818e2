import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { CommandOutcomeEntity } from './command-outcome.entity';

/** A command as the gateway sends it: its envelope id, merchant and type. */
export interface SentCommand {
  readonly id: string;
  readonly merchantId: string;
  readonly type: string;
  readonly paymentId: string | null;
}

/** A command's effect, seen in the event it caused. */
export interface AppliedCommand {
  readonly commandId: string;
  readonly merchantId: string;
  readonly eventType: string;
  readonly sourceEventId: string;
}

/** Only this class touches command_outcomes. */
@Injectable()
export class CommandOutcomesRepository {
  constructor(
    @InjectRepository(CommandOutcomeEntity)
    private readonly outcomes: Repository<CommandOutcomeEntity>,
  ) {}

  /** Sent, in the transaction that puts the command in the outbox: pending until an event decides it. */
  async recordSent(manager: EntityManager, command: SentCommand): Promise<void> {
    await manager.query(
      `INSERT INTO command_outcomes (command_id, merchant_id, command_type, payment_id, outcome, sent_at)
       VALUES ($1, $2, $3, $4, 'pending', now())`,
      [command.id, command.merchantId, command.type, command.paymentId],
    );
  }

  /**
   * The first event each pending command of its merchant caused: it took effect. Later events a
   * command caused (here or in the batch), and events caused by anything the gateway did not send,
   * find no pending row. Returns how many commands were decided.
   */
  async recordAppliedAll(manager: EntityManager, applied: readonly AppliedCommand[]): Promise<number> {
    const first = new Map<string, AppliedCommand>();
    for (const command of applied) if (!first.has(command.commandId)) first.set(command.commandId, command);
    if (first.size === 0) return 0;
    const commands = [...first.values()];
    // An UPDATE answers [rows, affected row count].
    const [, updated]: [unknown, number] = await manager.query(
      `UPDATE command_outcomes AS outcome
          SET outcome = 'applied', event_type = applied.event_type, source_event_id = applied.source_event_id,
              decided_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[])
              AS applied (command_id, merchant_id, event_type, source_event_id)
        WHERE outcome.command_id = applied.command_id AND outcome.merchant_id = applied.merchant_id
          AND outcome.outcome = 'pending'`,
      [
        commands.map((command) => command.commandId),
        commands.map((command) => command.merchantId),
        commands.map((command) => command.eventType),
        commands.map((command) => command.sourceEventId),
      ],
    );
    return updated;
  }

  /**
   * A refusal, once per command: decides the pending row, or records the refusal of a command sent
   * before outcomes were kept. False when that command was decided before (or is another merchant's).
   */
  async recordRejected(
    manager: EntityManager,
    rejection: {
      commandId: string;
      merchantId: string;
      commandType: string;
      paymentId: string | null;
      code: string;
      message: string;
      sourceEventId: string;
    },
  ): Promise<boolean> {
    const decided: unknown[] = await manager.query(
      `INSERT INTO command_outcomes
         (command_id, merchant_id, command_type, payment_id, outcome, event_type, code, message,
          source_event_id, decided_at)
       VALUES ($1, $2, $3, $4, 'rejected', 'payment.command_rejected', $5, $6, $7, now())
       ON CONFLICT (command_id) DO UPDATE
         SET outcome = 'rejected', event_type = EXCLUDED.event_type, code = EXCLUDED.code,
             message = EXCLUDED.message, source_event_id = EXCLUDED.source_event_id, decided_at = now()
         WHERE command_outcomes.outcome = 'pending' AND command_outcomes.merchant_id = EXCLUDED.merchant_id
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
    return decided.length === 1;
  }

  /** Deletes up to `limit` outcomes sent (or decided) more than `retentionHours` ago; answers how many. */
  async deleteOlderThan(retentionHours: number, limit: number): Promise<number> {
    const rows: unknown = await this.outcomes.query(
      `DELETE FROM command_outcomes WHERE command_id IN (
         SELECT command_id FROM command_outcomes
          WHERE coalesce(sent_at, decided_at) < now() - make_interval(hours => $1)
          LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING command_id`,
      [retentionHours, limit],
    );
    // TypeORM answers a DELETE ... RETURNING with [rows, affected count].
    const [deleted = []] = rows as [unknown[] | undefined, number];
    return deleted.length;
  }

  /**
   * Pending commands sent more than `afterSeconds` ago and not redelivered within their backoff
   * (after, doubling with each redelivery, at most `intervalSecondsMax`): counted as redelivered
   * now, in the caller's transaction, which also re-arms their outbox rows. Skips rows another
   * instance is redelivering. Answers their ids.
   */
  async claimForRedelivery(
    manager: EntityManager,
    afterSeconds: number,
    intervalSecondsMax: number,
    limit: number,
  ): Promise<string[]> {
    const rows: unknown = await manager.query(
      `WITH due AS (
         SELECT command_id FROM command_outcomes
          WHERE outcome = 'pending' AND sent_at < now() - make_interval(secs => $1)
            AND (redelivered_at IS NULL
                 OR redelivered_at < now() - make_interval(secs => least($2, $1 * 2 ^ redeliveries)))
          ORDER BY sent_at LIMIT $3
          FOR UPDATE SKIP LOCKED)
       UPDATE command_outcomes c SET redeliveries = c.redeliveries + 1, redelivered_at = now()
         FROM due WHERE c.command_id = due.command_id
       RETURNING c.command_id`,
      [afterSeconds, intervalSecondsMax, limit],
    );
    const [claimed = []] = rows as [{ command_id: string }[] | undefined, number];
    return claimed.map((row) => row.command_id);
  }

  /** What became of a command this merchant sent, if the gateway knows of it. */
  findForMerchant(merchantId: string, commandId: string): Promise<CommandOutcomeEntity | null> {
    return this.outcomes.findOneBy({ commandId, merchantId });
  }
}
