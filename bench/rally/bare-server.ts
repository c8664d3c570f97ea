/**
 * The baseline: bare express answering every POST /twilio/sms with one fixed TwiML string, and
 * nothing else (the baseline). With BARE_PARSE_BODY=true it also parses the form with
 * express.urlencoded first, as any express webhook handler must before it can check a signature.
 * Run as a child process by bench/rally.ts: PORT=... node build/bench/rally/bare-server.js
 */
import express from 'express';

const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks for joining!</Message></Response>';
const parseBody = process.env.BARE_PARSE_BODY === 'true';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
if (parseBody) app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 1000 }));
app.post('/twilio/sms', (_req, res) => {
  res.status(200).type('text/xml').send(TWIML);
});
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});

const server = app.listen(Number(process.env.PORT ?? 3001), process.env.HOST ?? '127.0.0.1');
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
