import { Injectable } from '@nestjs/common';
import { ApiError } from '@platform/service-runtime';
import { rejectionProblem } from '../domain/command-rejection';
import type { CommandProgress } from '../read-model/settle-wait';
import { CommandOutcomesRepository } from './command-outcomes.repository';

/** Tells a waiting request what became of the command it sent. */
@Injectable()
export class CommandOutcomes {
  constructor(private readonly outcomes: CommandOutcomesRepository) {}

  /** For readUntilCommandSettled: pending, applied, or refused with the 409 to answer. */
  of(merchantId: string, commandId: string): () => Promise<CommandProgress> {
    return async () => {
      const outcome = await this.outcomes.findForMerchant(merchantId, commandId);
      if (outcome === null || outcome.outcome === 'pending') return { state: 'pending' };
      if (outcome.outcome === 'applied') return { state: 'applied' };
      const problem = rejectionProblem({
        commandType: outcome.commandType,
        code: outcome.code ?? 'command_rejected',
        message: outcome.message ?? 'refused',
      });
      return {
        state: 'rejected',
        error: new ApiError(problem.status, problem.type, problem.code, problem.message),
      };
    };
  }
}
