import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A row of the daily volume projection; bigint columns come back as strings. */
@Entity({ name: 'volume_daily' })
export class VolumeDailyEntity {
  @PrimaryColumn({ name: 'merchant_id', type: 'text' })
  merchantId!: string;

  @PrimaryColumn({ type: 'date' })
  day!: string;

  @PrimaryColumn({ type: 'char', length: 3 })
  currency!: string;

  @PrimaryColumn({ name: 'payment_method', type: 'text' })
  paymentMethod!: string;

  @Column({ name: 'gross_minor', type: 'bigint' })
  grossMinor!: string;

  @Column({ name: 'fee_minor', type: 'bigint' })
  feeMinor!: string;

  @Column({ name: 'net_minor', type: 'bigint' })
  netMinor!: string;

  @Column({ name: 'capture_count', type: 'bigint' })
  captureCount!: string;
}
