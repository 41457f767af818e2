import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { dirname, join } from 'node:path';
import { ApiError } from '@platform/service-runtime';

/**
 * Swagger UI without a CDN: the page loads swagger-ui-dist's two files from here and the
 * document from /openapi.json, which runService serves.
 */
const DOCS_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Merchant API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });</script>
</body></html>`;

const DOCS_ASSETS: ReadonlySet<string> = new Set(['swagger-ui.css', 'swagger-ui-bundle.js']);

@Controller()
@ApiExcludeController()
export class OpenApiController {
  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  docs(): string {
    return DOCS_PAGE;
  }

  @Get('docs/assets/:file')
  asset(@Param('file') file: string, @Res() response: Response): void {
    if (!DOCS_ASSETS.has(file)) throw ApiError.notFound('file', file, 'file');
    response.sendFile(join(dirname(require.resolve('swagger-ui-dist/package.json')), file));
  }
}
