import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Volume rows count the disputes opened (dispute_hold entries) beside captures and refunds. New
 * generations are created with the columns; existing ones get them at zero, so disputes opened
 * before this migration show (and reconcile) only after a rebuild: POST /v1/projections/rebuild.
 */
/** Every generation's schema that has a volume table (dropped ones are gone). */
async function generationSchemas(runner: QueryRunner): Promise<{ schema: string }[]> {
  return (await runner.query(
    `SELECT table_schema AS schema FROM information_schema.tables
      WHERE table_name = 'volume' AND table_schema ~ '^reporting_g[0-9]+$'`,
  )) as { schema: string }[];
}

export class ReportingVolumeDisputes1765100000000 implements MigrationInterface {
  name = 'ReportingVolumeDisputes1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    const schemas = await generationSchemas(runner);
    for (const { schema } of schemas) {
      await runner.query(
        `ALTER TABLE ${schema}.volume ADD COLUMN IF NOT EXISTS dispute_count bigint NOT NULL DEFAULT 0,
           ADD COLUMN IF NOT EXISTS disputed_minor bigint NOT NULL DEFAULT 0`,
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    const schemas = await generationSchemas(runner);
    for (const { schema } of schemas) {
      await runner.query(
        `ALTER TABLE ${schema}.volume DROP COLUMN IF EXISTS dispute_count, DROP COLUMN IF EXISTS disputed_minor`,
      );
    }
  }
}
