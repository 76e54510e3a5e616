import { signToken, type Role } from '@speech/platform';

/**
 * Requests by name: each named viewer's bearer token from `tokens` (the teams, objection and
 * scorecard e2e tests sign one per agent and manager with `mintViewers`).
 */
export function asWho(baseUrl: () => string, tokens: Record<string, string>) {
  const as = (who: string, path: string, init: RequestInit = {}) =>
    fetch(`${baseUrl()}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${tokens[who]}`, ...(init.headers as Record<string, string>) },
    });
  const json = async <T>(who: string, path: string): Promise<T> => {
    const res = await as(who, path);
    if (!res.ok) throw new Error(`${who} GET ${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return { as, json };
}

/** Signs a one-hour token for each named viewer (`{ m: ['manager', ['red']] }`) into `tokens`. */
export async function mintViewers(
  secret: string,
  tokens: Record<string, string>,
  viewers: Record<string, [Role, string[]]>,
): Promise<void> {
  for (const [sub, [role, teams]] of Object.entries(viewers)) {
    tokens[sub] = await signToken(secret, sub, '1h', { roles: [role], teams });
  }
}
