import { DEFAULT_RISK_TIMEOUT_POLICIES, riskTimeoutPolicyFor } from './risk-timeout-policy';

describe('risk timeout policy', () => {
  it('fails closed by default', () => {
    expect(riskTimeoutPolicyFor(DEFAULT_RISK_TIMEOUT_POLICIES, 'mer_Anybody0001')).toBe('closed');
  });

  it('applies a merchant override over the default, both ways', () => {
    const policies = { default: 'open' as const, merchants: { mer_Careful00001: 'closed' as const } };
    expect(riskTimeoutPolicyFor(policies, 'mer_Careful00001')).toBe('closed');
    expect(riskTimeoutPolicyFor(policies, 'mer_Anybody0001')).toBe('open');
  });
});
