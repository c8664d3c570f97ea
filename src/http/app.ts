/** Express assembly: routes, body limits, and the one place errors become HTTP responses. */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { smsWebhook, twilioForm } from '../twilio/webhook';
import { authenticate, requireRole } from './auth';
import { campaignsApi } from './campaigns-api';
import { errorAnswer } from './error-response';

export function buildApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('etag', false);

  app.post('/twilio/sms', twilioForm, smsWebhook(ctx));

  app.get('/healthz', (_req, res) => {
    try {
      ctx.store.prepare('SELECT 1 AS ok').get();
      res.json({ status: 'ok', database: 'ok', localMode: ctx.config.localMode });
    } catch (err) {
      ctx.logger.error({ err: (err as Error).message }, 'health check: database unreachable');
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  });

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use(authenticate(ctx));
  api.use('/campaigns', requireRole('admin'), campaignsApi(ctx));
  app.use('/api', api);

  app.use((req: Request) => {
    throw new AppError('not_found', `no route for ${req.method} ${req.path}`);
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const answer = errorAnswer(ctx, err, req.method, req.path);
    if (res.headersSent) return;
    res.set(answer.headers).status(answer.status).json(answer.body);
  });

  return app;
}
