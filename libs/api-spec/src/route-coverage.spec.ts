import express from 'express';
import { openApiDocument } from './openapi-document';
import { registeredRoutes, routeCoverageProblems } from './route-coverage';

describe('route coverage', () => {
  it('reads the routes an app registers, in OpenAPI path form, and leaves middleware out', () => {
    const app = express();
    app.get('/audios/:audioId/transcript', (_req, res) => void res.end());
    app.post('/upload', (_req, res) => void res.end());
    app.use('/static', express.static(__dirname));
    expect(registeredRoutes(app)).toEqual([
      { method: 'get', path: '/audios/{audioId}/transcript' },
      { method: 'post', path: '/upload' },
    ]);
  });

  it('names a served route the document lacks, and tells where to add it', () => {
    const doc = openApiDocument();
    const served = Object.keys(doc.paths).flatMap((path) =>
      (['get', 'post', 'put', 'patch', 'delete'] as const)
        .filter((m) => doc.paths[path]?.[m])
        .map((method) => ({ method, path })),
    );
    expect(served).toContainEqual({ method: 'patch', path: '/audios/{audioId}' });
    // The same document without the PATCH the app serves.
    const rest = { ...doc.paths['/audios/{audioId}'] };
    delete rest.patch;
    const lacking = { ...doc, paths: { ...doc.paths, '/audios/{audioId}': rest } };
    expect(routeCoverageProblems(served, lacking, 'test')).toEqual([
      expect.stringMatching(
        /^PATCH \/audios\/\{audioId\} is served \(test\) but not in the OpenAPI document\. Add it to libs\/api-spec\/src\/openapi-document\.ts: paths\['\/audios\/\{audioId\}'\]\.patch = .*requestBody/,
      ),
    ]);
  });

  it('names a documented route nobody serves; a documented HEAD is served by its GET', () => {
    const doc = openApiDocument();
    const served = [{ method: 'get' as const, path: '/audios/{audioId}/audio' }];
    const problems = routeCoverageProblems(served, doc, 'test');
    expect(problems).toContain(
      'POST /upload is in the OpenAPI document but not served (test). Mount the route, or remove ' +
        "paths['/upload'].post from libs/api-spec/src/openapi-document.ts.",
    );
    expect(problems.join('\n')).not.toMatch(/\/audios\/\{audioId\}\/audio/);
  });
});
