/**
 * Context for the baselines: plain node:http (no express) reading the body and answering the
 * same fixed TwiML. Shows what express itself costs per request on this machine.
 * Run as a child process by bench/rally.ts: PORT=... node build/bench/rally/bare-node-server.js
 */
import http from 'node:http';

const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks for joining!</Message></Response>';
const HEADERS = { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(TWIML) };

const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end('{"status":"ok"}');
    return;
  }
  req.resume();
  req.on('end', () => {
    res.writeHead(200, HEADERS);
    res.end(TWIML);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 3002), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
