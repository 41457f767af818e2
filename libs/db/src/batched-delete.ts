/**
 * Runs `deleteBatch(batchSize)` until a batch comes back short or `batchesMax` batches ran, and
 * answers how many rows went: a backlog is worked off over several passes rather than in one
 * long burst, and no statement holds many row locks.
 */
export async function deleteInBatches(
  deleteBatch: (batchSize: number) => Promise<number>,
  batchSize: number,
  batchesMax: number,
): Promise<number> {
  let deleted = 0;
  for (let batch = 0; batch < batchesMax; batch += 1) {
    const count = await deleteBatch(batchSize);
    deleted += count;
    if (count < batchSize) break;
  }
  return deleted;
}
