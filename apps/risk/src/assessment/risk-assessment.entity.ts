import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One payment's assessment; the table refuses updates and deletes. */
@Entity({ name: 'risk_assessments' })
export class RiskAssessmentEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'payment_id', type: 'text' })
  paymentId!: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId!: string;

  @Column({ type: 'text' })
  decision!: string;

  @Column({ type: 'integer' })
  score!: number;

  @Column({ type: 'jsonb' })
  reasons!: string[];

  @Column({ name: 'shadow_reasons', type: 'jsonb' })
  shadowReasons!: string[];

  @Column({ name: 'rules_version', type: 'text' })
  rulesVersion!: string;

  @Column({ name: 'caused_by_event_id', type: 'uuid' })
  causedByEventId!: string;

  @Column({ name: 'screened_keys', type: 'jsonb' })
  screenedKeys!: Record<string, string>;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
