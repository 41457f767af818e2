import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A merchant's webhook endpoint; its signing secret is sealed with the vault's key ring. */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpointEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId!: string;

  @Column({ type: 'text' })
  url!: string;

  /** Event types to deliver; ['*'] for all. */
  @Column({ name: 'enabled_events', type: 'text', array: true })
  enabledEvents!: string[];

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'secret_key_id', type: 'text' })
  secretKeyId!: string;

  @Column({ name: 'secret_iv', type: 'bytea' })
  secretIv!: Buffer;

  @Column({ name: 'secret_ciphertext', type: 'bytea' })
  secretCiphertext!: Buffer;

  @Column({ name: 'secret_auth_tag', type: 'bytea' })
  secretAuthTag!: Buffer;

  /** After a rotation: the previous secret, sealed the same way, still signing until it expires. */
  @Column({ name: 'previous_secret_key_id', type: 'text', nullable: true })
  previousSecretKeyId!: string | null;

  @Column({ name: 'previous_secret_iv', type: 'bytea', nullable: true })
  previousSecretIv!: Buffer | null;

  @Column({ name: 'previous_secret_ciphertext', type: 'bytea', nullable: true })
  previousSecretCiphertext!: Buffer | null;

  @Column({ name: 'previous_secret_auth_tag', type: 'bytea', nullable: true })
  previousSecretAuthTag!: Buffer | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
