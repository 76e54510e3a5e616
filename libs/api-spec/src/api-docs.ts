import { dirname, join } from 'node:path';
import type { Express, NextFunction, Request, Response } from 'express';
import express from 'express';
import { openApiDocument } from './openapi-document';

/** Swagger UI's files, from the npm package: the page loads nothing from anywhere else. */
const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));
const OWN_ASSETS_DIR = join(__dirname, '../assets');
/** The files the page uses; the rest of the package (its demo page, source maps) is not served. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': SWAGGER_UI_DIR,
  'swagger-ui-bundle.js': SWAGGER_UI_DIR,
  'favicon-32x32.png': SWAGGER_UI_DIR,
  'docs-init.js': OWN_ASSETS_DIR,
};

/**
 * No Content-Security-Policy of its own: the platform's (libs/platform securityHeaders: scripts,
 * styles, images and requests from this origin only, `data:` images) suits Swagger UI, whose
 * initializer is a file (assets/docs-init.js) rather than an inline script. So the page works
 * offline and sends nothing elsewhere (its remote validator badge is off).
 */

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Speech Coach API</title>
    <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png" />
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/docs-init.js"></script>
  </body>
</html>
`;

/**
 * `GET /openapi.json` (the document) and `GET /docs` (Swagger UI on it, its assets under
 * /docs/assets). No token: the document describes the API, it holds no data.
 */
export function mountApiDocs(app: Express): void {
  const document = JSON.stringify(openApiDocument());
  app.get('/openapi.json', (_req: Request, res: Response) => {
    res.type('application/json').setHeader('Cache-Control', 'no-cache');
    res.send(document);
  });
  app.get('/docs', (_req: Request, res: Response) => {
    res.type('text/html').send(PAGE);
  });
  app.use('/docs/assets', (req: Request, res: Response, next: NextFunction) => {
    const file = req.path.slice(1);
    const dir = ASSETS[file];
    if (!dir || (req.method !== 'GET' && req.method !== 'HEAD')) {
      next();
      return;
    }
    express.static(dir, { index: false, fallthrough: false, maxAge: '1h' })(req, res, next);
  });
}
