/**
 * Who a request comes from, as the throttles count it (sign-in and API failures, live screens).
 *
 * req.ip is the socket's address unless TRUST_PROXY names the reverse proxy in front, in which
 * case express takes the client from X-Forwarded-For. One IPv6 host usually owns a whole /64,
 * so an IPv6 client is counted by its /64 (otherwise one laptop is 2^64 clients); an
 * IPv4-mapped IPv6 address is the IPv4 address it carries.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../wiring/context';

/** The first four 16-bit groups of an IPv6 address, expanded ("2001:db8:0:1::/64"). */
function ipv6Prefix64(address: string): string {
  const ip = address.split('%')[0]!;
  const halves = ip.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const width = (gs: string[]) => gs.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const head = groups(halves[0]);
  const tail = halves.length > 1 ? groups(halves[1]) : [];
  const filled = halves.length > 1 ? [...head, ...Array<string>(Math.max(0, 8 - width(head) - width(tail))).fill('0'), ...tail] : head;
  return `${filled.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  return isIPv6(ip) ? ipv6Prefix64(ip) : ip;
}

/** The request's client, for counting. */
export function clientOf(req: Request): string {
  return clientKey(req.ip);
}

/**
 * With TRUST_PROXY off, a request carrying X-Forwarded-For most likely came through a proxy
 * nobody told the gateway about: then every client shares the proxy's address, and the
 * per-client limits treat everyone as one. Say so once, at warn.
 */
export function untrustedProxyHint(ctx: AppContext) {
  let warned = ctx.config.trustProxy !== false;
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!warned && req.headers['x-forwarded-for'] !== undefined) {
      warned = true;
      ctx.logger.warn(
        { socketAddress: req.socket.remoteAddress },
        'requests carry X-Forwarded-For but TRUST_PROXY is off: every client behind that proxy shares its address for sign-in throttling and live-screen limits (set TRUST_PROXY, e.g. "loopback")',
      );
    }
    next();
  };
}
