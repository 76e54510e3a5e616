/** A platform's live stream (`/events`) as text, read in the background until closed. */
export function openStream(url: string, token: string) {
  const stop = new AbortController();
  let text = '';
  const done = fetch(`${url}/events?access_token=${token}`, { signal: stop.signal })
    .then(async (res) => {
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) return;
        text += decoder.decode(value, { stream: true });
      }
    })
    .catch(() => undefined);
  return {
    text: () => text,
    close: async () => {
      stop.abort();
      await done;
    },
  };
}
