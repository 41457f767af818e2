import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One card number, sealed with AES-256-GCM under the key named by keyId. */
@Entity({ name: 'card_vault' })
export class CardVaultEntity {
  @PrimaryColumn({ type: 'text' })
  token!: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId!: string;

  @Column({ name: 'key_id', type: 'text' })
  keyId!: string;

  @Column({ type: 'bytea' })
  iv!: Buffer;

  @Column({ type: 'bytea' })
  ciphertext!: Buffer;

  @Column({ name: 'auth_tag', type: 'bytea' })
  authTag!: Buffer;

  @Column({ type: 'text' })
  fingerprint!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
