import { Injectable } from '@nestjs/common';
import { ApiError } from '@platform/service-runtime';
import { GenerationRepository } from '../projections/generations/generation.repository';
import {
  ReconciliationRepository,
  type Difference,
  type GenerationFigures,
} from './reconciliation.repository';

export interface ReconciliationReport {
  readonly generation: number;
  readonly against: number | null;
  /** Generations compared row for row only mean something at the same sequence. */
  readonly sameSequence: boolean;
  readonly figures: readonly GenerationFigures[];
  readonly checks: readonly string[];
  readonly differences: readonly Difference[];
}

@Injectable()
export class ReconciliationService {
  constructor(
    private readonly generations: GenerationRepository,
    private readonly reconciliation: ReconciliationRepository,
  ) {}

  /** Reconciles a generation (the active one by default), optionally row for row against another. */
  async run(
    generation: number | undefined,
    against: number | 'retired' | undefined,
  ): Promise<ReconciliationReport> {
    const all = await this.generations.list();
    const target = generation ?? all.find((g) => g.status === 'active')?.generation;
    if (target === undefined || !(await this.reconciliation.exists(target))) {
      throw new ApiError(
        404,
        'invalid_request_error',
        'resource_missing',
        'No such generation.',
        'generation',
      );
    }
    let other: number | undefined;
    if (against === 'retired') {
      other = all.filter((g) => g.status === 'retired').at(-1)?.generation;
      if (other === undefined) {
        throw new ApiError(
          404,
          'invalid_request_error',
          'resource_missing',
          'No retired generation.',
          'against',
        );
      }
    } else if (against !== undefined) {
      if (!(await this.reconciliation.exists(against))) {
        throw new ApiError(
          404,
          'invalid_request_error',
          'resource_missing',
          'No such generation.',
          'against',
        );
      }
      other = against;
    }
    const { figures, differences, checks } = await this.reconciliation.reconcile(target, other);
    const [first, second] = figures;
    return {
      generation: target,
      against: other ?? null,
      sameSequence:
        second === undefined ||
        (first !== undefined &&
          first.contiguousSequence === second.contiguousSequence &&
          first.lastSequence === second.lastSequence &&
          first.eventsApplied === second.eventsApplied),
      figures,
      checks,
      differences,
    };
  }
}
