import { Controller, Get } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController, DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

interface ContainerLike {
  applicationConfig: unknown;
  getHttpAdapterRef(): unknown;
}

/**
 * GET /openapi.json, built from the controllers' decorators on first request. The shared runService
 * does not hand out the app, so the document is built from the module container instead.
 */
@ApiExcludeController()
@Controller()
export class OpenApiController {
  private document: OpenAPIObject | null = null;

  constructor(private readonly moduleRef: ModuleRef) {}

  @Get('openapi.json')
  openApi(): OpenAPIObject {
    if (this.document === null) {
      const container = (this.moduleRef as unknown as { container: ContainerLike }).container;
      const app = {
        container,
        config: container.applicationConfig,
        getHttpAdapter: () => container.getHttpAdapterRef(),
      };
      this.document = SwaggerModule.createDocument(
        app as never,
        new DocumentBuilder()
          .setTitle('Reporting')
          .setDescription(
            'Analyst reports rebuilt from the ledger (analyst token) and projection operations (admin token). ' +
              'Amounts are strings of integer minor units; errors are {"error":{type,code,message,param}}.',
          )
          .setVersion('1')
          .addBearerAuth()
          .build(),
      );
    }
    return this.document;
  }
}
