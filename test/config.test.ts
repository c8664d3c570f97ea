/** Config is parsed with zod at start-up and fails fast naming every bad variable. */
import { ConfigError, loadConfig } from '../src/wiring/config';
import { createLogger } from '../src/shared/logger';
import { createContext } from '../src/wiring/create-context';
import fs from 'node:fs';
import { ADMIN_TOKEN, tempDbFile } from './helpers/app';
import { MAIN, runNode, startGateway } from './helpers/child';

describe('loadConfig', () => {
  it('has working defaults: local mode on the embedded SQLite file', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000, host: '127.0.0.1', databaseUrl: 'sqlite:./data/rallytext.db', localMode: true,
      publicBaseUrl: 'http://localhost:3000', sendRateMps: 100, quietHours: { start: '08:00', end: '21:00' }, seedDemo: true,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('leaves local mode with Twilio credentials', () => {
    const c = loadConfig({
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'x'.repeat(32), PUBLIC_BASE_URL: 'https://sms.example.org/',
      ADMIN_TOKEN: 'a'.repeat(20), QUIET_HOURS: 'off', SEED_DEMO: 'false',
    });
    expect(c).toMatchObject({ localMode: false, host: '0.0.0.0', publicBaseUrl: 'https://sms.example.org', quietHours: null, seedDemo: false });
  });

  it('names every bad variable at once', () => {
    let err: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', SEND_RATE_MPS: '0', QUIET_HOURS: '8-21', LOG_LEVEL: 'loud', SEED_DEMO: 'maybe', PUBLIC_BASE_URL: 'not a url' });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'PUBLIC_BASE_URL', 'QUIET_HOURS', 'SEED_DEMO', 'SEND_RATE_MPS']);
  });

  it('requires PUBLIC_BASE_URL, the account SID and an admin token whenever TWILIO_AUTH_TOKEN is set', () => {
    expect(() => loadConfig({ TWILIO_AUTH_TOKEN: 'x'.repeat(32) })).toThrow(/PUBLIC_BASE_URL: is required when TWILIO_AUTH_TOKEN is set/);
    try {
      loadConfig({ TWILIO_AUTH_TOKEN: 'x'.repeat(32) });
    } catch (e) {
      expect((e as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['ADMIN_TOKEN', 'PUBLIC_BASE_URL', 'TWILIO_ACCOUNT_SID']);
    }
  });

  it('TRUST_PROXY: off by default; true, a hop count, or proxy addresses and CIDRs; anything else stops start-up', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'TRUE' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8 ,192.168.1.7,fd00::/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', '192.168.1.7', 'fd00::/8']);
    for (const bad of ['yes', 'loopback, nginx', '10.0.0.0/33', '10.0.0/8', '::1/129', '1.2.3.4/8/8', ',', '99']) {
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY: must be false, true, a hop count/);
    }
  });

  it('accepts sqlite: and postgres:// only (PostgreSQL opens asynchronously); refuses equal admin/volunteer tokens', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://localhost/test' });
    expect(config.databaseUrl).toBe('postgres://localhost/test');
    expect(() => createContext(config, createLogger('silent'))).toThrow(/use openContext/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://localhost/test' })).toThrow(/DATABASE_URL: must start with sqlite: or postgres:\/\//);
    expect(() => loadConfig({ ADMIN_TOKEN: 'same-token-123456789', VOLUNTEER_TOKEN: 'same-token-123456789' })).toThrow(/VOLUNTEER_TOKEN/);
  });
});

describe('start-up', () => {
  it('exits with the names of the bad variables (no stack trace)', async () => {
    const r = await runNode(MAIN, [], { PORT: '99999', TWILIO_AUTH_TOKEN: 'short' });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('Invalid configuration:');
    expect(r.stderr).toContain('PORT: must be a whole number from 0 to 65535 (got "99999")');
    expect(r.stderr).toContain('TWILIO_AUTH_TOKEN: must be at least 16 characters');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('exits with a clear error when the database cannot be opened', async () => {
    // A path under a regular file can never be created.
    const file = tempDbFile();
    fs.writeFileSync(file, 'not a directory');
    const r = await runNode(MAIN, [], { DATABASE_URL: `sqlite:${file}/sub/rallytext.db`, PORT: '0' });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('cannot open the database');
  });

  it('an unreachable PostgreSQL server is a clear start-up error, not a crash', async () => {
    const r = await runNode(MAIN, [], { DATABASE_URL: 'postgres://rallytext@127.0.0.1:9/nowhere', PORT: '0' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot open the database postgres://rallytext@127.0.0.1:9/nowhere');
    expect(r.stderr).toContain('The PostgreSQL server did not answer');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('a garbage database file is a clear start-up error', async () => {
    const file = tempDbFile();
    fs.writeFileSync(file, 'this is not a database'.repeat(100));
    const r = await runNode(MAIN, [], { DATABASE_URL: `sqlite:${file}`, PORT: '0' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('SQLITE_NOTADB');
  });

  test.each([
    ['SEED_DEMO unset', {}, ['Demo rally']],
    ['SEED_DEMO=false', { SEED_DEMO: 'false' }, []],
  ])('%s: the campaigns a fresh database starts with', async (_label, env, names) => {
    const gw = await startGateway({ DATABASE_URL: `sqlite:${tempDbFile()}`, ADMIN_TOKEN, ...env });
    try {
      const res = await fetch(`${gw.url}/api/campaigns`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const body = (await res.json()) as { campaigns: { name: string }[] };
      expect(body.campaigns.map((c) => c.name)).toEqual(names);
    } finally {
      await gw.stop();
    }
  });
});

describe('.env file', () => {
  it('is read at start-up, and the real environment wins over it', async () => {
    const dir = fs.mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'rallytext-env-'));
    fs.writeFileSync(`${dir}/.env`, 'PORT=abc\nSEND_RATE_MPS=0\n');
    const r = await runNode(MAIN, [], { SEND_RATE_MPS: '50' }, 20_000, dir);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('PORT: must be a whole number');
    expect(r.stderr).not.toContain('SEND_RATE_MPS');
  });
});
