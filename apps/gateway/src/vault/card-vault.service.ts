import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { cardFingerprint, type VaultKeyRing } from '../domain/card-vault-crypto';
import { newCardToken } from '../domain/random-identifiers';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { CardVaultRepository } from './card-vault.repository';

export const VAULT_KEY_RING = Symbol('VAULT_KEY_RING');

export interface VaultedCard {
  readonly token: string;
  readonly fingerprint: string;
}

/** Swaps a card number for a token: the number is sealed into card_vault and goes nowhere else. */
@Injectable()
export class CardVault {
  constructor(
    @Inject(VAULT_KEY_RING) private readonly keyRing: VaultKeyRing,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly vault: CardVaultRepository,
  ) {}

  /** Stores the card inside the caller's transaction, so it exists only if the payment does. */
  async tokenize(manager: EntityManager, merchantId: string, cardNumber: string): Promise<VaultedCard> {
    const token = newCardToken();
    const sealed = this.keyRing.seal(cardNumber, token);
    const fingerprint = cardFingerprint(this.config.CARD_FINGERPRINT_SECRET, cardNumber);
    await this.vault.insert(manager, { token, merchantId, fingerprint, ...sealed });
    return { token, fingerprint };
  }
}
