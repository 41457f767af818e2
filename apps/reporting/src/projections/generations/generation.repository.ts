import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { generationSchema, generationTablesSql } from './generation-schema';

export type GenerationStatus = 'building' | 'active' | 'retired' | 'dropped';

export interface Generation {
  readonly generation: number;
  readonly status: GenerationStatus;
  readonly createdAt: Date;
  readonly activatedAt: Date | null;
}

interface GenerationDbRow {
  generation: number;
  status: GenerationStatus;
  created_at: Date;
  activated_at: Date | null;
}

const toGeneration = (row: GenerationDbRow): Generation => ({
  generation: row.generation,
  status: row.status,
  createdAt: row.created_at,
  activatedAt: row.activated_at,
});

/** The only code that reads or writes the generation registry and creates or drops generation schemas. */
@Injectable()
export class GenerationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(): Promise<Generation[]> {
    const rows = await this.dataSource.query<GenerationDbRow[]>(
      'SELECT generation, status, created_at, activated_at FROM projection_generations ORDER BY generation',
    );
    return rows.map(toGeneration);
  }

  async active(manager: EntityManager = this.dataSource.manager): Promise<Generation | undefined> {
    const [row] = await manager.query<GenerationDbRow[]>(
      `SELECT generation, status, created_at, activated_at FROM projection_generations WHERE status = 'active'`,
    );
    return row === undefined ? undefined : toGeneration(row);
  }

  async building(): Promise<Generation | undefined> {
    const [row] = await this.dataSource.query<GenerationDbRow[]>(
      `SELECT generation, status, created_at, activated_at FROM projection_generations WHERE status = 'building'`,
    );
    return row === undefined ? undefined : toGeneration(row);
  }

  /**
   * Creates the next generation's schema and registers it, in one transaction: the first one is
   * active at once (nothing to swap with), later ones build until swapped in. Retired generations
   * but the last are dropped here, so exactly one stays for rollback. Undefined when one is building.
   */
  async create(): Promise<Generation | undefined> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('LOCK TABLE projection_generations IN EXCLUSIVE MODE');
      const rows = await manager.query<GenerationDbRow[]>(
        'SELECT generation, status, created_at, activated_at FROM projection_generations ORDER BY generation',
      );
      if (rows.some((row) => row.status === 'building')) return undefined;
      for (const row of rows.filter((r) => r.status === 'retired')) {
        await manager.query(`DROP SCHEMA IF EXISTS ${generationSchema(row.generation)} CASCADE`);
        await manager.query(`UPDATE projection_generations SET status = 'dropped' WHERE generation = $1`, [
          row.generation,
        ]);
      }
      const generation = (rows.at(-1)?.generation ?? 0) + 1;
      for (const sql of generationTablesSql(generationSchema(generation))) await manager.query(sql);
      const first = !rows.some((row) => row.status === 'active');
      const [created] = await manager.query<GenerationDbRow[]>(
        `INSERT INTO projection_generations (generation, status, activated_at)
         VALUES ($1, $2, CASE WHEN $2 = 'active' THEN now() END)
         RETURNING generation, status, created_at, activated_at`,
        [generation, first ? 'active' : 'building'],
      );
      return created === undefined ? undefined : toGeneration(created);
    });
  }

  /**
   * Swaps the building generation in and retires the active one, in one transaction: a query
   * reads the pointer once, so it sees the old tables or the new ones, never a mix.
   */
  async swap(building: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('LOCK TABLE projection_generations IN EXCLUSIVE MODE');
      const [found] = await manager.query<{ status: string }[]>(
        'SELECT status FROM projection_generations WHERE generation = $1',
        [building],
      );
      if (found?.status !== 'building') throw new Error(`generation ${building} is not building`);
      await manager.query(
        `UPDATE projection_generations SET status = 'retired', retired_at = now() WHERE status = 'active'`,
      );
      await manager.query(
        `UPDATE projection_generations SET status = 'active', activated_at = now() WHERE generation = $1`,
        [building],
      );
    });
  }

  /** Puts the retired generation back (a rollback); the current one becomes the retired one. */
  async rollback(): Promise<number | undefined> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('LOCK TABLE projection_generations IN EXCLUSIVE MODE');
      const [retired] = await manager.query<{ generation: number }[]>(
        `SELECT generation FROM projection_generations WHERE status = 'retired' ORDER BY generation DESC LIMIT 1`,
      );
      if (retired === undefined) return undefined;
      await manager.query(
        `UPDATE projection_generations SET status = 'retired', retired_at = now() WHERE status = 'active'`,
      );
      await manager.query(
        `UPDATE projection_generations SET status = 'active', activated_at = now() WHERE generation = $1`,
        [retired.generation],
      );
      return retired.generation;
    });
  }
}
