import fc from 'fast-check';
import { JSON_DEPTH_MAX, JSON_ENTRIES_MAX, inputProblem } from './input-limits';

function nested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level += 1) value = wrap(value);
  return value;
}

describe('inputProblem', () => {
  it('passes what the API takes', () => {
    expect(
      inputProblem({
        amount: 1_000,
        currency: 'usd',
        payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12 } },
        metadata: { order: '1', 'emoji \u{1F600}': 'caf\u00e9 \u{1F600}' },
        pricing: [{ currency: 'eur', basis_points: 250 }],
        description: null,
      }),
    ).toBeNull();
    expect(inputProblem(undefined)).toBeNull();
    expect(inputProblem({})).toBeNull();
  });

  it.each([
    ['a NUL', { description: 'a\u0000b' }, 'description'],
    ['a lone high surrogate', { customer: { email: '\ud800@example.com' } }, 'customer[email]'],
    ['a lone low surrogate', { metadata: { order: 'x\udc00' } }, 'metadata[order]'],
    ['a surrogate pair cut at the end', { name: 'x\ud83d' }, 'name'],
    [
      'a NUL in an array item',
      { pricing: [{ currency: 'usd' }, { currency: '\u0000' }] },
      'pricing[1][currency]',
    ],
    ['a NUL in a key', { metadata: { 'a\u0000': 'x' } }, 'metadata[a\u0000]'],
  ])('refuses %s, naming the parameter', (_case, value, param) => {
    expect(inputProblem(value)).toEqual({ code: 'parameter_invalid', param, message: expect.any(String) });
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__'])(
    'refuses the key %s rather than letting it vanish',
    (key) => {
      expect(inputProblem({ metadata: { order: '1', [key]: 'x' } })).toEqual({
        code: 'parameter_invalid',
        param: `metadata[${key}]`,
        message: expect.stringContaining('JavaScript built-in'),
      });
    },
  );

  it('refuses __proto__ as JSON.parse makes it: an own key', () => {
    expect(inputProblem(JSON.parse('{"metadata":{"__proto__":{"polluted":"yes"}}}'))).toMatchObject({
      param: 'metadata[__proto__]',
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it(`refuses nesting deeper than ${JSON_DEPTH_MAX} levels, however deep, without recursion`, () => {
    expect(inputProblem(nested(JSON_DEPTH_MAX, (inner) => ({ a: inner })))).toBeNull();
    for (const depth of [JSON_DEPTH_MAX + 1, 2_500, 200_000]) {
      expect(inputProblem(nested(depth, (inner) => [inner]))).toMatchObject({ code: 'body_too_deep' });
      expect(inputProblem(nested(depth, (inner) => ({ a: inner })))).toMatchObject({ code: 'body_too_deep' });
    }
  });

  it(`refuses more than ${JSON_ENTRIES_MAX} entries in all`, () => {
    // The key `list` counts too.
    const many = Array.from({ length: JSON_ENTRIES_MAX - 1 }, () => 0);
    expect(inputProblem({ list: many })).toBeNull();
    expect(inputProblem({ list: many, one: [1] })).toMatchObject({ code: 'body_too_many_entries' });
    const wide = Object.fromEntries(Array.from({ length: JSON_ENTRIES_MAX + 1 }, (_, i) => [`k${i}`, i]));
    expect(inputProblem(wide)).toMatchObject({ code: 'body_too_many_entries' });
  });

  it('finds a planted unstorable string anywhere in generated JSON', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }),
        fc.constantFrom('\u0000', '\ud800', '\udfff'),
        (json, bad) => {
          return inputProblem({ wrapper: [json, { planted: `x${bad}` }] }) !== null;
        },
      ),
    );
  });

  it('passes generated JSON of well-formed text and safe keys', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (json) => {
        const text = JSON.stringify(json);
        const clean =
          !/\\u0000|\\ud[89ab]|\\ud[c-f]|"(constructor|__proto__|toString|valueOf|prototype|hasOwnProperty|isPrototypeOf|propertyIsEnumerable|toLocaleString|__define[GS]etter__|__lookup[GS]etter__)"/i.test(
            text,
          );
        fc.pre(clean);
        return inputProblem(json) === null;
      }),
    );
  });
});
