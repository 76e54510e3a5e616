import { signToken, TokenVerifier } from './auth';
import {
  hashSecret,
  mintPersonalToken,
  parsePersonalToken,
  withPersonalTokens,
  type PersonalTokenGrant,
} from './personal-tokens';

const SECRET = 'a-secret-of-at-least-16-chars';
const HOUR = 3600_000;

describe('personal API tokens', () => {
  it('mints an opaque token whose secret only its hash remembers', () => {
    const a = mintPersonalToken();
    expect(a.token).toMatch(/^spt_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/);
    const parts = parsePersonalToken(a.token);
    expect(parts?.id).toBe(a.id);
    expect(hashSecret(parts?.secret ?? '')).toBe(a.secretHash);
    expect(a.secretHash).not.toContain(parts?.secret);
    expect(mintPersonalToken().token).not.toBe(a.token);
    expect(parsePersonalToken('spt_short.x')).toBeNull();
  });

  describe('withPersonalTokens', () => {
    let clock = 1_000_000;
    const minted = mintPersonalToken();
    const grant: PersonalTokenGrant = {
      userId: 'ops',
      role: 'manager',
      teams: ['north'],
      secretHash: minted.secretHash,
      expiresAt: clock + HOUR,
      revoked: false,
    };
    const records = new Map<string, PersonalTokenGrant>([[minted.id, grant]]);
    const lookup = jest.fn(async (id: string) => records.get(id) ?? null);
    const auth = withPersonalTokens(new TokenVerifier({ jwtSecret: SECRET }), lookup, {
      cacheMs: 5000,
      now: () => clock,
    });
    const refusal = (token: string) =>
      auth.verify(token).then(
        () => 'accepted',
        (err: Error & { status?: number }) => `${err.status}: ${err.message}`,
      );

    it('is the user, role and teams of its record; JWTs still go to the verifier', async () => {
      await expect(auth.verify(minted.token)).resolves.toEqual({ id: 'ops', role: 'manager', teams: ['north'] });
      const jwt = await signToken(SECRET, 'alice', '1h');
      await expect(auth.verify(jwt)).resolves.toMatchObject({ id: 'alice' });
    });

    it('refuses a wrong secret, an unknown id and a malformed token', async () => {
      const other = mintPersonalToken();
      expect(await refusal(`spt_${minted.id}.${other.token.split('.')[1]}`)).toMatch(/^401: .*unknown token/);
      expect(await refusal(other.token)).toMatch(/^401: .*unknown token/);
      expect(await refusal('spt_nonsense')).toMatch(/^401: .*not a personal token/);
    });

    it('refuses a revoked token once the cached record is older than cacheMs', async () => {
      await auth.verify(minted.token);
      records.set(minted.id, { ...grant, revoked: true });
      clock += 1000;
      expect(await refusal(minted.token)).toBe('accepted'); // within the cache
      clock += 5000;
      expect(await refusal(minted.token)).toMatch(/^401: .*revoked/);
    });

    it('refuses an expired token', async () => {
      const late = mintPersonalToken();
      records.set(late.id, { ...grant, secretHash: late.secretHash, expiresAt: clock + 10 });
      clock += 10;
      expect(await refusal(late.token)).toMatch(/^401: .*expired/);
    });

    it('does not remember a store error', async () => {
      const t = mintPersonalToken();
      records.set(t.id, { ...grant, secretHash: t.secretHash, expiresAt: clock + HOUR });
      lookup.mockRejectedValueOnce(new Error('store down'));
      await expect(auth.verify(t.token)).rejects.toThrow('store down');
      await expect(auth.verify(t.token)).resolves.toMatchObject({ id: 'ops' });
    });
  });
});
