import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { MerchantEntity } from './merchant.entity';

@Injectable()
export class MerchantsRepository {
  constructor(@InjectRepository(MerchantEntity) private readonly merchants: Repository<MerchantEntity>) {}

  /** Inserts a merchant; the database stamps created_at, read back with RETURNING. */
  async insert(merchant: Omit<MerchantEntity, 'createdAt'>): Promise<MerchantEntity> {
    const result = await this.merchants.insert(merchant);
    const generated = result.generatedMaps[0] as Partial<MerchantEntity> | undefined;
    if (!(generated?.createdAt instanceof Date))
      throw new Error(`merchant ${merchant.id}: no created_at returned`);
    return { ...merchant, createdAt: generated.createdAt };
  }

  findByApiKeyHash(apiKeyHash: string): Promise<MerchantEntity | null> {
    return this.merchants.findOneBy({ apiKeyHash });
  }
}
