/**
 * The <head> of the pages shown to the public on a big screen or a phone (the live screen, the
 * public ideas page): one place for what they must all carry — a phone viewport, no favicon
 * request, `noindex` (their links are unguessable, not secret from search engines once shared),
 * and only external stylesheets and scripts (the CSP forbids inline ones).
 */
import { html, type Html } from './html';

export function screenHead(title: string, scripts: readonly string[] = []): Html {
  return html`<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<meta name="robots" content="noindex">
<title>${title}</title>
<link rel="stylesheet" href="/assets/live.css">
<link rel="stylesheet" href="/assets/live-votes.css">
${scripts.map((src) => html`<script src="${src}" defer></script>
`)}</head>`;
}
