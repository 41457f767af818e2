import { nextActionResource, storedNextAction } from './next-action';

describe('next_action as the API shows it', () => {
  const expiresAt = '2026-11-25T21:00:00.000Z';
  const expiresAtSeconds = 1_795_640_400;

  it('shows a 3-D Secure challenge as use_3d_secure', () => {
    const stored = storedNextAction({ type: 'three_d_secure', challengeId: '3ds_abc' }, expiresAt);
    expect(nextActionResource(stored, 2_500, 'USD')).toEqual({
      type: 'use_3d_secure',
      use_3d_secure: { challenge_id: '3ds_abc', expires_at: expiresAtSeconds },
    });
  });

  it('shows a wallet QR code as display_qr_code with its payload as data', () => {
    const stored = storedNextAction({ type: 'qr_code', qrPayload: 'alipay://pay?n=1' }, expiresAt);
    expect(nextActionResource(stored, 2_500, 'CNY')).toEqual({
      type: 'display_qr_code',
      display_qr_code: { data: 'alipay://pay?n=1', expires_at: expiresAtSeconds },
    });
  });

  it('shows a bank transfer as instructions: the reference, the amount still due, the expiry', () => {
    const stored = storedNextAction({ type: 'bank_transfer', virtualAccountReference: 'VA-123' }, expiresAt);
    expect(nextActionResource(stored, 4_200, 'EUR')).toEqual({
      type: 'display_bank_transfer_instructions',
      display_bank_transfer_instructions: {
        reference: 'VA-123',
        amount_remaining: 4_200,
        currency: 'eur',
        expires_at: expiresAtSeconds,
      },
    });
  });
});
