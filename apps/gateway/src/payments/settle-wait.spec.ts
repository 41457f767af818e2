import { readUntilSettled } from './settle-wait';

describe('readUntilSettled', () => {
  it('answers with the first read that is done', async () => {
    const reads = [1, 2, 3];
    const value = await readUntilSettled(
      () => Promise.resolve(reads.shift() ?? 0),
      (n) => n === 2,
      10_000,
      () => Promise.resolve(null),
    );
    expect(value).toBe(2);
  });

  it('throws the refusal as soon as one is there, without waiting for done', async () => {
    let rounds = 0;
    const refused = new Error('refused');
    await expect(
      readUntilSettled(
        () => Promise.resolve('unchanged'),
        () => false,
        60_000,
        () => Promise.resolve(++rounds === 2 ? refused : null),
      ),
    ).rejects.toBe(refused);
    expect(rounds).toBe(2);
  });

  it('prefers a refusal over a read that looks done: the change was not this command’s', async () => {
    const refused = new Error('refused');
    await expect(
      readUntilSettled(
        () => Promise.resolve('changed'),
        () => true,
        60_000,
        () => Promise.resolve(refused),
      ),
    ).rejects.toBe(refused);
  });

  it('answers with the last read when the limit runs out', async () => {
    const value = await readUntilSettled(
      () => Promise.resolve('still'),
      () => false,
      0,
    );
    expect(value).toBe('still');
  });
});
