import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ApiKeyEntity } from '../api-keys/api-key.entity';
import { MerchantEntity } from './merchant.entity';

@Injectable()
export class MerchantsRepository {
  constructor(@InjectRepository(MerchantEntity) private readonly merchants: Repository<MerchantEntity>) {}

  /**
   * Inserts a merchant and its first API key in one transaction; the database stamps created_at,
   * read back with RETURNING.
   */
  async insert(merchant: Omit<MerchantEntity, 'createdAt'>, apiKeyId: string): Promise<MerchantEntity> {
    const result = await this.merchants.manager.transaction(async (manager) => {
      const inserted = await manager.getRepository(MerchantEntity).insert(merchant);
      await manager.getRepository(ApiKeyEntity).insert({
        id: apiKeyId,
        merchantId: merchant.id,
        keyHash: merchant.apiKeyHash,
        keyLast4: merchant.apiKeyLast4,
        revokedAt: null,
      });
      return inserted;
    });
    const generated = result.generatedMaps[0] as Partial<MerchantEntity> | undefined;
    if (!(generated?.createdAt instanceof Date))
      throw new Error(`merchant ${merchant.id}: no created_at returned`);
    return { ...merchant, createdAt: generated.createdAt };
  }
}
