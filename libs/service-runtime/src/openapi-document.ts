import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export interface OpenApiSettings {
  readonly title: string;
  readonly description: string;
}

/**
 * Serves GET /openapi.json, built once from the controllers' decorators. Registered before the
 * app's routes, so it is answered ahead of Nest's not-found handler.
 */
export function serveOpenApiDocument(app: INestApplication, settings: OpenApiSettings): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(settings.title)
      .setDescription(settings.description)
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  app.getHttpAdapter().get('/openapi.json', (_request: unknown, response: { json(body: unknown): void }) => {
    response.json(document);
  });
}
