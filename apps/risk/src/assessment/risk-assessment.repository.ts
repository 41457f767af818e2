import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RiskAssessment, RiskDecision } from '../domain/risk-assessment';
import type { ScreenedKey } from '../velocity/velocity.repository';

export interface NewAssessmentRow {
  readonly id: string;
  readonly paymentId: string;
  readonly merchantId: string;
  readonly assessment: RiskAssessment;
  readonly rulesVersion: string;
  readonly causedByEventId: string;
  /** The keys it was counted under (personal ones hashed): lets an analyst list a payment's card. */
  readonly screenedKeys: readonly ScreenedKey[];
}

export interface StoredAssessment {
  readonly paymentId: string;
  readonly merchantId: string;
  readonly decision: RiskDecision;
  readonly score: number;
  readonly reasons: readonly string[];
  readonly shadowReasons: readonly string[];
  readonly rulesVersion: string;
  readonly screenedKeys: Readonly<Record<string, string>>;
  readonly createdAt: Date;
}

interface AssessmentRow {
  payment_id: string;
  merchant_id: string;
  decision: RiskDecision;
  score: number;
  reasons: string[];
  shadow_reasons: string[];
  rules_version: string;
  screened_keys: Record<string, string>;
  created_at: Date;
}

/** The only code that touches risk_assessments. */
@Injectable()
export class RiskAssessmentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores an assessment; false when the payment was assessed already (its first answer stands). */
  async insertIfFirst(manager: EntityManager, row: NewAssessmentRow): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO risk_assessments
         (id, payment_id, merchant_id, decision, score, reasons, shadow_reasons, rules_version,
          caused_by_event_id, screened_keys)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (payment_id) DO NOTHING
       RETURNING id`,
      [
        row.id,
        row.paymentId,
        row.merchantId,
        row.assessment.decision,
        row.assessment.score,
        JSON.stringify(row.assessment.reasons),
        JSON.stringify(row.assessment.shadowReasons),
        row.rulesVersion,
        row.causedByEventId,
        JSON.stringify(Object.fromEntries(row.screenedKeys.map(({ key, value }) => [key, value]))),
      ],
    );
    return inserted.length === 1;
  }

  async findByPayment(paymentId: string): Promise<StoredAssessment | null> {
    const rows: AssessmentRow[] = await this.dataSource.query(
      'SELECT * FROM risk_assessments WHERE payment_id = $1',
      [paymentId],
    );
    const row = rows[0];
    if (row === undefined) return null;
    return {
      paymentId: row.payment_id,
      merchantId: row.merchant_id,
      decision: row.decision,
      score: row.score,
      reasons: row.reasons,
      shadowReasons: row.shadow_reasons,
      rulesVersion: row.rules_version,
      screenedKeys: row.screened_keys,
      createdAt: row.created_at,
    };
  }
}
