/** Logs are pino JSON with phone numbers masked and tokens redacted. */
import { Writable } from 'node:stream';
import { createLogger, maskPhone } from '../src/shared/logger';
import { ADMIN_TOKEN, AUTH_TOKEN, testApp, text } from './helpers/app';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
  return { lines, logger: createLogger('debug', sink) };
}

describe('logs', () => {
  it('masks phone numbers', () => {
    expect(maskPhone('+13125550042')).toBe('+1312***0042');
    const { lines, logger } = capture();
    logger.info({ from: '+13125550042', nested: { list: ['+447700900123'] } }, 'texted by +13125550042');
    const line = JSON.parse(lines[0]!);
    expect(line.from).toBe('+1312***0042');
    expect(line.nested.list[0]).toBe('+4477***0123');
    expect(line.msg).toBe('texted by +1312***0042');
  });

  it('redacts tokens and auth headers', () => {
    const { lines, logger } = capture();
    logger.info({ authToken: AUTH_TOKEN, req: { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-twilio-signature': 'abc=' } } }, 'x');
    expect(lines[0]).not.toContain(AUTH_TOKEN);
    expect(lines[0]).not.toContain(ADMIN_TOKEN);
    expect(lines[0]).not.toContain('abc=');
  });

  it('a whole conversation logs no raw phone number and no token', async () => {
    const t = testApp();
    try {
      for (const body of ['JOIN', 'Ana', '60601', 'STOP']) await text(t.app, '+13125550100', body);
      await text(t.app, '+13125550100', 'JOIN', {}, '+19995550100');
      const all = t.logs.join('');
      expect(t.logs.length).toBeGreaterThan(3);
      expect(all).not.toContain('+13125550100');
      expect(all).not.toContain('3125550100');
      expect(all).not.toContain(AUTH_TOKEN);
      expect(all).toContain('+1312***0100');
    } finally {
      t.close();
    }
  });
});
