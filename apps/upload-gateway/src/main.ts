import { createProxyMiddleware } from 'http-proxy-middleware';
import { HttpRecordingReader, isQueryRead, runService } from '@speech/runtime';
import { defineUploadGateway } from '@speech/upload-gateway';

runService('upload-gateway', async ({ infra, cfg, access, authClient }) => {
  const gateway = await defineUploadGateway(
    infra,
    {
      recordings: new HttpRecordingReader(cfg.QUERY_URL),
      access: access(),
      authClient,
      publicUrl: () => cfg.PUBLIC_URL ?? `http://localhost:${cfg.PORT}`,
    },
    cfg,
  );
  return {
    ...gateway,
    mount: async (app) => {
      await gateway.mount?.(app);
      // The public API has one address: reads, SSE and the dashboard are served by query.
      app.use(
        createProxyMiddleware({
          target: cfg.QUERY_URL,
          changeOrigin: true,
          pathFilter: (path, req) => isQueryRead(req.method, path),
        }),
      );
    },
  };
});
