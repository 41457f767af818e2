import { idempotencyKeys, type AuthorizationRequest } from './processor-connector';
import { ProcessorRegistry } from './processor-registry';
import { SimulatedProcessor } from './simulated-processor';

function request(cardNumber: string, overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest {
  return {
    idempotencyKey: idempotencyKeys.authorization('pay_AbCdEfGhIjKlMnOpQrStUvWx', 1),
    amountMinor: 10_000n,
    currency: 'USD',
    paymentMethod: { type: 'card', bin: cardNumber.slice(0, 6), last4: cardNumber.slice(-4), brand: 'visa' },
    ...overrides,
  };
}

describe('SimulatedProcessor', () => {
  it('authorizes 4242 4242 4242 4242 with a reference derived from the key', async () => {
    const processor = new SimulatedProcessor();
    const result = await processor.authorize(request('4242424242424242'));
    expect(result).toEqual({
      outcome: 'authorized',
      processorReference: processor.referenceFor('pay_AbCdEfGhIjKlMnOpQrStUvWx:auth:1'),
    });
    expect(result.outcome === 'authorized' && result.processorReference).toMatch(
      /^simulated_a_[0-9a-f]{24}$/,
    );
  });

  it.each([
    ['4000000000000002', 'card_declined'],
    ['4000000000009995', 'insufficient_funds'],
  ] as const)('declines %s with %s', async (card, declineCode) => {
    const result = await new SimulatedProcessor().authorize(request(card));
    expect(result).toMatchObject({ outcome: 'declined', declineCode });
  });

  it('answers 4000 0000 0000 0119 with a processor error', async () => {
    const result = await new SimulatedProcessor().authorize(request('4000000000000119'));
    expect(result.outcome).toBe('error');
  });

  it('authorizes a card that is not a test card', async () => {
    const result = await new SimulatedProcessor().authorize(request('5555555555554444'));
    expect(result.outcome).toBe('authorized');
  });

  it('gives the same answer to the same key, in this process and in a fresh one', async () => {
    const processor = new SimulatedProcessor();
    const first = await processor.authorize(request('4242424242424242'));
    const again = await processor.authorize(request('4242424242424242'));
    const afterRestart = await new SimulatedProcessor().authorize(request('4242424242424242'));
    expect(again).toEqual(first);
    expect(afterRestart).toEqual(first);
  });

  it('gives different keys different references', async () => {
    const processor = new SimulatedProcessor();
    const one = await processor.authorize(request('4242424242424242'));
    const two = await processor.authorize(
      request('4242424242424242', { idempotencyKey: 'pay_Other00000000:auth:1' }),
    );
    expect(one).not.toEqual(two);
  });

  it('refuses a key reused with other parameters', async () => {
    const processor = new SimulatedProcessor();
    await processor.authorize(request('4242424242424242'));
    const reused = await processor.authorize(request('4242424242424242', { amountMinor: 1n }));
    expect(reused).toMatchObject({ outcome: 'error', message: expect.stringContaining('other parameters') });
  });

  it('forgets the oldest keys past its limit and still answers the same', async () => {
    const processor = new SimulatedProcessor('simulated-a', 2);
    const first = await processor.authorize(request('4242424242424242', { idempotencyKey: 'k1' }));
    await processor.authorize(request('4242424242424242', { idempotencyKey: 'k2' }));
    await processor.authorize(request('4242424242424242', { idempotencyKey: 'k3' }));
    // k1 was forgotten: a reuse with other parameters is no longer detected, but the answer is unchanged.
    expect(await processor.authorize(request('4242424242424242', { idempotencyKey: 'k1' }))).toEqual(first);
  });

  describe('capture', () => {
    async function authorized(processor: SimulatedProcessor): Promise<string> {
      const result = await processor.authorize(request('4242424242424242'));
      if (result.outcome !== 'authorized') throw new Error('not authorized');
      return result.processorReference;
    }

    it('captures up to the authorized amount, idempotently', async () => {
      const processor = new SimulatedProcessor();
      const processorReference = await authorized(processor);
      const capture = {
        idempotencyKey: 'pay_x:capture:1',
        processorReference,
        amountMinor: 10_000n,
        currency: 'USD',
      };
      const first = await processor.capture(capture);
      expect(first.outcome).toBe('captured');
      expect(await processor.capture(capture)).toEqual(first);
    });

    it('refuses more than the authorized amount or another currency', async () => {
      const processor = new SimulatedProcessor();
      const processorReference = await authorized(processor);
      const more = await processor.capture({
        idempotencyKey: 'c1',
        processorReference,
        amountMinor: 10_001n,
        currency: 'USD',
      });
      const otherCurrency = await processor.capture({
        idempotencyKey: 'c2',
        processorReference,
        amountMinor: 10_000n,
        currency: 'EUR',
      });
      expect(more.outcome).toBe('error');
      expect(otherCurrency.outcome).toBe('error');
    });

    it('refuses a reference it never issued', async () => {
      const result = await new SimulatedProcessor().capture({
        idempotencyKey: 'c1',
        processorReference: 'other_123',
        amountMinor: 1n,
        currency: 'USD',
      });
      expect(result.outcome).toBe('error');
    });
  });
});

describe('SimulatedProcessor, the rest of the lifecycle', () => {
  it('asks 4000 0000 0000 3220 for 3-D Secure, and authorizes it once authenticated', async () => {
    const processor = new SimulatedProcessor();
    const first = await processor.authorize(request('4000000000003220'));
    expect(first).toMatchObject({
      outcome: 'requires_action',
      action: { type: 'three_d_secure', challengeId: expect.stringMatching(/^3ds_/) as unknown },
    });
    const challengeId =
      first.outcome === 'requires_action' && first.action.type === 'three_d_secure'
        ? first.action.challengeId
        : '';
    const authenticated = await processor.authorize(
      request('4000000000003220', {
        idempotencyKey: 'pay_x:auth:3ds',
        completedActionId: challengeId,
      }),
    );
    expect(authenticated.outcome).toBe('authorized');
  });

  it('soft-declines a card that needs 3-D Secure when the payment is off-session', async () => {
    const processor = new SimulatedProcessor();
    for (const card of ['4000000000003220', '4000002760003184']) {
      const offSession = { offSession: true, idempotencyKey: `pay_off${card}:auth:1` };
      expect(await processor.authorize(request(card, offSession))).toEqual({
        outcome: 'declined',
        declineCode: 'authentication_required',
        message: expect.stringContaining('authentication') as unknown,
      });
      // The same card on-session is asked for 3-D Secure instead (another key: another attempt).
      const onSession = await processor.authorize(request(card, { idempotencyKey: `pay_on${card}:auth:1` }));
      expect(onSession.outcome).toBe('requires_action');
    }
    // A card that needs nothing is authorized off-session as well.
    expect((await processor.authorize(request('4242424242424242', { offSession: true }))).outcome).toBe(
      'authorized',
    );
  });

  it('declines every charge of 4000 0000 0000 0341, the card that saves fine', async () => {
    const processor = new SimulatedProcessor();
    for (const offSession of [false, true]) {
      expect(
        await processor.authorize(
          request('4000000000000341', { offSession, idempotencyKey: `pay_0341_${offSession}:auth:1` }),
        ),
      ).toMatchObject({ outcome: 'declined', declineCode: 'card_declined' });
    }
  });

  it('marks its processor errors retryable for 0119 and for the configured failure rate', async () => {
    expect(await new SimulatedProcessor().authorize(request('4000000000000119'))).toMatchObject({
      outcome: 'error',
      code: 'processor_error',
      retryable: true,
    });
    const flaky = new SimulatedProcessor('simulated-a', { failureRate: 0.5, random: () => 0.4 });
    expect(await flaky.authorize(request('4242424242424242'))).toMatchObject({
      outcome: 'error',
      retryable: true,
    });
    const lucky = new SimulatedProcessor('simulated-a', { failureRate: 0.5, random: () => 0.6 });
    expect((await lucky.authorize(request('4242424242424242'))).outcome).toBe('authorized');
  });

  it('voids an authorization found by the key that made it, and then refuses to capture it', async () => {
    const processor = new SimulatedProcessor();
    const made = await processor.authorize(request('4242424242424242'));
    const voided = await processor.void({
      idempotencyKey: 'v1',
      target: { authorizationIdempotencyKey: request('4242424242424242').idempotencyKey },
    });
    expect(voided).toEqual({ outcome: 'voided' });
    expect(
      await processor.void({ idempotencyKey: 'v2', target: { authorizationIdempotencyKey: 'never-used' } }),
    ).toEqual({
      outcome: 'nothing_to_void',
    });
    const reference = made.outcome === 'authorized' ? made.processorReference : '';
    const capture = await processor.capture({
      idempotencyKey: 'c1',
      processorReference: reference,
      amountMinor: 1n,
      currency: 'USD',
    });
    expect(capture.outcome).toBe('error');
    expect(processor.chargesFor('pay_AbCdEfGhIjKlMnOpQrStUvWx')).toMatchObject([{ status: 'voided' }]);
  });

  it('refunds up to what was captured, over several refunds', async () => {
    const processor = new SimulatedProcessor();
    const made = await processor.authorize(request('4242424242424242'));
    const processorReference = made.outcome === 'authorized' ? made.processorReference : '';
    await processor.capture({
      idempotencyKey: 'c1',
      processorReference,
      amountMinor: 6_000n,
      currency: 'USD',
    });
    const refund = (key: string, amountMinor: bigint) =>
      processor.refund({ idempotencyKey: key, processorReference, amountMinor, currency: 'USD' });
    expect((await refund('r1', 4_000n)).outcome).toBe('refunded');
    expect((await refund('r1', 4_000n)).outcome).toBe('refunded');
    expect((await refund('r2', 2_001n)).outcome).toBe('error');
    expect((await refund('r3', 2_000n)).outcome).toBe('refunded');
    expect(processor.chargesFor('pay_AbCdEfGhIjKlMnOpQrStUvWx')).toMatchObject([
      { capturedMinor: 6_000n, refundedMinor: 6_000n },
    ]);
  });

  it('records an authorization of a hang amount before answering it late', async () => {
    const processor = new SimulatedProcessor('simulated-a', { hangAmountsMinor: [408n], hangMs: 50 });
    const answer = processor.authorize(request('4242424242424242', { amountMinor: 408n }));
    await Promise.resolve();
    expect(processor.chargesFor('pay_AbCdEfGhIjKlMnOpQrStUvWx')).toHaveLength(1);
    expect((await answer).outcome).toBe('authorized');
  });
});

describe('ProcessorRegistry', () => {
  it('routes to the default processor and finds connectors by name', () => {
    const a = new SimulatedProcessor('simulated-a');
    const b = new SimulatedProcessor('simulated-b');
    const registry = new ProcessorRegistry([a, b]);
    expect(registry.route()).toBe(a);
    expect(registry.byName('simulated-b')).toBe(b);
    expect(() => registry.byName('nope')).toThrow('unknown processor');
  });

  it('refuses duplicate names and a missing default', () => {
    expect(
      () => new ProcessorRegistry([new SimulatedProcessor('simulated-a'), new SimulatedProcessor()]),
    ).toThrow();
    expect(() => new ProcessorRegistry([new SimulatedProcessor('simulated-b')])).toThrow();
  });
});

describe('SimulatedProcessor, bank transfers and wallets', () => {
  const transfer = (overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
    ...request('4242424242424242'),
    paymentMethod: { type: 'bank_transfer', country: 'DE' },
    ...overrides,
  });

  it('asks a bank transfer to pay a virtual account, the same one for the same key', async () => {
    const processor = new SimulatedProcessor();
    const first = await processor.authorize(transfer());
    expect(first).toEqual({
      outcome: 'requires_action',
      action: {
        type: 'bank_transfer',
        virtualAccountReference: expect.stringMatching(/^VA[0-9A-F]{20}$/) as unknown,
      },
    });
    expect(await new SimulatedProcessor().authorize(transfer())).toEqual(first);
    expect(processor.chargesFor('pay_AbCdEfGhIjKlMnOpQrStUvWx')).toEqual([]);
  });

  it('asks a wallet to approve a QR code naming its provider', async () => {
    const processor = new SimulatedProcessor();
    const result = await processor.authorize(
      transfer({ paymentMethod: { type: 'wallet', provider: 'wechat_pay' } }),
    );
    expect(result).toMatchObject({
      outcome: 'requires_action',
      action: {
        type: 'qr_code',
        qrPayload: expect.stringMatching(
          /^https:\/\/qr\.simulated-a\.example\/wechat_pay\/pay\?nonce=/,
        ) as unknown,
      },
    });
  });

  it('authorizes once the customer acted, and captures the charge', async () => {
    const processor = new SimulatedProcessor();
    const funded = await processor.authorize(
      transfer({
        idempotencyKey: 'pay_AbCdEfGhIjKlMnOpQrStUvWx:auth:bank_transfer',
        completedActionId: 'VA0123',
      }),
    );
    if (funded.outcome !== 'authorized') throw new Error(`expected authorized, got ${funded.outcome}`);
    const captured = await processor.capture({
      idempotencyKey: 'pay_AbCdEfGhIjKlMnOpQrStUvWx:capture:1',
      processorReference: funded.processorReference,
      amountMinor: 10_000n,
      currency: 'USD',
    });
    expect(captured.outcome).toBe('captured');
    expect(processor.chargesFor('pay_AbCdEfGhIjKlMnOpQrStUvWx')).toEqual([
      expect.objectContaining({ capturedMinor: 10_000n, disputed: false }),
    ]);
  });
});
