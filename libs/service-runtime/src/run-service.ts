import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { z } from 'zod';
import { ConfigError, loadConfig, type ServiceEnv } from '@platform/config';
import { collectProcessMetrics, initTracing } from '@platform/telemetry';
import { ApiExceptionFilter, bodyParserErrorHandler } from './api-exception.filter';
import { createValidationPipe } from './validation';
import { applyHttpServerLimits } from './http-server-limits';
import { httpTelemetryMiddleware } from './http-telemetry.middleware';
import { rejectMalformedInput } from './input-limits';
import { securityHeaders } from './response-headers';
import { serveOpenApiDocument, type OpenApiSettings } from './openapi-document';

export interface ServiceDefinition<S extends z.ZodObject<z.ZodRawShape>> {
  readonly serviceName: string;
  readonly envSchema: S;
  /** The app's root module, built from its parsed config. */
  readonly createModule: (config: z.infer<S>) => unknown;
  readonly bodyLimit?: string;
  /** When set, GET /openapi.json serves the document of the app's controllers. */
  readonly openApi?: OpenApiSettings;
}

/** Exit status for a configuration error (EX_CONFIG), so supervisors don't restart-loop blindly. */
const EXIT_CONFIG = 78;

/**
 * Boots one service: config parsed once (every bad variable listed, then exit), tracing,
 * the Nest app with the error shape and validation, graceful shutdown on SIGTERM.
 */
export async function runService<S extends z.ZodObject<z.ZodRawShape>>(
  definition: ServiceDefinition<S>,
): Promise<void> {
  let config: z.infer<S> & ServiceEnv;
  let rootModule: unknown;
  try {
    config = loadConfig(definition.serviceName, definition.envSchema) as z.infer<S> & ServiceEnv;
    // Cross-variable checks live in createModule and throw ConfigError too.
    rootModule = definition.createModule(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
  initTracing({
    serviceName: definition.serviceName,
    exporter: config.OTEL_TRACES_EXPORTER,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    filePath: config.OTEL_TRACES_FILE,
  });
  collectProcessMetrics(definition.serviceName);

  const app = await NestFactory.create<NestExpressApplication>(rootModule as never, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.use(securityHeaders);
  app.use(httpTelemetryMiddleware);
  app.useBodyParser('json', { limit: definition.bodyLimit ?? '100kb' });
  app.use(bodyParserErrorHandler);
  app.use(rejectMalformedInput);
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  if (definition.openApi !== undefined) serveOpenApiDocument(app, definition.openApi);
  app.enableShutdownHooks();
  app.set('x-powered-by', false);
  applyHttpServerLimits(app.getHttpServer(), {
    headersTimeoutSeconds: config.HTTP_HEADERS_TIMEOUT_SECONDS,
    requestTimeoutSeconds: config.HTTP_REQUEST_TIMEOUT_SECONDS,
    maxConnections: config.HTTP_MAX_CONNECTIONS,
  });
  await app.listen(config.PORT, config.HOST);
  app.get(Logger).log(`${definition.serviceName} listening on http://${config.HOST}:${config.PORT}`);
}
