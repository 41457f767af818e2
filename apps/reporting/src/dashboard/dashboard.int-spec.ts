import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  TestNamespace,
  launchChromium,
  overlappingTexts,
  screenshot,
  startServiceWithDatabase,
  svgTextCount,
  waitFor,
  type ServiceWithDatabase,
} from '@platform/testing';
import { entryPosted, type EntrySpec } from '../../test-support/ledger-entries';
import {
  DASHBOARD_SIZES,
  readDashboard,
  showDashboard,
  type DashboardView,
} from '../../test-support/dashboard-view';

const PORT = 3500 + 80 + (process.pid % 9);
const BASE = `http://127.0.0.1:${PORT}`;
const ANALYST_TOKEN = `ana_${randomBytes(12).toString('hex')}`;
const A = 'mer_dashAAAA0001';
const B = 'mer_dashBBBB0002';
const NBSP = '\u00a0';

/**
 * A week of mixed traffic in three kinds of currency: USD (2 decimals), JPY (none), KWD (3), and
 * EUR; a refund and a dispute; and one USD capture the week before, for the comparison.
 */
const ENTRIES: Omit<EntrySpec, 'sequence'>[] = [
  { kind: 'capture', merchantId: A, grossMinor: 7_000n, feeMinor: 200n, occurredAt: '2026-10-28T12:00:00Z' },
  { kind: 'capture', merchantId: A, grossMinor: 10_000n, feeMinor: 320n, occurredAt: '2026-11-02T10:15:00Z' },
  {
    kind: 'capture',
    merchantId: A,
    grossMinor: 5_000n,
    feeMinor: 175n,
    method: 'wallet',
    occurredAt: '2026-11-03T23:30:00Z',
  },
  { kind: 'capture', merchantId: B, grossMinor: 2_500n, feeMinor: 100n, occurredAt: '2026-11-03T08:00:00Z' },
  { kind: 'refund', merchantId: A, grossMinor: 1_000n, occurredAt: '2026-11-04T09:00:00Z' },
  { kind: 'dispute_hold', merchantId: B, grossMinor: 2_500n, occurredAt: '2026-11-05T12:00:00Z' },
  {
    kind: 'capture',
    merchantId: B,
    currency: 'JPY',
    grossMinor: 15_000n,
    feeMinor: 450n,
    occurredAt: '2026-11-02T03:00:00Z',
  },
  {
    kind: 'capture',
    merchantId: B,
    currency: 'JPY',
    grossMinor: 3_000n,
    feeMinor: 90n,
    method: 'wallet',
    occurredAt: '2026-11-04T05:00:00Z',
  },
  {
    kind: 'capture',
    merchantId: A,
    currency: 'KWD',
    grossMinor: 1_234_567n,
    feeMinor: 12_346n,
    method: 'bank_transfer',
    occurredAt: '2026-11-03T12:00:00Z',
  },
  {
    kind: 'capture',
    merchantId: B,
    currency: 'EUR',
    grossMinor: 2_000n,
    feeMinor: 88n,
    occurredAt: '2026-11-06T16:00:00Z',
  },
];

const WEEK = { from: '2026-11-01', to: '2026-11-07', time_zone: 'UTC', period: 'day' };

interface Overview {
  currency: string;
  totals: Record<string, string | number | null>;
  series: Record<string, string | number | null>[];
  freshness: { sequence: string; lag_messages: string | null } | null;
  reconciliation: { sequence: string; difference_count: number } | null;
}

async function api<T>(
  query: string,
  accept = 'application/json',
): Promise<{ status: number; body: T; text: string }> {
  const response = await fetch(`${BASE}/v1/reports/overview?${query}`, {
    headers: { authorization: `Bearer ${ANALYST_TOKEN}`, accept },
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: (accept === 'application/json' ? JSON.parse(text) : text) as T,
  };
}

/**
 * Money as en-US writes it with the currency's ISO 4217 decimals, built here from the integer
 * without Intl, so the page's formatting is checked against a second way of writing it.
 */
function written(prefix: string, exponent: number): (minor: string) => string {
  return (minor) => {
    const value = BigInt(minor);
    const digits = (value < 0n ? -value : value).toString().padStart(exponent + 1, '0');
    const whole = digits.slice(0, digits.length - exponent).replace(/\B(?=(\d{3})+$)/g, ',');
    const fraction = exponent === 0 ? '' : `.${digits.slice(digits.length - exponent)}`;
    return `${value < 0n ? '-' : ''}${prefix}${whole}${fraction}`;
  };
}
const usdMinor = written('$', 2);
const jpyMinor = written('¥', 0);
const kwdMinor = written(`KWD${NBSP}`, 3);
/** Major-unit text as the test writes expectations: usd('175.00'). */
const usd = (text: string) => `$${text}`;
const jpy = (text: string) => `¥${text}`;
const kwd = (text: string) => `KWD${NBSP}${text}`;

describe('the analysts dashboard in Chromium', () => {
  let bus: TestNamespace | undefined;
  let reporting: ServiceWithDatabase | undefined;
  let browser: Browser;

  beforeAll(async () => {
    bus = await TestNamespace.create({ name: 'dash-page', read: [] });
    reporting = await startServiceWithDatabase({
      databasePrefix: 'itest_dash_page',
      name: 'reporting',
      main: join(__dirname, '..', '..', 'dist', 'main.js'),
      port: PORT,
      env: {
        HOST: '127.0.0.1',
        ...bus.serviceEnv,
        ADMIN_TOKEN: `adm_${randomBytes(12).toString('hex')}`,
        ANALYST_TOKEN,
        RECONCILIATION_INTERVAL_SECONDS: '1',
        LOG_LEVEL: 'warn',
        OTEL_TRACES_EXPORTER: 'none',
      },
    });
    let sequence = 0;
    for (const spec of ENTRIES) await bus.publish(entryPosted({ ...spec, sequence: (sequence += 1) }));
    // Fresh means: every entry applied, committed in Kafka, and reconciled at that sequence.
    await waitFor('every seeded entry to be applied, committed and reconciled', 60_000, async () => {
      const { body } = await api<Overview>('currency=usd');
      return (
        body.freshness?.sequence === String(ENTRIES.length) &&
        body.freshness.lag_messages === '0' &&
        body.reconciliation?.sequence === String(ENTRIES.length)
      );
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await reporting?.stop();
    await bus?.close();
  });

  /** A page of its own at a size, recording every address it loads; the token is typed in once. */
  async function openDashboard(
    size: keyof typeof DASHBOARD_SIZES,
    query = '',
  ): Promise<{
    context: BrowserContext;
    page: Page;
    requested: string[];
  }> {
    // The page forbids eval by CSP; the test's own probes need it.
    const context = await browser.newContext({
      ...DASHBOARD_SIZES[size],
      bypassCSP: true,
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`${BASE}/dashboard${query}`);
    await page.fill('#token', ANALYST_TOKEN);
    return { context, page, requested };
  }

  /** What every view must hold to: axis labels apart, no sideways scrolling, a picture for a person. */
  async function checkLayout(page: Page, name: string): Promise<void> {
    expect(await svgTextCount(page, '.chart')).toBeGreaterThan(10);
    expect(await overlappingTexts(page, '.chart')).toEqual([]);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'dashboard', name);
  }

  function expectSameAsApi(view: DashboardView, overview: Overview, money: (minor: string) => string): void {
    const totals = overview.totals;
    for (const [kpi, field] of [
      ['gross', 'gross_amount'],
      ['net', 'net_amount'],
      ['fees', 'fee_amount'],
      ['refunds', 'refunded_amount'],
      ['disputes', 'disputed_amount'],
    ] as const) {
      expect([kpi, view.kpis[kpi]?.minor, view.kpis[kpi]?.text]).toEqual([
        kpi,
        totals[field],
        money(String(totals[field])),
      ]);
    }
    expect(view.series).toEqual(
      overview.series.map((b) => [
        String(b.period_start),
        money(String(b.gross_amount)),
        money(String(b.fee_amount)),
        money(String(b.refunded_amount)),
        money(String(b.net_amount)),
        money(String(b.disputed_amount)),
        String(b.count),
      ]),
    );
  }

  it.each(['desktop', 'phone'] as const)(
    'shows one currency in major units, as the API and the seeded entries have it (%s)',
    async (size) => {
      const { context, page, requested } = await openDashboard(size);
      try {
        await showDashboard(page, { ...WEEK, currency: '' });
        await showDashboard(page, { currency: 'usd' });
        const view = await readDashboard(page);
        const { body } = await api<Overview>(new URL(view.url).search.slice(1));
        expectSameAsApi(view, body, usdMinor);
        // The seeded week by hand: 100.00 + 50.00 + 25.00 captured, 3.20 + 1.75 + 1.00 fees, 10.00 refunded.
        expect(Object.fromEntries(Object.entries(view.kpis).map(([k, v]) => [k, v.text]))).toEqual({
          gross: usd('175.00'),
          net: usd('159.05'),
          fees: usd('5.95'),
          refunds: usd('10.00'),
          disputes: usd('25.00'),
          count: '3',
        });
        expect(view.kpis.gross?.detail).toBe('+150.00% vs previous');
        expect(view.kpis.fees?.detail).toBe('3.40% of gross');
        expect(view.kpis.disputes?.detail).toBe('1 dispute, 33.33% of payments');
        expect(view.kpis.refunds?.detail).toBe('1 refund, 5.71% of gross');
        // Every day of the week is a bucket, the empty ones at zero; the chart draws the API's figures.
        expect(view.categories['volume-chart']).toEqual([
          'Nov 1',
          'Nov 2',
          'Nov 3',
          'Nov 4',
          'Nov 5',
          'Nov 6',
          'Nov 7',
        ]);
        expect(view.charts['volume-chart']?.gross_amount).toEqual([0, 100, 75, 0, 0, 0, 0]);
        expect(view.charts['volume-chart']?.net_amount).toEqual([0, 96.8, 72.25, -10, 0, 0, 0]);
        expect(view.charts['losses-chart']?.disputed_amount).toEqual([0, 0, 0, 0, 25, 0, 0]);
        expect(view.merchants.map((row) => row.slice(0, 4))).toEqual([
          [A, usd('150.00'), usd('135.05'), '2'], // 150.00 - 4.95 fees - 10.00 refunded
          [B, usd('25.00'), usd('24.00'), '1'],
        ]);
        expect(view.categories['currency-chart']).toEqual(['USD', 'JPY', 'EUR', 'KWD']);
        expect(view.conversion).toContain('Amounts in USD only');
        expect(view.freshness).toMatchObject({ sequence: String(ENTRIES.length), lag: '0' });
        expect(view.reconciliation).toMatchObject({
          differences: '0',
          text: `Reconciled with the ledger at sequence ${ENTRIES.length}`,
        });
        // Filters live in the URL: a reload (or a shared link) shows the same view.
        expect(new URL(view.url).searchParams.toString()).toBe(
          'currency=usd&period=day&from=2026-11-01&to=2026-11-07&time_zone=UTC',
        );
        await page.reload();
        await page.waitForSelector('body[data-loaded]', { timeout: 30_000 });
        expect((await readDashboard(page)).kpis).toEqual(view.kpis);
        await checkLayout(page, `usd-week-${size}`);
        expect(requested.filter((url) => !url.startsWith(`${BASE}/`))).toEqual([]);
        expect(requested).toContainEqual(
          expect.stringMatching(/\/dashboard\/vendor\/echarts-[\d.]+\.min\.js$/),
        );
      } finally {
        await context.close();
      }
    },
  );

  it('writes zero-decimal and three-decimal currencies with their own decimals', async () => {
    const { context, page } = await openDashboard('desktop', '?currency=jpy&from=2026-11-01&to=2026-11-07');
    try {
      await showDashboard(page, {});
      const yen = await readDashboard(page);
      expect([yen.kpis.gross?.text, yen.kpis.fees?.text, yen.kpis.net?.text]).toEqual([
        jpy('18,000'),
        jpy('540'),
        jpy('17,460'),
      ]);
      expectSameAsApi(yen, (await api<Overview>(new URL(yen.url).search.slice(1))).body, jpyMinor);
      expect(yen.charts['volume-chart']?.gross_amount).toEqual([0, 15_000, 0, 3_000, 0, 0, 0]);
      await checkLayout(page, 'jpy-week-desktop');

      await showDashboard(page, { currency: 'kwd' });
      const dinar = await readDashboard(page);
      expect([dinar.kpis.gross?.text, dinar.kpis.fees?.text, dinar.kpis.net?.text]).toEqual([
        kwd('1,234.567'),
        kwd('12.346'),
        kwd('1,222.221'),
      ]);
      expectSameAsApi(dinar, (await api<Overview>(new URL(dinar.url).search.slice(1))).body, kwdMinor);
      expect(dinar.charts['volume-chart']?.gross_amount).toEqual([0, 0, 1234.567, 0, 0, 0, 0]);
      await checkLayout(page, 'kwd-week-desktop');
    } finally {
      await context.close();
    }
  });

  it.each(['desktop', 'phone'] as const)(
    'converts every currency into the reporting currency with the rate table it names (%s)',
    async (size) => {
      const { context, page } = await openDashboard(size, '?from=2026-11-01&to=2026-11-07');
      try {
        // The currencies to convert into come with the first answer.
        await showDashboard(page, {});
        await showDashboard(page, { reporting_currency: 'usd' });
        const view = await readDashboard(page);
        // Per day and currency, rounded half away from zero: 15 000 JPY × 0.00661376 = 9 920.64 cents → 9 921;
        // 3 000 JPY → 1 984.128 → 1 984; 20.00 EUR × 1.0842 = 2 168.4 → 2 168. KWD has no rate.
        expect(view.kpis.gross).toMatchObject({
          minor: String(17_500 + 9_921 + 1_984 + 2_168),
          text: usd('315.73'),
        });
        // Fees: 450 JPY → 297.6192 → 298; 90 JPY → 59.52384 → 60; 0.88 EUR → 95.4096 → 95.
        expect(view.kpis.fees?.minor).toBe(String(595 + 298 + 60 + 95));
        expect(view.kpis.net?.text).toBe(usd('295.25'));
        expect(view.conversion).toBe(
          'All currencies converted to USD with rate table 2026-11-25 (EUR→USD 1.0842, JPY→USD 0.00661376). Left out, no rate: KWD.',
        );
        expectSameAsApi(view, (await api<Overview>(new URL(view.url).search.slice(1))).body, usdMinor);
        await checkLayout(page, `all-in-usd-week-${size}`);
      } finally {
        await context.close();
      }
    },
  );

  it('buckets by hour in the time zone asked for, and by month, with every label apart', async () => {
    const { context, page } = await openDashboard(
      'desktop',
      '?currency=usd&period=hour&from=2026-11-03&to=2026-11-03&time_zone=Asia%2FTokyo',
    );
    try {
      await showDashboard(page, {});
      const hours = await readDashboard(page);
      expect(hours.series).toHaveLength(24);
      // 08:00 UTC is 17:00 in Tokyo; the 23:30 UTC capture of the 3rd is already the 4th there.
      expect(hours.series.filter((row) => row[1] !== usd('0.00'))).toEqual([
        ['2026-11-03T17:00', usd('25.00'), usd('1.00'), usd('0.00'), usd('24.00'), usd('0.00'), '1'],
      ]);
      expect(hours.categories['volume-chart']?.[17]).toBe('Nov 3 17:00');
      await checkLayout(page, 'usd-hours-tokyo-desktop');

      await showDashboard(page, { period: 'month', from: '2026-10-01', to: '2026-12-31', time_zone: 'UTC' });
      const months = await readDashboard(page);
      expect(months.series.map((row) => row.slice(0, 2))).toEqual([
        ['2026-10-01', usd('70.00')],
        ['2026-11-01', usd('175.00')],
        ['2026-12-01', usd('0.00')],
      ]);
      await checkLayout(page, 'usd-months-desktop');
    } finally {
      await context.close();
    }
  });

  it('downloads as CSV what the page shows, in major units', async () => {
    const { context, page } = await openDashboard('desktop', '?currency=kwd&from=2026-11-01&to=2026-11-07');
    try {
      await showDashboard(page, {});
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      const saved = await download.path();
      const csv = fs.readFileSync(saved, 'utf8');
      expect(download.suggestedFilename()).toBe('overview-kwd-day-2026-11-01-2026-11-07.csv');
      const { text } = await api<string>(new URL(page.url()).search.slice(1), 'text/csv');
      expect(csv).toBe(text);
      const lines = csv.trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'period_start,currency,gross,fees,refunded,net,disputed,count,refund_count,dispute_count,fee_rate,refund_rate,dispute_rate',
      );
      expect(lines).toHaveLength(1 + 7);
      expect(lines[3]).toBe('2026-11-03,kwd,1234.567,12.346,0.000,1222.221,0.000,1,0,0,0.0100,0.0000,0.0000');
    } finally {
      await context.close();
    }
  });

  it('refuses a view it cannot draw with the error shape', async () => {
    const both = await api<{ error: { param: string; type: string } }>('currency=usd&reporting_currency=eur');
    expect([both.status, both.body.error.param]).toEqual([400, 'reporting_currency']);
    const tooMany = await api<{ error: { param: string } }>('period=hour&from=2025-01-01&to=2026-01-01');
    expect([tooMany.status, tooMany.body.error.param]).toEqual([400, 'period']);
    const badZone = await api<{ error: { param: string } }>('time_zone=Mars%2FBase');
    expect([badZone.status, badZone.body.error.param]).toEqual([400, 'time_zone']);
    const noToken = await fetch(`${BASE}/v1/reports/overview`);
    expect(noToken.status).toBe(401);
  });
});
