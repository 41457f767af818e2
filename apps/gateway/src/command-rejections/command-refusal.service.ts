import { Injectable } from '@nestjs/common';
import { ApiError } from '@platform/service-runtime';
import { rejectionProblem } from '../domain/command-rejection';
import { CommandRejectionsRepository } from './command-rejections.repository';

/** Tells a waiting request whether the payments service refused the command it sent. */
@Injectable()
export class CommandRefusals {
  constructor(private readonly rejections: CommandRejectionsRepository) {}

  /** For readUntilSettled: the 409 of the command's refusal, or null while there is none. */
  of(merchantId: string, commandId: string): () => Promise<ApiError | null> {
    return async () => {
      const rejection = await this.rejections.findForMerchant(merchantId, commandId);
      if (rejection === null) return null;
      const problem = rejectionProblem(rejection);
      return new ApiError(problem.status, problem.type, problem.code, problem.message);
    };
  }
}
