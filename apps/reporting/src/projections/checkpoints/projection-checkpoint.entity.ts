import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How far a projection has got: the highest ledger sequence applied and how many events. Progress
 * only: events of different partitions arrive out of sequence order, so it is never used to skip one.
 */
@Entity({ name: 'projection_checkpoints' })
export class ProjectionCheckpointEntity {
  @PrimaryColumn({ type: 'text' })
  projection!: string;

  @Column({ name: 'last_sequence', type: 'bigint' })
  lastSequence!: string;

  @Column({ name: 'events_applied', type: 'bigint' })
  eventsApplied!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
