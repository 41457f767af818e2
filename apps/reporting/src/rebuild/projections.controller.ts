import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiError, bearerTokenGuard } from '@platform/service-runtime';
import { ProjectionsService } from '../projections/projections.service';
import { REPORTING_CONFIG } from '../reporting-config';

/** Operators: rebuild the projections from the ledger's events, follow it, roll it back. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/projections')
@UseGuards(bearerTokenGuard(REPORTING_CONFIG, 'ADMIN_TOKEN'))
export class ProjectionsController {
  constructor(private readonly projections: ProjectionsService) {}

  @Post('rebuild')
  @HttpCode(202)
  @ApiOkResponse({ description: 'the rebuild started; follow it at GET /v1/projections/status' })
  async rebuild() {
    const generation = await this.projections.startRebuild();
    if (generation === undefined) {
      throw new ApiError(
        409,
        'invalid_request_error',
        'rebuild_in_progress',
        'A rebuild is already running.',
      );
    }
    return { object: 'projection_rebuild', generation, status_url: '/v1/projections/status' };
  }

  @Post('rollback')
  @ApiOkResponse({ description: 'the retired generation is active again' })
  async rollback() {
    const generation = await this.projections.rollback();
    if (generation === undefined) {
      throw new ApiError(
        409,
        'invalid_request_error',
        'nothing_to_roll_back',
        'No retired generation, or a rebuild is running.',
      );
    }
    return { object: 'projection_rollback', active_generation: generation };
  }

  @Get('status')
  @ApiOkResponse({ description: 'generations, their checkpoints, and the last rebuild with its progress' })
  async status() {
    const status = await this.projections.status();
    return {
      object: 'projection_status',
      active_generation: status.activeGeneration,
      generations: status.generations.map((g) => ({
        generation: g.generation,
        status: g.status,
        created_at: g.createdAt.toISOString(),
        activated_at: g.activatedAt?.toISOString() ?? null,
        contiguous_sequence: g.checkpoint?.contiguousSequence.toString() ?? null,
        last_sequence: g.checkpoint?.lastSequence.toString() ?? null,
        events_applied: g.checkpoint?.eventsApplied.toString() ?? null,
      })),
      rebuild:
        status.rebuild === null
          ? null
          : {
              generation: status.rebuild.generation,
              state: status.rebuild.state,
              started_at: status.rebuild.startedAt.toISOString(),
              completed_at: status.rebuild.completedAt?.toISOString() ?? null,
              events_done: status.rebuild.eventsDone,
              events_total: status.rebuild.eventsTotal,
              percent: status.rebuild.percent,
              rate_per_second: status.rebuild.ratePerSecond,
              seconds_left: status.rebuild.secondsLeft,
              republish_requests: status.rebuild.republishRequests.map((r) => ({
                from_sequence: r.fromSequence,
                to_sequence: r.toSequence,
                at: r.at.toISOString(),
              })),
            },
    };
  }
}
