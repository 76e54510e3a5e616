/**
 * Requests by name: each named viewer's bearer token from `tokens` (the teams and objection e2e
 * tests sign one per agent and manager).
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
