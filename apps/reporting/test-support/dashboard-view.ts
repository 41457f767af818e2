import type { Page } from 'playwright-core';

/** The sizes the dashboard is tested at: a laptop, and a phone held upright. */
export const DASHBOARD_SIZES = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
} as const;

/** What the dashboard shows, read off the page (strings evaluated there: no DOM types in Node code). */
export interface DashboardView {
  readonly url: string;
  readonly kpis: Record<string, { text: string; minor: string | null; detail: string }>;
  readonly series: string[][];
  readonly merchants: string[][];
  readonly conversion: string;
  readonly freshness: { text: string; sequence: string | null; lag: string | null };
  readonly reconciliation: { text: string; differences: string | null };
  /** The data each chart series draws, by chart and series id or name. */
  readonly charts: Record<string, Record<string, unknown[]>>;
  readonly categories: Record<string, unknown[]>;
}

export function readDashboard(page: Page): Promise<DashboardView> {
  return page.evaluate<DashboardView>(`(() => {
    const text = (element) => element.textContent.replace(/\\s+/g, ' ').trim();
    const kpis = {};
    for (const box of document.querySelectorAll('.kpi')) {
      const value = box.querySelector('.value');
      kpis[box.id.replace('kpi-', '')] = { text: value.textContent, minor: value.getAttribute('data-minor'),
        detail: text(box.querySelector('.detail')) };
    }
    const rows = (id) => [...document.querySelectorAll('#' + id + ' tbody tr')]
      .map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent));
    const charts = {};
    const categories = {};
    for (const element of document.querySelectorAll('.chart')) {
      const option = echarts.getInstanceByDom(element).getOption();
      charts[element.id] = Object.fromEntries(option.series.map((s) => [s.id || s.name, s.data]));
      const axis = [...option.xAxis, ...option.yAxis].find((a) => a.type === 'category');
      categories[element.id] = axis ? axis.data : [];
    }
    const freshness = document.getElementById('freshness');
    const reconciliation = document.getElementById('reconciliation');
    return {
      url: location.href,
      kpis,
      series: rows('series'),
      merchants: rows('merchants'),
      conversion: text(document.getElementById('conversion')),
      freshness: { text: text(freshness), sequence: freshness.getAttribute('data-sequence'),
        lag: freshness.getAttribute('data-lag') },
      reconciliation: { text: text(reconciliation), differences: reconciliation.getAttribute('data-differences') },
      charts,
      categories,
    };
  })()`);
}

/** Fills the filters the test names (others keep their value), submits, and waits for the new figures. */
export async function showDashboard(page: Page, filters: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(filters)) {
    const tag = await page.evaluate<string>(`document.getElementById(${JSON.stringify(name)}).tagName`);
    if (tag === 'SELECT') await page.selectOption(`#${name}`, value);
    else await page.fill(`#${name}`, value);
  }
  await page.evaluate(`document.body.removeAttribute('data-loaded')`);
  await page.click('#show');
  await page.waitForSelector('body[data-loaded]', { timeout: 30_000 });
  const failed = await page.getAttribute('body', 'data-loaded');
  if (failed === 'error') throw new Error(`the dashboard failed: ${await page.textContent('#message')}`);
}
