/**
 * `/openapi.json` and `/docs`: Swagger UI from the swagger-ui-dist package, served by this
 * service (no CDN, so the page works offline and in locked-down clusters). The page's own
 * script is a file too, so its Content-Security-Policy (DOCS_PAGE_POLICY) needs no 'unsafe-inline' scripts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type Router from '@koa/router';
import servicePackage from '../../../package.json' with { type: 'json' };
import { markCompressible } from '../compression.js';
import { answeredNotModified } from '../conditional.js';
import { CONTENT_TYPES } from '../negotiate.js';
import { openApiDocument } from '../openapi/document.js';
import { HttpProblem } from '../problems.js';
import { NO_PARAMETERS, decodeQuery } from '../query-params.js';
import { releaseEtag } from '../representation/etag.js';
import { CACHE_CONTROL, DOCS_PAGE_POLICY } from '../representation/headers.js';

// Resolved at run time from wherever this module ends up (src/ under tsx, a chunk of dist/ when
// bundled): the assets are files of the installed package, never part of the bundle.
const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const SWAGGER_VERSION = (JSON.parse(readFileSync(join(SWAGGER_DIR, 'package.json'), 'utf8')) as { version: string }).version;
const SERVICE_VERSION = servicePackage.version;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>whc-api: API documentation</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, tryItOutEnabled: true });
});
`;

interface Asset {
  readonly type: string;
  readonly body: () => Buffer;
}

/** Read on first use, then kept: the bundle is about 1.4 MB and most processes never serve it. */
function fileAsset(type: string, file: string): Asset {
  let cached: Buffer | undefined;
  return { type, body: () => (cached ??= readFileSync(join(SWAGGER_DIR, file))) };
}

export const DOCS_ASSETS: Readonly<Record<string, Asset>> = {
  'swagger-ui.css': fileAsset('text/css; charset=utf-8', 'swagger-ui.css'),
  'swagger-ui-bundle.js': fileAsset('text/javascript; charset=utf-8', 'swagger-ui-bundle.js'),
  'init.js': { type: 'text/javascript; charset=utf-8', body: () => Buffer.from(INIT_SCRIPT) },
};

export function registerDocsRoutes(router: Router): void {
  const document = Buffer.from(JSON.stringify(openApiDocument(SERVICE_VERSION)));

  router.get('/openapi.json', (ctx) => {
    decodeQuery(NO_PARAMETERS, ctx.query);
    ctx.set('Content-Type', CONTENT_TYPES.json);
    ctx.set('Cache-Control', CACHE_CONTROL.document);
    markCompressible(ctx);
    ctx.body = document;
  });

  router.get('/docs', (ctx) => {
    ctx.set('Content-Type', 'text/html; charset=utf-8');
    ctx.set('Content-Security-Policy', DOCS_PAGE_POLICY);
    ctx.set('Cache-Control', CACHE_CONTROL.revalidate);
    ctx.body = PAGE;
  });

  router.get('/docs/:asset', (ctx) => {
    const asset = DOCS_ASSETS[ctx.params.asset ?? ''];
    if (asset === undefined || !Object.hasOwn(DOCS_ASSETS, ctx.params.asset ?? ''))
      throw new HttpProblem('ROUTE_NOT_FOUND', `no resource at ${ctx.path}`);
    ctx.set('Content-Type', asset.type);
    ctx.set('Cache-Control', CACHE_CONTROL.release);
    const etag = releaseEtag(`swagger-ui-${SWAGGER_VERSION}`, ctx.params.asset ?? '');
    ctx.set('ETag', etag);
    markCompressible(ctx);
    if (answeredNotModified(ctx, etag)) return;
    ctx.body = asset.body();
  });
}
