import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import { openApiDocument, registeredRoutes, routeCoverageProblems, type RouteKey } from '@speech/api-spec';
import { defineQuery } from '@speech/query';
import { accessControl, createHttpApp, createLogger, finishHttpApp, TokenVerifier } from '@speech/platform';
import { HttpRecordingReader, isQueryRead, openEmbeddedInfrastructure } from '@speech/runtime';
import type { ServiceInfra } from '@speech/service-kit';
import { defineUploadGateway } from '@speech/upload-gateway';
import { loadStandaloneConfig } from './config';
import { startStandalone, type RunningPlatform } from './standalone';

/**
 * Every route the platform serves is in the OpenAPI document (libs/api-spec), and every operation
 * the document names is served: in the single process (the app startStandalone builds), and in
 * the distributed mode (the upload-gateway's own routes, plus the query service's reads it passes
 * on). A failure names the route and says what to add or remove.
 */
const log = createLogger({ name: 'api-routes-spec', level: 'silent' });
const doc = openApiDocument();
const format = (problems: string[]) => problems.map((p) => `\n  - ${p}`).join('');

describe('the OpenAPI document covers every route', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'api-routes-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  describe('single process', () => {
    let platform: RunningPlatform;
    beforeAll(async () => {
      const cfg = loadStandaloneConfig({
        DATA_DIR: tempDir(),
        PORT: '0',
        HOST: '127.0.0.1',
        AUTH_JWT_SECRET: 'a-secret-of-sixteen-chars',
        STT_PROVIDER: 'pocketsphinx', // no engine process to start: only the routes are read
      });
      platform = await startStandalone(cfg, log);
    });
    afterAll(() => platform.stop());

    it('serves exactly the documented operations', () => {
      expect(format(routeCoverageProblems(registeredRoutes(platform.app), doc, 'single process'))).toBe('');
    });
  });

  describe('distributed (the upload-gateway in front of query)', () => {
    let gatewayApp: Express;
    let queryApp: Express;
    const closers: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      // The services as apps/upload-gateway and apps/query mount them; SQLite stands in for
      // MongoDB and Kafka, which only the handlers (never called here) would touch.
      const access = accessControl(new TokenVerifier({ jwtSecret: 'a-secret-of-sixteen-chars' }));
      const infraFor = async (service: string): Promise<ServiceInfra> => {
        const infra = await openEmbeddedInfrastructure(tempDir(), log);
        closers.push(() => infra.close());
        return {
          bus: infra.bus,
          docs: infra.docs,
          store: infra.store,
          tx: infra.database,
          log: log.child({ service }),
        };
      };
      const gateway = await defineUploadGateway(
        await infraFor('upload-gateway'),
        { recordings: new HttpRecordingReader('http://127.0.0.1:9'), access, publicUrl: () => 'http://localhost' },
        { MAX_UPLOAD_BYTES: 1024, UPLOAD_EXPIRY_HOURS: 1 },
      );
      closers.push(async () => gateway.stop?.());
      gatewayApp = createHttpApp({ log, service: 'upload-gateway' });
      await gateway.mount?.(gatewayApp);
      finishHttpApp(gatewayApp, log);
      const query = await defineQuery(await infraFor('query'), access, 'bus');
      queryApp = createHttpApp({ log, service: 'query' });
      await query.mount?.(queryApp);
      finishHttpApp(queryApp, log);
    });
    afterAll(async () => {
      for (const close of closers.reverse()) await close();
    });

    it('serves exactly the documented operations at the gateway’s address', () => {
      const own = registeredRoutes(gatewayApp);
      const ownKeys = new Set(own.map((r) => `${r.method} ${r.path}`));
      // What the gateway passes on: query's GET routes it does not answer itself (HEAD rides on GET).
      const passedOn = registeredRoutes(queryApp).filter(
        (r: RouteKey) => isQueryRead(r.method.toUpperCase(), r.path) && !ownKeys.has(`${r.method} ${r.path}`),
      );
      expect(format(routeCoverageProblems([...own, ...passedOn], doc, 'distributed'))).toBe('');
    });

    it('refuses a part URL it never signed with a 403, not a 500 (no signing key: S3 takes the parts)', async () => {
      const server = gatewayApp.listen(0, '127.0.0.1');
      await new Promise((ok) => server.once('listening', ok));
      try {
        const { port } = server.address() as AddressInfo;
        const res = await fetch(
          `http://127.0.0.1:${port}/uploads/x/parts/1/data?expires=${Date.now() + 60_000}&signature=abc`,
          { method: 'PUT', body: 'bytes' },
        );
        expect(res.status).toBe(403);
        expect(await res.json()).toMatchObject({ error: { code: 'UPLOAD.FORBIDDEN' } });
      } finally {
        await new Promise((ok) => server.close(ok));
      }
    });

    it('has query serve only reads: a write it mounted would never be reached through the gateway', () => {
      expect(registeredRoutes(queryApp).filter((r) => !isQueryRead(r.method.toUpperCase(), '/'))).toEqual([]);
    });
  });
});
