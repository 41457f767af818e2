import { Injectable, type INestApplication } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/**
 * Builds the OpenAPI document from the controllers' decorators, once, on first request.
 * runService (libs/service-runtime) does not hand the app out, so the scanner gets the parts of
 * it that it reads: the module container, the application config and the HTTP adapter.
 */
@Injectable()
export class OpenApiDocument {
  private document: OpenAPIObject | undefined;

  constructor(
    private readonly modules: ModulesContainer,
    private readonly applicationConfig: ApplicationConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  get(): OpenAPIObject {
    if (this.document === undefined) {
      const app = {
        container: { getModules: () => this.modules, isGlobalModule: () => false },
        config: this.applicationConfig,
        getHttpAdapter: () => this.adapterHost.httpAdapter,
      } as unknown as INestApplication;
      const config = new DocumentBuilder()
        .setTitle('Payment platform: merchant API')
        .setDescription(
          'Amounts are integers in minor units; currencies lower-case ISO 4217. Errors are ' +
            '{"error": {type, code, message, param}}. Every POST takes an Idempotency-Key.',
        )
        .setVersion('1')
        .addBearerAuth()
        .build();
      this.document = SwaggerModule.createDocument(app, config);
    }
    return this.document;
  }
}
