/** The console's page shell: skip link, navigation by role, sign-out, flash message, scripts. */
import type { Role } from '../auth';
import type { ConsoleSession } from '../session';
import { html, type Html } from './html';

export type NavKey = 'campaigns' | 'inbox' | 'rehearse' | 'contacts' | 'broadcasts' | 'exports' | 'people' | 'audit';

interface NavItem {
  key: NavKey;
  href: string;
  label: string;
  roles: Role[];
}

/** Pages linked from the header, in order, with the roles that see each. */
export const NAV: NavItem[] = [
  { key: 'campaigns', href: '/campaigns', label: 'Campaigns', roles: ['admin'] },
  { key: 'inbox', href: '/inbox', label: 'Inbox', roles: ['admin', 'volunteer'] },
  { key: 'rehearse', href: '/rehearse', label: 'Rehearse', roles: ['admin'] },
  { key: 'contacts', href: '/contacts', label: 'Contacts', roles: ['admin'] },
  { key: 'broadcasts', href: '/broadcasts', label: 'Broadcasts', roles: ['admin'] },
  { key: 'exports', href: '/exports', label: 'Exports', roles: ['admin', 'volunteer'] },
  { key: 'people', href: '/people', label: 'People', roles: ['admin'] },
  { key: 'audit', href: '/audit', label: 'Audit', roles: ['admin'] },
];

export interface PageOptions {
  title: string;
  session: ConsoleSession | null;
  active?: NavKey;
  body: Html;
  /** Script files under /assets/, loaded deferred. */
  scripts?: string[];
  flash?: string | null;
  /** Role or error pages may want the heading to say more than the title. */
  bodyClass?: string;
}

export function csrfField(session: ConsoleSession): Html {
  return html`<input type="hidden" name="_csrf" value="${session.csrf}">`;
}

function header(session: ConsoleSession | null, active: NavKey | undefined): Html {
  if (!session) {
    return html`<header class="top"><span class="brand">rallytext</span></header>`;
  }
  const items = NAV.filter((n) => n.roles.includes(session.role));
  return html`<header class="top">
  <span class="brand">rallytext</span>
  <nav aria-label="Console">
    <ul>${items.map(
      (n) => html`<li><a href="${n.href}"${n.key === active ? html` aria-current="page"` : ''}>${n.label}</a></li>`,
    )}</ul>
  </nav>
  <form method="post" action="/signout" class="signout">
    ${csrfField(session)}
    <span class="role"><a href="/account">${session.actor.id.startsWith('user:') ? html`${session.actor.name} · ` : ''}${session.role === 'admin' ? 'Organizer' : 'Volunteer'}</a></span>
    <button type="submit" class="secondary">Sign out</button>
  </form>
</header>`;
}

export function consolePage(o: PageOptions): string {
  // Page scripts first: console.js wires what they define (e.g. the segment counter).
  const scripts = [...(o.scripts ?? []), 'console.js'];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${o.title} · rallytext</title>
<link rel="stylesheet" href="/assets/console.css">
${o.session ? html`<meta name="csrf-token" content="${o.session.csrf}">` : ''}
${scripts.map((s) => html`<script src="/assets/${s}" defer></script>`)}
</head>
<body${o.bodyClass ? html` class="${o.bodyClass}"` : ''}>
<a class="skip" href="#main">Skip to content</a>
${header(o.session, o.active)}
<main id="main" tabindex="-1">
${o.flash ? html`<p class="flash" role="status">${o.flash}</p>` : ''}
${o.body}
</main>
</body>
</html>
`.value;
}

/** A minimal page for errors (404, 403, …) in the console's look. */
export function errorPage(session: ConsoleSession | null, title: string, message: string, status: number): string {
  return consolePage({
    title,
    session,
    body: html`<h1>${title}</h1><p>${message}</p><p class="muted">HTTP ${status}</p>
<p><a href="/">Back to the console</a></p>`,
  });
}
