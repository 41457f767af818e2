import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RiskAssessment } from '../domain/risk-assessment';

export interface NewAssessmentRow {
  readonly id: string;
  readonly paymentId: string;
  readonly merchantId: string;
  readonly assessment: RiskAssessment;
  readonly rulesVersion: string;
  readonly causedByEventId: string;
}

/** The only code that touches risk_assessments. */
@Injectable()
export class RiskAssessmentRepository {
  /** Stores an assessment; false when the payment was assessed already (its first answer stands). */
  async insertIfFirst(manager: EntityManager, row: NewAssessmentRow): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO risk_assessments
         (id, payment_id, merchant_id, decision, score, reasons, shadow_reasons, rules_version, caused_by_event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
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
      ],
    );
    return inserted.length === 1;
  }
}
