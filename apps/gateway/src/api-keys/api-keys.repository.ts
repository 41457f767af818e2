import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type EntityManager, type Repository } from 'typeorm';
import { MerchantEntity } from '../merchants/merchant.entity';
import { ApiKeyEntity } from './api-key.entity';

/** Only this class touches api_keys. */
@Injectable()
export class ApiKeysRepository {
  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  async insert(
    manager: EntityManager | null,
    key: Pick<ApiKeyEntity, 'id' | 'merchantId' | 'keyHash' | 'keyLast4'>,
  ): Promise<ApiKeyEntity> {
    const repository = manager === null ? this.keys : manager.getRepository(ApiKeyEntity);
    await repository.insert({ ...key, revokedAt: null });
    const stored = await repository.findOneBy({ id: key.id });
    if (stored === null) throw new Error(`api key ${key.id} vanished after insert`);
    return stored;
  }

  /** The merchant of a live (not revoked) key. */
  async merchantOfKey(keyHash: string): Promise<MerchantEntity | null> {
    return this.keys.manager
      .getRepository(MerchantEntity)
      .createQueryBuilder('merchant')
      .innerJoin(ApiKeyEntity, 'key', 'key.merchant_id = merchant.id')
      .where('key.key_hash = :keyHash AND key.revoked_at IS NULL', { keyHash })
      .getOne();
  }

  listForMerchant(merchantId: string): Promise<ApiKeyEntity[]> {
    return this.keys.find({ where: { merchantId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Revokes a live key of this merchant; null when there is no such live key. */
  async revoke(merchantId: string, id: string): Promise<ApiKeyEntity | null> {
    const result = await this.keys.update(
      { id, merchantId, revokedAt: IsNull() },
      { revokedAt: () => 'now()' },
    );
    if (result.affected !== 1) return null;
    return this.keys.findOneBy({ id, merchantId });
  }
}
