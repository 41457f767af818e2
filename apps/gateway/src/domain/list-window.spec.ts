import { ListParameterError, createdRangeOf } from './list-window';

describe('createdRangeOf', () => {
  it('reads flat keys as Express 5 leaves them', () => {
    expect(createdRangeOf({ 'created[gte]': '100', 'created[lt]': '200' })).toEqual({
      from: new Date(100_000),
      until: new Date(200_000),
    });
  });

  it('reads a nested object too, with gt and lte as whole seconds', () => {
    expect(createdRangeOf({ created: { gt: '100', lte: '200' } })).toEqual({
      from: new Date(101_000),
      until: new Date(201_000),
    });
  });

  it('reads an exact second and keeps the tightest bound', () => {
    expect(createdRangeOf({ created: '150' })).toEqual({ from: new Date(150_000), until: new Date(151_000) });
    expect(createdRangeOf({ 'created[gte]': '100', 'created[gt]': '120' }).from).toEqual(new Date(121_000));
    expect(createdRangeOf({})).toEqual({ from: null, until: null });
  });

  it('names the parameter that is not a timestamp', () => {
    for (const [query, param] of [
      [{ 'created[gte]': 'yesterday' }, 'created[gte]'],
      [{ 'created[lt]': '-1' }, 'created[lt]'],
      [{ created: { eq: '1' } }, 'created[eq]'],
      [{ 'created[gte]': ['1', '2'] }, 'created[gte]'],
      [{ created: '1.5' }, 'created'],
    ] as const) {
      let caught: unknown;
      try {
        createdRangeOf(query as Record<string, unknown>);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ListParameterError);
      expect((caught as ListParameterError).param).toBe(param);
    }
  });
});
