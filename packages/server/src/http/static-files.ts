/**
 * Serves the built dashboard (`web/dist`) at `/`, with SPA fallback to index.html. Without a
 * build, `/` explains how to make one.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const NO_DASHBOARD = `ContainerOps server is running. The dashboard is not built yet:

  npm run build -w web        (from the repository root)

then restart the server, or point it at a build with CONTAINEROPS_WEB_DIR / web: in containerops.yaml.
The API is at /graphql.
`;

/** `web/dist` of the repository this package sits in (packages/server/{src,dist}/http → web/dist). */
export function defaultWebDir(): string {
  return resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../web/dist');
}

export function serveStatic(
  webDir: string,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const index = join(webDir, 'index.html');
  if (!existsSync(index)) {
    res
      .writeHead(path === '/' ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8' })
      .end(NO_DASHBOARD);
    return;
  }
  let file = normalize(join(webDir, decodeURIComponent(path)));
  if (!file.startsWith(webDir + sep) && file !== webDir) file = index; // no escaping the directory
  const isFile = existsSync(file) && statSync(file).isFile();
  const target = isFile ? file : index;
  const immutable = isFile && target.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(target).pipe(res);
}
