import { claimsToViewer, signToken, TokenVerifier } from './auth';

const SECRET = 'a-secret-of-at-least-16-chars';

describe('claimsToViewer', () => {
  it('makes a token without role or team claims an agent of no team', () => {
    expect(claimsToViewer('u1', {})).toEqual({ id: 'u1', role: 'agent', teams: [] });
  });

  it('takes the highest role named, and teams from an array or a spaced string', () => {
    expect(claimsToViewer('m', { roles: ['agent', 'manager'], teams: ['b', 'a', 'a'] })).toEqual({
      id: 'm',
      role: 'manager',
      teams: ['a', 'b'],
    });
    expect(claimsToViewer('x', { roles: 'admin', teams: 'north south' })).toEqual({
      id: 'x',
      role: 'admin',
      teams: ['north', 'south'],
    });
  });

  it('ignores unknown role names and non-string entries', () => {
    expect(claimsToViewer('y', { roles: ['owner', 7], teams: [null, 'c'] })).toEqual({
      id: 'y',
      role: 'agent',
      teams: ['c'],
    });
  });

  it('reads the claims the mapping names', () => {
    const v = claimsToViewer(
      'z',
      { groups: ['t1'], realm_roles: ['manager'] },
      { rolesClaim: 'realm_roles', teamsClaim: 'groups' },
    );
    expect(v).toEqual({ id: 'z', role: 'manager', teams: ['t1'] });
  });
});

describe('TokenVerifier', () => {
  it('carries the role and teams of a signed token', async () => {
    const token = await signToken(SECRET, 'mgr', '1h', { roles: ['manager'], teams: ['north'] });
    await expect(new TokenVerifier({ jwtSecret: SECRET }).verify(token)).resolves.toEqual({
      id: 'mgr',
      role: 'manager',
      teams: ['north'],
    });
  });
});
