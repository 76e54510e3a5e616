import { createProxyMiddleware } from 'http-proxy-middleware';
import { probeAudio } from '@speech/audio';
import { immediateTransactor } from '@speech/persistence';
import { HttpRecordingReader, runService } from '@speech/runtime';
import { mountUploadGateway } from '@speech/upload-gateway';

/** Operational routes answer for the gateway itself; every other read goes to query. */
const OWN_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

runService('upload-gateway', async ({ bus, store, docs, log, cfg, access }) => ({
  mount: async (app) => {
    await mountUploadGateway(app, {
      bus,
      store,
      docs,
      tx: immediateTransactor,
      recordings: new HttpRecordingReader(cfg.QUERY_URL),
      access: access(),
      probe: probeAudio,
      log,
      config: {
        maxUploadBytes: cfg.MAX_UPLOAD_BYTES,
        publicUrl: () => cfg.PUBLIC_URL ?? `http://localhost:${cfg.PORT}`,
        uploadExpiryMs: cfg.UPLOAD_EXPIRY_HOURS * 3600_000,
      },
    });
    // The public API has one address: reads, SSE and the dashboard are served by query.
    app.use(
      createProxyMiddleware({
        target: cfg.QUERY_URL,
        changeOrigin: true,
        pathFilter: (path, req) => req.method === 'GET' && !OWN_ROUTES.has(path),
      }),
    );
  },
}));
