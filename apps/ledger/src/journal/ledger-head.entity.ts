import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The single row holding the last sequence and hash; locking it orders entries in commit order. */
@Entity({ name: 'ledger_head' })
export class LedgerHeadEntity {
  @PrimaryColumn({ type: 'smallint' })
  id!: number;

  @Column({ type: 'bigint' })
  sequence!: string;

  @Column({ type: 'char', length: 64 })
  hash!: string;
}
