import { readUntilCommandSettled, readUntilSettled, type CommandProgress } from './settle-wait';

const PENDING: CommandProgress = { state: 'pending' };
const APPLIED: CommandProgress = { state: 'applied' };

/** Answers each round with the next progress, then with the last one for good. */
function progressOf(...rounds: CommandProgress[]): () => Promise<CommandProgress> {
  return () => Promise.resolve(rounds.length > 1 ? (rounds.shift() as CommandProgress) : rounds[0]!);
}

describe('readUntilSettled', () => {
  it('answers with the first read that is done', async () => {
    const reads = [1, 2, 3];
    const value = await readUntilSettled(
      () => Promise.resolve(reads.shift() ?? 0),
      (n) => n === 2,
      10_000,
    );
    expect(value).toBe(2);
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

describe('readUntilCommandSettled', () => {
  it('answers with the read after the command is applied, not with an earlier one that looked changed', async () => {
    let reads = 0;
    const value = await readUntilCommandSettled(
      () => Promise.resolve(++reads),
      progressOf(PENDING, PENDING, APPLIED),
      60_000,
    );
    expect(value).toBe(3);
  });

  it('throws the refusal as soon as one is there', async () => {
    const refused = new Error('refused');
    let reads = 0;
    await expect(
      readUntilCommandSettled(
        () => Promise.resolve(++reads),
        progressOf(PENDING, { state: 'rejected', error: refused }),
        60_000,
      ),
    ).rejects.toBe(refused);
    expect(reads).toBe(1);
  });

  it('once applied, waits on for an effect of several events to settle', async () => {
    const statuses = ['processing', 'processing', 'succeeded'];
    const value = await readUntilCommandSettled(
      () => Promise.resolve(statuses.shift() ?? 'none'),
      progressOf(APPLIED),
      60_000,
      (status) => status !== 'processing',
    );
    expect(value).toBe('succeeded');
  });

  it('answers with the resource as it is when the limit runs out with the command still pending', async () => {
    let reads = 0;
    const value = await readUntilCommandSettled(() => Promise.resolve(++reads), progressOf(PENDING), 0);
    expect(value).toBe(1);
  });
});
