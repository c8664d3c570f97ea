/**
 * Express assembly for everything but Twilio's webhooks (those are answered by the front door,
 * src/http/front-door.ts, which hands every other request here): routes, body limits, and the
 * one place errors become HTTP responses.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from '../wiring/context';
import { AppError } from '../shared/errors';
import { authenticate, requireRole } from './auth';
import { untrustedProxyHint } from './client-address';
import { broadcastsApi } from './broadcasts-api';
import { campaignsApi } from './campaigns-api';
import { consolePages } from './pages';
import { exportsApi } from './exports-api';
import { importsApi } from './imports-api';
import { auditApi } from './audit-api';
import { peopleApi } from './people-api';
import { autoReplyApi, cannedResponsesApi, inboxApi } from './inbox-api';
import { errorAnswer } from './error-response';
import { campaignIdeasApi, ideasApi, pollsApi } from './polls-api';
import { votingExportsApi } from './polls-exports';
import { linksRoute } from './links';
import { donationsWebhook } from './donations-webhook';
import { donationImportsApi, pledgesApi } from './pledges-api';
import { sequencesApi } from './sequences-api';
import { referralsApi } from './referrals-api';
import { supporterPageRoutes } from './pages/supporter-page';
import { checkDatabase } from '../usecases/health/health';

export function buildApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // TRUST_PROXY names the reverse proxy in front, so req.ip is the client behind it (throttles count per client).
  app.set('trust proxy', ctx.config.trustProxy);
  app.set('etag', false);
  app.use(untrustedProxyHint(ctx));

  app.get('/healthz', async (_req, res) => {
    try {
      await checkDatabase(ctx);
      res.json({ status: 'ok', database: 'ok', localMode: ctx.config.localMode });
    } catch (err) {
      ctx.logger.error({ err: (err as Error).message }, 'health check: database unreachable');
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  });

  // Tracked short links (/l/<code>) and the payment processor's webhook: public, their own checks.
  app.use(linksRoute(ctx));
  app.use(donationsWebhook(ctx));
  // Supporters' own pages (/p/<token>): public, the token is the secret.
  app.use(supporterPageRoutes(ctx));

  // The organizer console, the live rally screen and their assets (HTML; /api stays JSON).
  app.use(consolePages(ctx));

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use(authenticate(ctx));
  // Volunteers may download exports and work the inbox (within their scope: the use case checks
  // it) and nothing else: those routers are mounted before the organizer gate, and every other
  // /api route (present or future) sits behind it.
  api.use('/exports', exportsApi(ctx));
  api.use('/exports', votingExportsApi(ctx));
  api.use('/inbox', inboxApi(ctx));
  api.use('/canned-responses', cannedResponsesApi(ctx));
  api.use(requireRole('admin'));
  api.use('/campaigns', autoReplyApi(ctx));
  api.use('/campaigns', campaignsApi(ctx));
  api.use('/campaigns', campaignIdeasApi(ctx));
  api.use('/campaigns', referralsApi(ctx));
  api.use('/polls', pollsApi(ctx));
  api.use('/ideas', ideasApi(ctx));
  api.use('/imports', importsApi(ctx));
  api.use('/imports', donationImportsApi(ctx));
  api.use('/pledges', pledgesApi(ctx));
  api.use('/sequences', sequencesApi(ctx));
  api.use('/broadcasts', broadcastsApi(ctx));
  api.use('/audit', auditApi(ctx));
  api.use('/people', peopleApi(ctx));
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
