import { readFileSync } from 'node:fs';
import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DASHBOARD_CSS, DASHBOARD_SCRIPT, dashboardHtml } from './dashboard-page';

/** The installed ECharts: its version names the file the page loads, so browsers may keep it. */
const ECHARTS_VERSION = (
  JSON.parse(readFileSync(require.resolve('echarts/package.json'), 'utf8')) as { version: string }
).version;
const ECHARTS_FILE = `echarts-${ECHARTS_VERSION}.min.js`;
let echartsScript: Buffer | null = null;

/** The analysts' dashboard: a static page whose script calls the report API with the analyst token. */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  private readonly html = dashboardHtml(ECHARTS_VERSION);

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  // frame-ancestors: no other site may frame the page (clickjacking); X-Frame-Options DENY is set for every answer.
  @Header(
    'content-security-policy',
    "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
  )
  page(): string {
    return this.html;
  }

  @Get('dashboard.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  script(): string {
    return DASHBOARD_SCRIPT;
  }

  @Get('dashboard.css')
  @Header('content-type', 'text/css; charset=utf-8')
  style(): string {
    return DASHBOARD_CSS;
  }

  /** ECharts from the installed package (the common build: line, bar, pie; SVG renderer); no CDN. */
  @Get('vendor/:file')
  vendor(@Param('file') file: string, @Res() response: Response): void {
    if (file !== ECHARTS_FILE) throw new NotFoundException();
    echartsScript ??= readFileSync(require.resolve('echarts/dist/echarts.common.min.js'));
    response.setHeader('content-type', 'text/javascript; charset=utf-8');
    response.setHeader('cache-control', 'public, max-age=31536000, immutable');
    response.send(echartsScript);
  }
}
