import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DASHBOARD_HTML, DASHBOARD_SCRIPT } from './dashboard-page';

/** The analysts' dashboard: a static page whose script calls the report API with the analyst token. */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  // frame-ancestors: no other site may frame the page (clickjacking); X-Frame-Options DENY is set for every answer.
  @Header(
    'content-security-policy',
    "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
  )
  page(): string {
    return DASHBOARD_HTML;
  }

  @Get('dashboard.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  script(): string {
    return DASHBOARD_SCRIPT;
  }
}
