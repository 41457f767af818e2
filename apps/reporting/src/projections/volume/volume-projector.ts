import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@platform/contracts';
import { UnprocessableEventError } from '@platform/kafka';
import { CheckpointRepository } from '../checkpoints/checkpoint.repository';
import {
  ProjectionError,
  applyEntryToVolume,
  countsTowardVolume,
  volumeKeyOf,
  type VolumeRow,
} from './volume-row';
import { VolumeRepository } from './volume.repository';

export const VOLUME_PROJECTION = 'volume_daily';

/**
 * Applies a ledger entry to its volume row and advances the checkpoint, in the consumer's
 * transaction (which also records the event id, so a redelivery changes nothing). The row is
 * locked (or inserted) before the checkpoint, always in that order.
 */
@Injectable()
export class VolumeProjector {
  constructor(
    private readonly volumes: VolumeRepository,
    private readonly checkpoints: CheckpointRepository,
  ) {}

  async apply(event: EventEnvelope<'ledger.entry_posted'>, manager: EntityManager): Promise<void> {
    const entry = event.data;
    if (!countsTowardVolume(entry)) {
      await this.checkpoints.advance(manager, VOLUME_PROJECTION, BigInt(entry.sequence));
      return;
    }
    const key = this.unprocessableIfBroken(event, () => volumeKeyOf(entry));
    const current = await this.volumes.lock(manager, key);
    const next = this.fold(current, event);
    if (current !== undefined) {
      await this.volumes.update(manager, next);
    } else if (!(await this.volumes.insert(manager, next))) {
      // Another transaction opened the row meanwhile: now it exists, lock it and add to it.
      const opened = await this.volumes.lock(manager, key);
      if (opened === undefined) throw new Error(`volume row vanished for entry ${entry.entryId}`);
      await this.volumes.update(manager, this.fold(opened, event));
    }
    await this.checkpoints.advance(manager, VOLUME_PROJECTION, BigInt(entry.sequence));
  }

  private fold(row: VolumeRow | undefined, event: EventEnvelope<'ledger.entry_posted'>): VolumeRow {
    return this.unprocessableIfBroken(event, () => applyEntryToVolume(row, event.data));
  }

  /** A broken projection rule is a poison event: no retry can fix it, it goes to the dead-letter topic. */
  private unprocessableIfBroken<T>(event: EventEnvelope<'ledger.entry_posted'>, compute: () => T): T {
    try {
      return compute();
    } catch (error) {
      if (error instanceof ProjectionError)
        throw new UnprocessableEventError(`${event.id}: ${error.message}`);
      throw error;
    }
  }
}
