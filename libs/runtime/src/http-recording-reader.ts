import type { RecordingReader, RecordingView } from '@speech/contracts';
import { AppError } from '@speech/kernel';

/**
 * The gateway's view of a recording's state in the distributed mode: the query service's
 * read model over HTTP, asked with the user's own bearer token.
 */
export class HttpRecordingReader implements RecordingReader {
  constructor(private readonly queryUrl: string) {}

  async get(_reader: unknown, audioId: string, credentials?: string): Promise<RecordingView | null> {
    let res: Response;
    try {
      res = await fetch(`${this.queryUrl}/audios/${encodeURIComponent(audioId)}`, {
        headers: credentials ? { authorization: credentials } : {},
        signal: AbortSignal.timeout(10_000),
      });
    } catch (cause) {
      throw new AppError('QUERY.UNAVAILABLE', `the query service does not answer: ${(cause as Error).message}`, {
        retriable: true,
        cause,
      });
    }
    if (res.status === 404) return null;
    if (!res.ok)
      throw new AppError('QUERY.UNAVAILABLE', `the query service answered ${res.status}`, { retriable: true });
    return (await res.json()) as RecordingView;
  }
}
