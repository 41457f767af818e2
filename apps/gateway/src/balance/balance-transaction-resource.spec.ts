import type { BalanceTransactionEntity } from './balance-transaction.entity';
import { reconciliationCsv, toBalanceTransactionResource } from './balance-transaction-resource';

const row = (id: string, overrides: Partial<BalanceTransactionEntity> = {}): BalanceTransactionEntity => ({
  id,
  merchantId: 'mer_A1234567',
  currency: 'USD',
  type: 'charge',
  status: 'available',
  amountMinor: '10000',
  feeMinor: '320',
  netMinor: '9680',
  exchangeRate: null,
  source: 'pay_12345678',
  description: 'Payment pay_12345678',
  payoutId: 'po_12345678',
  ledgerEntryId: null,
  ledgerSequence: '1',
  ordinal: 0,
  createdAt: new Date('2026-12-01T00:00:00Z'),
  availableOn: new Date('2026-12-02T00:00:00Z'),
  ...overrides,
});

describe('balance transaction resources', () => {
  it('shows minor units, the fee as a fee detail, and times in unix seconds', () => {
    expect(toBalanceTransactionResource(row('txn_1'))).toMatchObject({
      object: 'balance_transaction',
      amount: 10000,
      fee: 320,
      net: 9680,
      currency: 'usd',
      fee_details: [{ amount: 320, currency: 'usd', type: 'platform_fee' }],
      available_on: 1796169600,
      created: 1796083200,
      payout: 'po_12345678',
    });
    expect(
      toBalanceTransactionResource(row('txn_2', { feeMinor: '0', netMinor: '10000' })).fee_details,
    ).toEqual([]);
  });

  it('writes a payout report whose totals line nets to the payout, with hostile text neutralised', () => {
    const csv = reconciliationCsv([
      row('txn_1'),
      row('txn_2', {
        type: 'carryover',
        amountMinor: '-4680',
        feeMinor: '0',
        netMinor: '-4680',
        source: '=HYPERLINK("x"),1',
      }),
    ]);
    expect(csv.split('\r\n')).toEqual([
      'id,type,source,created,currency,amount,fee,net',
      'txn_1,charge,pay_12345678,2026-12-01T00:00:00.000Z,usd,10000,320,9680',
      `txn_2,carryover,"'=HYPERLINK(""x""),1",2026-12-01T00:00:00.000Z,usd,-4680,0,-4680`,
      'total,,,,usd,5320,320,5000',
      '',
    ]);
  });
});
