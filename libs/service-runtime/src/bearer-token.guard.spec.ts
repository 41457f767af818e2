import { bearerTokenMatches } from './bearer-token.guard';

describe('bearerTokenMatches', () => {
  const token = 'a-long-admin-token-0123456789';

  it('accepts exactly the expected token', () => {
    expect(bearerTokenMatches(`Bearer ${token}`, token)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['another token', 'Bearer a-long-admin-token-0123456780'],
    ['a prefix of it', 'Bearer a-long-admin'],
    ['another scheme', `Basic ${token}`],
    ['lower-case scheme', `bearer ${token}`],
    ['trailing junk', `Bearer ${token} x`],
    ['empty token', 'Bearer '],
  ])('refuses %s', (_name, header) => {
    expect(bearerTokenMatches(header, token)).toBe(false);
  });
});
