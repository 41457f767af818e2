import { Controller, Get, HttpStatus, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { metricsRegistry } from '@platform/telemetry';
import { refuseToken } from './auth-failures';
import { bearerTokenMatches } from './bearer-token.guard';
import { EventConsumers } from './event-consumers';
import { KafkaConnection } from './kafka-connection';
import { PLATFORM_OPTIONS, type PlatformOptions } from './platform-options';

const CHECK_TIMEOUT_MS = 2_000;

async function check(probe: () => Promise<unknown>): Promise<{ status: 'up' | 'down'; error?: string }> {
  try {
    await probe();
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: (error as Error).message };
  }
}

@Controller()
export class HealthController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly kafka: KafkaConnection,
    private readonly consumers: EventConsumers,
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
  ) {}

  /**
   * 200 when both the database and Kafka answer, 503 naming the one that does not. While a
   * consumer is still joining its group (start-up, a rebalance) the service already answers
   * requests: status is "starting" and `consumers` tells which group is not there yet.
   */
  /** The process answers: what a liveness probe asks (an outage of a dependency is not a reason to restart). */
  @Get('health/live')
  live(): { status: 'ok'; service: string } {
    return { status: 'ok', service: this.options.serviceName };
  }

  @Get('health')
  async health(@Res() response: Response): Promise<void> {
    const [database, kafka] = await Promise.all([
      check(() => this.dataSource.query(`SET LOCAL statement_timeout = ${CHECK_TIMEOUT_MS}; SELECT 1`)),
      check(() => this.kafka.probe(CHECK_TIMEOUT_MS)),
    ]);
    const up = database.status === 'up' && kafka.status === 'up';
    const consumers = this.consumers.states();
    const joining = Object.values(consumers).some((state) => state !== 'joined');
    response.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({
      status: !up ? 'unavailable' : joining ? 'starting' : 'ok',
      service: this.options.serviceName,
      checks: { database, kafka },
      consumers,
    });
  }

  /** Prometheus text; with METRICS_TOKEN set, only for `Authorization: Bearer <METRICS_TOKEN>`. */
  @Get('metrics')
  async metrics(@Req() request: Request, @Res() response: Response): Promise<void> {
    const token = this.options.env.METRICS_TOKEN;
    if (token !== undefined && !bearerTokenMatches(request.headers.authorization, token)) {
      throw refuseToken(request, response, 'metrics token', this.options.env);
    }
    response.setHeader('Content-Type', metricsRegistry.contentType);
    response.send(await metricsRegistry.metrics());
  }
}
