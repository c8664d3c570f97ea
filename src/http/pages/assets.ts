/**
 * Static files for the console and the live screen: hand-written CSS and JS from public/, plus
 * /assets/segments.js, generated from src/core/segments.ts so the browser's counter is the
 * server's own function. No build step, nothing fetched from outside the gateway.
 */
import path from 'node:path';
import express, { Router } from 'express';
import { segmentCounterSource } from '../../core/segments';

/** public/ at the repository root (the same relative place from src/ and from dist/). */
export const PUBLIC_DIR = path.join(__dirname, '..', '..', '..', 'public');

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
