import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CardVaultEntity } from './card-vault.entity';

/** The only code that writes the vault table. */
@Injectable()
export class CardVaultRepository {
  async insert(manager: EntityManager, row: Omit<CardVaultEntity, 'createdAt'>): Promise<void> {
    await manager.getRepository(CardVaultEntity).insert(row);
  }
}
