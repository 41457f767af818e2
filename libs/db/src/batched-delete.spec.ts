import { deleteInBatches } from './batched-delete';

describe('deleteInBatches', () => {
  it('stops at the first short batch and answers the total', async () => {
    const counts = [5, 5, 2, 5];
    const sizes: number[] = [];
    const deleted = await deleteInBatches(
      (size) => {
        sizes.push(size);
        return Promise.resolve(counts.shift() ?? 0);
      },
      5,
      10,
    );
    expect(deleted).toBe(12);
    expect(sizes).toEqual([5, 5, 5]);
  });

  it('runs at most batchesMax batches however full they come back', async () => {
    let calls = 0;
    const deleted = await deleteInBatches(
      (size) => {
        calls += 1;
        return Promise.resolve(size);
      },
      3,
      4,
    );
    expect({ calls, deleted }).toEqual({ calls: 4, deleted: 12 });
  });
});
