import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type DisputeStatus = 'needs_response' | 'under_review' | 'won' | 'lost';

/** The gateway's read model of a dispute (chargeback), from dispute events. */
@Entity({ name: 'disputes' })
export class DisputeEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId!: string;

  @Column({ name: 'payment_id', type: 'text' })
  paymentId!: string;

  @Column({ name: 'amount_minor', type: 'bigint' })
  amountMinor!: string;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'text' })
  status!: DisputeStatus;

  @Column({ name: 'evidence_submitted_at', type: 'timestamptz', nullable: true })
  evidenceSubmittedAt!: Date | null;

  /** The last dispute.submit_evidence sent: its refusal puts the dispute back to needs_response. */
  @Column({ name: 'evidence_command_id', type: 'uuid', nullable: true })
  evidenceCommandId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
