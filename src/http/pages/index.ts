/**
 * The organizer console and the live rally screen, served by the gateway itself: server-rendered
 * pages (strictly escaped template literals) with small scripts from public/.
 */
import express, { Router } from 'express';
import type { AppContext } from '../../wiring/context';
import { assetRoutes } from './assets';
import { broadcastPages } from './broadcasts';
import { campaignPages } from './campaigns';
import { contactPages } from './contacts';
import { exportPages } from './exports';
import { inboxPages } from './inbox';
import { pageErrors, pageHeaders } from './guard';
import { liveRoutes } from './live';
import { rehearsePages } from './rehearse';
import { signInRoutes } from './signin';
import { joinRoutes } from './join';
import { peoplePages } from './people';
import { auditPages } from './audit';
import { accountPages } from './account';
import { publicIdeasRoutes } from './public-ideas';
import { votePages } from './votes';

export function consolePages(ctx: AppContext): Router {
  const r = Router();
  r.use(assetRoutes());
  r.use(pageHeaders);
  r.use(liveRoutes(ctx));
  r.use(publicIdeasRoutes(ctx));
  r.use(signInRoutes(ctx));
  r.use(joinRoutes(ctx));
  const forms = express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 2000 });
  r.use(['/campaigns', '/rehearse', '/contacts', '/broadcasts', '/people', '/account', '/inbox'], forms);
  r.use(campaignPages(ctx));
  r.use(rehearsePages(ctx));
  r.use(contactPages(ctx));
  r.use(broadcastPages(ctx));
  r.use(exportPages(ctx));
  r.use(peoplePages(ctx));
  r.use(auditPages(ctx));
  r.use(accountPages(ctx));
  r.use(inboxPages(ctx));
  r.use(votePages(ctx));
  r.use(pageErrors(ctx));
  return r;
}
