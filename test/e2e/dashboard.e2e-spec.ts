import type { Browser, Page } from 'playwright-core';
import { launchChromium, overlappingTexts, screenshot, svgTextCount } from '@platform/testing';
import {
  DASHBOARD_SIZES,
  readDashboard,
  showDashboard,
} from '../../apps/reporting/test-support/dashboard-view';
import { onboardMerchant, readPlatform, request, waitFor } from './platform';

const platform = readPlatform();
const SUCCEEDING_CARD = '4242424242424242';
/** Minor units: two USD payments, one in a zero-decimal and one in a three-decimal currency. */
const PAYMENTS = [
  { currency: 'usd', amount: 10_000 },
  { currency: 'usd', amount: 2_550 },
  { currency: 'jpy', amount: 1_500 },
  { currency: 'kwd', amount: 12_345 },
] as const;

interface Overview {
  totals: { gross_amount: string; net_amount: string; fee_amount: string; count: number };
  currencies: { currency: string; count: number }[];
  freshness: { sequence: string; lag_messages: string | null } | null;
}

describe('the analysts dashboard on the running platform', () => {
  let merchant: Awaited<ReturnType<typeof onboardMerchant>>;
  let browser: Browser;
  const day = (offsetDays: number) =>
    new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
  // Yesterday to tomorrow in UTC: the payments are made now, whatever the hour.
  const range = { from: day(-1), to: day(1), time_zone: 'UTC', period: 'day' };

  const overview = (query: string) =>
    request<Overview>(
      `${platform.services.reporting}/v1/reports/overview?merchant=${merchant.id}&from=${range.from}&to=${range.to}&${query}`,
      { token: platform.analystToken },
    );

  /** The merchant's net per currency as the ledger holds it: what its pending account owes it. */
  async function ledgerNet(currency: string): Promise<string> {
    const account = `merchant_pending:${merchant.id}:${currency.toUpperCase()}`;
    const { body } = await request<{ balance_minor: string }>(
      `${platform.services.ledger}/v1/ledger/accounts/${account}/balance`,
      { token: platform.adminToken },
    );
    return (-BigInt(body.balance_minor)).toString();
  }

  beforeAll(async () => {
    merchant = await onboardMerchant('Dashboard E2E Merchant');
    for (const { currency, amount } of PAYMENTS) {
      const paid = await merchant.call<{ status: string }>('/v1/payments', {
        method: 'POST',
        body: {
          amount,
          currency,
          payment_method: {
            type: 'card',
            card: { number: SUCCEEDING_CARD, exp_month: 12, exp_year: 2035, cvc: '123' },
          },
        },
      });
      expect([currency, paid.status, paid.body.status]).toEqual([currency, 200, 'succeeded']);
    }
    await waitFor('the four captures to reach reporting', 60_000, async () => {
      const { body } = await overview('currency=usd');
      return body.currencies.reduce((sum, c) => sum + c.count, 0) === PAYMENTS.length;
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(size: keyof typeof DASHBOARD_SIZES): Promise<Page> {
    const context = await browser.newContext({ ...DASHBOARD_SIZES[size], bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${platform.services.reporting}/dashboard?merchant=${merchant.id}`);
    await page.fill('#token', platform.analystToken);
    await showDashboard(page, range);
    return page;
  }

  it.each(['desktop', 'phone'] as const)(
    "shows each currency's gross and net as the API has them and the ledger booked them (%s)",
    async (size) => {
      const page = await open(size);
      try {
        for (const [currency, gross, grossText] of [
          ['usd', '12550', '$125.50'],
          ['jpy', '1500', '¥1,500'],
          ['kwd', '12345', 'KWD\u00a012.345'],
        ] as const) {
          await showDashboard(page, { currency });
          const view = await readDashboard(page);
          const api = (await overview(`currency=${currency}&time_zone=UTC&period=day`)).body;
          expect([currency, view.kpis.gross?.minor, view.kpis.gross?.text]).toEqual([
            currency,
            gross,
            grossText,
          ]);
          expect(view.kpis.gross?.minor).toBe(api.totals.gross_amount);
          expect(view.kpis.net?.minor).toBe(api.totals.net_amount);
          expect(view.kpis.fees?.minor).toBe(api.totals.fee_amount);
          // The ledger owes the merchant exactly the net the page shows.
          expect([currency, view.kpis.net?.minor]).toEqual([currency, await ledgerNet(currency)]);
          expect(await svgTextCount(page, '.chart')).toBeGreaterThan(10);
          expect(await overlappingTexts(page, '.chart')).toEqual([]);
          await screenshot(page, 'dashboard-e2e', `${currency}-${size}`);
        }
        const view = await readDashboard(page);
        expect(Number(view.freshness.sequence)).toBeGreaterThanOrEqual(PAYMENTS.length);
      } finally {
        await page.context().close();
      }
    },
  );

  it('converts USD and JPY into one total with the rate table, naming KWD as left out', async () => {
    const page = await open('desktop');
    try {
      await showDashboard(page, { currency: '', reporting_currency: 'usd' });
      const view = await readDashboard(page);
      const api = (await overview('reporting_currency=usd&time_zone=UTC&period=day')).body;
      expect(view.kpis.gross?.minor).toBe(api.totals.gross_amount);
      // 1,500 JPY at the default table's 0.00661376 is 9.920 64 USD: 992 cents.
      expect(view.kpis.gross?.minor).toBe(String(12_550 + 992));
      expect(view.conversion).toMatch(
        /rate table 2026-11-25 \(JPY→USD 0\.00661376\)\. Left out, no rate: KWD\.$/,
      );
      await waitFor('a reconciliation after the payments', 30_000, async () => {
        await showDashboard(page, {});
        const { reconciliation } = await readDashboard(page);
        return reconciliation.differences === '0' ? reconciliation : undefined;
      });
      await screenshot(page, 'dashboard-e2e', 'all-in-usd-desktop');
    } finally {
      await page.context().close();
    }
  });
});
