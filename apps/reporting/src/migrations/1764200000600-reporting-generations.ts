import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projections move into generations (one schema each, created at run time): the registry says
 * which one answers queries. The first single-table projection is dropped: it is rebuilt from
 * the ledger's events into generation 1, like every projection can be.
 */
export class ReportingGenerations1764200000600 implements MigrationInterface {
  name = 'ReportingGenerations1764200000600';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS volume_daily');
    await runner.query('DROP TABLE IF EXISTS projection_checkpoints');
    await runner.query(`
      CREATE TABLE projection_generations (
        generation int PRIMARY KEY CHECK (generation >= 1),
        status text NOT NULL CHECK (status IN ('building', 'active', 'retired', 'dropped')),
        created_at timestamptz NOT NULL DEFAULT now(),
        activated_at timestamptz,
        retired_at timestamptz
      )`);
    await runner.query(
      `CREATE UNIQUE INDEX projection_generations_one_active ON projection_generations ((1)) WHERE status = 'active'`,
    );
    await runner.query(
      `CREATE UNIQUE INDEX projection_generations_one_building ON projection_generations ((1)) WHERE status = 'building'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE projection_generations');
  }
}
