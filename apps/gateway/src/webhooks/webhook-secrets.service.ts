import { Inject, Injectable } from '@nestjs/common';
import type { VaultKeyRing } from '../domain/card-vault-crypto';
import { VAULT_KEY_RING } from '../vault/card-vault.service';
import type { WebhookEndpointEntity } from './webhook-endpoint.entity';

type SealedSecret = Pick<
  WebhookEndpointEntity,
  'secretKeyId' | 'secretIv' | 'secretCiphertext' | 'secretAuthTag'
>;

/** Signing secrets are sealed like card numbers (bound to their endpoint id), never stored in clear. */
@Injectable()
export class WebhookSecrets {
  constructor(@Inject(VAULT_KEY_RING) private readonly keyRing: VaultKeyRing) {}

  seal(endpointId: string, secret: string): SealedSecret {
    const sealed = this.keyRing.seal(secret, `webhook:${endpointId}`);
    return {
      secretKeyId: sealed.keyId,
      secretIv: sealed.iv,
      secretCiphertext: sealed.ciphertext,
      secretAuthTag: sealed.authTag,
    };
  }

  /** The secrets a delivery is signed with now: the current one, and the previous one until it expires. */
  openSigning(endpoint: WebhookEndpointEntity, now: Date): string[] {
    const current = this.open(endpoint);
    const {
      previousSecretKeyId: keyId,
      previousSecretIv: iv,
      previousSecretCiphertext: ciphertext,
      previousSecretAuthTag: authTag,
      previousSecretExpiresAt: expiresAt,
    } = endpoint;
    if (keyId === null || iv === null || ciphertext === null || authTag === null || expiresAt === null) {
      return [current];
    }
    if (expiresAt.getTime() <= now.getTime()) return [current];
    return [current, this.keyRing.open({ keyId, iv, ciphertext, authTag }, `webhook:${endpoint.id}`)];
  }

  open(endpoint: WebhookEndpointEntity): string {
    return this.keyRing.open(
      {
        keyId: endpoint.secretKeyId,
        iv: endpoint.secretIv,
        ciphertext: endpoint.secretCiphertext,
        authTag: endpoint.secretAuthTag,
      },
      `webhook:${endpoint.id}`,
    );
  }
}
