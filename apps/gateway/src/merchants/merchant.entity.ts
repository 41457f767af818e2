import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'merchants' })
export class MerchantEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** sha256 (hex) of the API key: the key itself is shown once, at creation, and never stored. */
  @Column({ name: 'api_key_hash', type: 'text' })
  apiKeyHash!: string;

  @Column({ name: 'api_key_last4', type: 'text' })
  apiKeyLast4!: string;

  /** Upper-case ISO 4217: payments in other currencies are converted into it; null settles as presented. */
  @Column({ name: 'settlement_currency', type: 'char', length: 3, nullable: true })
  settlementCurrency!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
