/** Operational routes answer for the gateway itself; every other read goes to query. */
const GATEWAY_OWN_READS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Which requests the distributed upload-gateway passes on to the query service (apps/upload-gateway):
 * every GET and HEAD it does not answer itself (its own routes match first), so the public API has
 * one address. HEAD too: `HEAD /audios/{id}/audio` is part of the API.
 */
export function isQueryRead(method: string | undefined, path: string): boolean {
  return (method === 'GET' || method === 'HEAD') && !GATEWAY_OWN_READS.has(path);
}
