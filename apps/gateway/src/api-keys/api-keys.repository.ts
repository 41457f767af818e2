import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { MerchantEntity } from '../merchants/merchant.entity';
import { ApiKeyEntity } from '../merchants/api-key.entity';

type NewApiKey = Pick<ApiKeyEntity, 'id' | 'merchantId' | 'keyHash' | 'keyLast4'>;

export type IssueOutcome =
  | { readonly kind: 'issued'; readonly key: ApiKeyEntity }
  | { readonly kind: 'limit_reached' }
  | { readonly kind: 'merchant_missing' };

export type RevokeOutcome =
  | { readonly kind: 'revoked'; readonly key: ApiKeyEntity }
  | { readonly kind: 'last_live_key' }
  | { readonly kind: 'not_found' };

/** Only this class touches api_keys. Issuing and revoking hold the merchant's row, so the counts they check stay true. */
@Injectable()
export class ApiKeysRepository {
  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  async insert(manager: EntityManager | null, key: NewApiKey): Promise<ApiKeyEntity> {
    const repository = manager === null ? this.keys : manager.getRepository(ApiKeyEntity);
    await repository.insert({ ...key, revokedAt: null });
    const stored = await repository.findOneBy({ id: key.id });
    if (stored === null) throw new Error(`api key ${key.id} vanished after insert`);
    return stored;
  }

  /**
   * A new key, unless the merchant holds liveKeysMax live keys already; with revokeExisting, its
   * live keys are revoked first, in the same transaction (a merchant who lost or leaked them).
   */
  issue(key: NewApiKey, liveKeysMax: number, revokeExisting = false): Promise<IssueOutcome> {
    return this.keys.manager.transaction(async (manager) => {
      if (!(await lockMerchant(manager, key.merchantId))) return { kind: 'merchant_missing' };
      if (revokeExisting) {
        await manager.query(
          'UPDATE api_keys SET revoked_at = now() WHERE merchant_id = $1 AND revoked_at IS NULL',
          [key.merchantId],
        );
      }
      if ((await liveKeyCount(manager, key.merchantId)) >= liveKeysMax) return { kind: 'limit_reached' };
      return { kind: 'issued', key: await this.insert(manager, key) };
    });
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

  /** Revokes a live key of this merchant, unless it is the merchant's last live key. */
  revoke(merchantId: string, id: string): Promise<RevokeOutcome> {
    return this.keys.manager.transaction(async (manager) => {
      if (!(await lockMerchant(manager, merchantId))) return { kind: 'not_found' };
      const live: unknown[] = await manager.query(
        'SELECT id FROM api_keys WHERE id = $1 AND merchant_id = $2 AND revoked_at IS NULL',
        [id, merchantId],
      );
      if (live.length === 0) return { kind: 'not_found' };
      if ((await liveKeyCount(manager, merchantId)) <= 1) return { kind: 'last_live_key' };
      await manager.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [id]);
      const key = await manager.getRepository(ApiKeyEntity).findOneBy({ id, merchantId });
      if (key === null) throw new Error(`api key ${id} vanished while revoked`);
      return { kind: 'revoked', key };
    });
  }
}

async function lockMerchant(manager: EntityManager, merchantId: string): Promise<boolean> {
  const rows: unknown[] = await manager.query('SELECT id FROM merchants WHERE id = $1 FOR UPDATE', [
    merchantId,
  ]);
  return rows.length === 1;
}

async function liveKeyCount(manager: EntityManager, merchantId: string): Promise<number> {
  const [row] = await manager.query<{ count: number }[]>(
    'SELECT count(*)::int AS count FROM api_keys WHERE merchant_id = $1 AND revoked_at IS NULL',
    [merchantId],
  );
  return row?.count ?? 0;
}
