/**
 * Static files for the console and the live screen: hand-written CSS and JS from public/, plus
 * /assets/segments.js, generated from src/core/segments.ts so the browser's counter is the
 * server's own function. No build step, nothing fetched from outside the gateway.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { segmentCounterSource } from '../../core/segments';

/** public/ at the repository root: three levels up from src/http/pages and dist/http/pages, four from build/src/…. */
export const PUBLIC_DIR = [path.join(__dirname, '..', '..', '..', 'public'), path.join(__dirname, '..', '..', '..', '..', 'public')].find((p) =>
  fs.existsSync(path.join(p, 'console.css')),
) ?? path.join(__dirname, '..', '..', '..', 'public');

export function assetRoutes(): Router {
  const r = Router();
  const segments = segmentCounterSource();
  r.get('/assets/segments.js', (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'no-cache').send(segments);
  });
  r.use(
    '/assets',
    express.static(PUBLIC_DIR, {
      index: false, dotfiles: 'deny', fallthrough: false, etag: true, lastModified: true,
      setHeaders: (res) => {
        res.set('Cache-Control', 'no-cache');
        res.set('X-Content-Type-Options', 'nosniff');
      },
    }),
  );
  return r;
}
