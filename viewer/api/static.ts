/**
 * The built viewer (dist/ui, made by `npm run build`), served with a fallback to
 * index.html for the app's own paths (/search, /trace/{id}), so deep links load, and
 * for any other page, with a 404, so the app shows its not-found page.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import express, { Router } from 'express';

/** dist/ui under the package root, found from wherever this module runs (source under jest, dist/ when built). */
export function uiDir(): string | undefined {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      const ui = path.join(dir, 'dist', 'ui');
      return fs.existsSync(path.join(ui, 'index.html')) ? ui : undefined;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const APP_PATHS = ['/', '/search', '/live', '/sql', '/dependencies', '/anomalies', '/service/:service', '/trace/:traceId'];

export function staticRouter(): Router {
  const router = Router();
  const dir = uiDir();
  if (dir === undefined) {
    router.get(APP_PATHS, (_req, res) => {
      res.status(503).type('text/plain').send('The viewer is not built: run `npm run build` (npm start does it for you).\n');
    });
    return router;
  }
  const index = path.join(dir, 'index.html');
  // Hashed asset names never change: cache them; index.html always revalidates.
  router.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '1y', index: false }));
  router.get(APP_PATHS, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  router.use(express.static(dir, { index: false }));
  // Any other page a browser asks for is the app's own not-found page, with a 404 status:
  // the app routes /nope to it. API paths keep their JSON 404s (their routers answer
  // first), and a missing asset is no page: the app's last resort answers both.
  router.use((req, res, next) => {
    const page = (req.method === 'GET' || req.method === 'HEAD') && !/^\/(api|assets)(\/|$)/.test(req.path) && req.accepts('html') !== false;
    if (!page) {
      next();
      return;
    }
    res.status(404).setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
