import { randomBytes } from 'node:crypto';
import { VaultKeyRing } from '../domain/card-vault-crypto';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WebhookSecrets } from './webhook-secrets.service';

const secrets = new WebhookSecrets(new VaultKeyRing([{ id: 'k1', key: randomBytes(32) }], 'k1'));
const ID = 'we_0123456789abcdefghijklmn';

function endpoint(previousExpiresAt: Date | null): WebhookEndpointEntity {
  const current = secrets.seal(ID, 'whsec_new');
  const previous = secrets.seal(ID, 'whsec_old');
  return Object.assign(new WebhookEndpointEntity(), {
    id: ID,
    ...current,
    previousSecretKeyId: previousExpiresAt === null ? null : previous.secretKeyId,
    previousSecretIv: previousExpiresAt === null ? null : previous.secretIv,
    previousSecretCiphertext: previousExpiresAt === null ? null : previous.secretCiphertext,
    previousSecretAuthTag: previousExpiresAt === null ? null : previous.secretAuthTag,
    previousSecretExpiresAt: previousExpiresAt,
  });
}

describe('WebhookSecrets.openSigning', () => {
  const now = new Date('2026-11-25T20:00:00Z');

  it('signs with the current secret only when nothing was rotated', () => {
    expect(secrets.openSigning(endpoint(null), now)).toEqual(['whsec_new']);
  });

  it('adds the previous secret, after the current one, until the overlap ends', () => {
    expect(secrets.openSigning(endpoint(new Date('2026-11-26T20:00:00Z')), now)).toEqual([
      'whsec_new',
      'whsec_old',
    ]);
    expect(secrets.openSigning(endpoint(now), now)).toEqual(['whsec_new']);
  });

  it('refuses a secret sealed for another endpoint (the endpoint id is bound in)', () => {
    const moved = Object.assign(endpoint(null), { id: 'we_another0000000000000000' });
    expect(() => secrets.openSigning(moved, now)).toThrow();
  });
});
