import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The keys whose values risk keeps only as an HMAC-SHA256 (see domain/screened-key-hash.ts). */
const HASHED_KEYS = ['customer', 'email', 'ip'];
const HEX_SHA256 = `'^[0-9a-f]{64}$'`;

/**
 * A customer's id, email and IP are no longer stored in plain text: velocity observations hold
 * their keyed hash in value_hash (the card fingerprint, already the gateway's keyed hash, as is),
 * and the database refuses anything else. Observations written in plain text are deleted: they
 * cannot be hashed here without the key, and would never match a hashed lookup again. Assessments
 * are append-only, so the check on their screened keys holds for the rows written from now on.
 */
export class RiskHashedScreenedKeys1765100000000 implements MigrationInterface {
  name = 'RiskHashedScreenedKeys1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    const keys = HASHED_KEYS.map((key) => `'${key}'`).join(', ');
    await runner.query(`DELETE FROM risk_velocity_observations WHERE key IN (${keys})`);
    await runner.query('ALTER TABLE risk_velocity_observations RENAME COLUMN value TO value_hash');
    await runner.query(`
      ALTER TABLE risk_velocity_observations ADD CONSTRAINT risk_velocity_value_hashed
        CHECK (key NOT IN (${keys}) OR value_hash ~ ${HEX_SHA256})`);
    const hashedInAssessment = HASHED_KEYS.map(
      (key) => `(NOT screened_keys ? '${key}' OR screened_keys->>'${key}' ~ ${HEX_SHA256})`,
    ).join(' AND ');
    await runner.query(`
      ALTER TABLE risk_assessments ADD CONSTRAINT risk_assessments_screened_keys_hashed
        CHECK (${hashedInAssessment}) NOT VALID`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE risk_assessments DROP CONSTRAINT risk_assessments_screened_keys_hashed');
    await runner.query('ALTER TABLE risk_velocity_observations DROP CONSTRAINT risk_velocity_value_hashed');
    await runner.query('ALTER TABLE risk_velocity_observations RENAME COLUMN value_hash TO value');
  }
}
