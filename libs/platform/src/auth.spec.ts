import { SignJWT } from 'jose';
import { claimAt, claimsToViewer, idTokenMark, signToken, TokenVerifier } from './auth';

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

describe('claimAt', () => {
  it('reads a claim by its whole name first, then as a dotted path', () => {
    const payload = { 'https://example.com/roles': ['admin'], realm_access: { roles: ['manager'] }, flat: 1 };
    expect(claimAt(payload, 'https://example.com/roles')).toEqual(['admin']);
    expect(claimAt(payload, 'realm_access.roles')).toEqual(['manager']);
    expect(claimAt(payload, 'flat.deeper')).toBeUndefined();
    expect(claimAt(payload, 'missing.path')).toBeUndefined();
  });
});

describe('idTokenMark', () => {
  it('passes access tokens: typ at+jwt, JWT or none, without ID-token claims', () => {
    expect(idTokenMark({ typ: 'at+jwt' }, { sub: 'a' })).toBeNull();
    expect(idTokenMark({ typ: 'JWT' }, { sub: 'a', typ: 'Bearer' })).toBeNull();
    expect(idTokenMark({}, { sub: 'a' })).toBeNull();
  });

  it('names what makes a token an ID token', () => {
    expect(idTokenMark({ typ: 'id_token+jwt' }, {})).toMatch(/typ "id_token\+jwt"/);
    expect(idTokenMark({}, { typ: 'ID' })).toMatch(/typ claim "ID"/);
    expect(idTokenMark({}, { token_use: 'id' })).toMatch(/token_use/);
    expect(idTokenMark({}, { nonce: 'n' })).toMatch(/nonce/);
    expect(idTokenMark({}, { at_hash: 'h' })).toMatch(/at_hash/);
  });

  it('makes the verifier refuse an ID token with a 401', async () => {
    const idToken = await new SignJWT({ nonce: 'n-1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    await expect(new TokenVerifier({ jwtSecret: SECRET }).verify(idToken)).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/not an access token/),
    });
  });
});
