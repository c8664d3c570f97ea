/**
 * Graceful stop for the HTTP server: no new connections, every request already received is
 * answered, and no client is left holding a keep-alive connection that keeps the process up.
 *
 * server.close() only stops accepting and closes connections idle at that instant; a keep-alive
 * connection whose request is still in flight would otherwise stay open after its answer until
 * the client or keepAliveTimeout (65 s) ends it. So once draining, every answer carries
 * "Connection: close" (the socket closes right after it), and idle sockets are swept until the
 * server has closed.
 */
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';

export interface Drainable {
  listener: RequestListener;
  /** Stop accepting and resolve once every connection is closed. */
  drain(server: Server): Promise<void>;
}

export function drainable(listener: RequestListener): Drainable {
  let draining = false;
  const open = new Set<ServerResponse>();
  return {
    listener: (req: IncomingMessage, res: ServerResponse) => {
      if (draining) res.setHeader('Connection', 'close');
      else {
        open.add(res);
        res.once('close', () => open.delete(res));
      }
      listener(req, res);
    },
    drain: (server) =>
      new Promise<void>((resolve) => {
        draining = true;
        for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close');
        server.close(() => {
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
      }),
  };
}
