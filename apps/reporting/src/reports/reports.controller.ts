import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiError, bearerTokenGuard } from '@platform/service-runtime';
import { REPORTING_CONFIG } from '../reporting-config';
import { VolumeRepository } from '../projections/volume/volume.repository';
import { VOLUME_ROWS_PER_PAGE_MAX, VolumeQueryDto } from './volume-query.dto';
import { volumeLineView } from './volume-report.view';

/** Read-only reports for analysts, answered from the projections. */
@Controller('v1/reports')
@UseGuards(bearerTokenGuard(REPORTING_CONFIG, 'ANALYST_TOKEN'))
export class ReportsController {
  constructor(private readonly volumes: VolumeRepository) {}

  /**
   * Captured volume per merchant, UTC day, currency and payment method, ordered by day, merchant,
   * currency and method. `has_more` says the page was cut at `limit` (default and max 1000).
   */
  @Get('volume')
  async volume(@Query() query: VolumeQueryDto) {
    if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
      throw new ApiError(
        400,
        'invalid_request_error',
        'parameter_invalid',
        'Invalid to: must not be before from',
        'to',
      );
    }
    const limit = query.limit ?? VOLUME_ROWS_PER_PAGE_MAX;
    const rows = await this.volumes.find(
      {
        merchantId: query.merchant,
        currency: query.currency?.toUpperCase(),
        paymentMethod: query.payment_method,
        fromDay: query.from,
        toDay: query.to,
      },
      limit + 1,
    );
    return {
      object: 'list' as const,
      url: '/v1/reports/volume',
      has_more: rows.length > limit,
      data: rows.slice(0, limit).map(volumeLineView),
    };
  }
}
