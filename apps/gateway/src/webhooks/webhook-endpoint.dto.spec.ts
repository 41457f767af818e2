import 'reflect-metadata';
import type { HttpException } from '@nestjs/common';
import { createValidationPipe } from '@platform/service-runtime';
import { CreateWebhookEndpointDto } from './webhook-endpoint.dto';

const URL = 'https://hooks.example.com/platform';

/** Runs the body through the gateway's global pipe; the error body a client would get, or null. */
async function refusal(body: object): Promise<{ status: number; body: unknown } | null> {
  try {
    await createValidationPipe().transform(body, { type: 'body', metatype: CreateWebhookEndpointDto });
    return null;
  } catch (error) {
    const http = error as HttpException;
    return { status: http.getStatus(), body: http.getResponse() };
  }
}

describe('CreateWebhookEndpointDto', () => {
  it('accepts event types the gateway delivers, and *', async () => {
    expect(await refusal({ url: URL })).toBeNull();
    expect(await refusal({ url: URL, enabled_events: ['*'] })).toBeNull();
    expect(
      await refusal({ url: URL, enabled_events: ['payment.captured', 'refund.failed', 'dispute.updated'] }),
    ).toBeNull();
  });

  it.each([['no.such.event'], ['payment.capture'], ['payment.command_rejected'], ['PAYMENT.CAPTURED']])(
    'refuses %s with a 400 naming enabled_events',
    async (type) => {
      const answer = await refusal({ url: URL, enabled_events: ['payment.captured', type] });
      expect(answer?.status).toBe(400);
      expect(answer?.body).toEqual({
        error: {
          type: 'invalid_request_error',
          code: 'parameter_invalid',
          message: expect.stringContaining('payment.captured') as unknown as string,
          param: 'enabled_events',
        },
      });
      expect((answer?.body as { error: { message: string } }).error.message).toMatch(
        /^Invalid enabled_events: /,
      );
    },
  );
});
