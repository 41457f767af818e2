import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AccountType } from '../domain/chart-of-accounts';

/** An account of one currency; balance_minor is the sum of its postings, kept under a row lock. */
@Entity({ name: 'accounts' })
export class AccountEntity {
  /** bigint: TypeORM returns it as a string. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text', unique: true })
  code!: string;

  @Column({ type: 'text' })
  type!: AccountType;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'balance_minor', type: 'bigint' })
  balanceMinor!: string;

  @Column({ type: 'bigint' })
  version!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
