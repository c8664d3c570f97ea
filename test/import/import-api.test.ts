/**
 * POST /api/imports/contacts with the messy files in fixtures/imports, through the real HTTP app
 * into a real SQLite file: column mapping, phone normalisation, dedupe, line-numbered problems,
 * consent, never re-subscribing an opted-out number, dry runs, and all-or-nothing.
 */
import { ADMIN_TOKEN, admin, testApp, text, type TestApp, TEST_ENGINE } from '../helpers/app';
import { download, readCsv } from '../helpers/csv';
import { contactByPhone, importFixture, postImport, tableCounts } from '../helpers/imports';
import { demoCampaignId, signUp } from '../helpers/people';
import { resumeImports } from '../../src/usecases/imports/staged-run';
import { auditEntries } from '../helpers/accounts';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

/** Rows in the staging tables: an import in progress, or left behind. */
function stagedRows(): { runs: number; staged: number } {
  const n = (table: string) => (t.ctx.db.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { runs: n('contact_import_runs'), staged: n('contact_import_staging') };
}

const MESSY_CREATED = ['+13125550101', '+13125550102', '+13125550103', '+13125550104', '+13125550105'];

describe('a messy Excel file (BOM, CRLF, mixed phone formats, duplicates, blank lines, bad rows mid-file)', () => {
  test('imports the good rows as pending without consent, and reports every other row by line', async () => {
    const res = await postImport(t.app, importFixture('messy-excel.csv'), '?filename=messy-excel.csv');
    expect(res.status).toBe(200);
    const r = res.body;
    expect(r).toMatchObject({ dryRun: false, consent: 'none', newContactsStatus: 'pending', campaign: null });
    expect(r.columns).toEqual({ phone: ['Mobile Phone'], first_name: 'First', zip: 'Zip Code', email: 'E-mail', ignored: ['Last', 'Notes'] });
    expect(r.totals).toEqual({
      rows: 10, created: 6, subscribed: 0, updated: 0, unchanged: 0, optedOut: 0, duplicates: 1, invalid: 3, blankLines: 2, warnings: 2,
    });
    expect(r.invalid).toEqual([
      { line: 7, reason: '"call me maybe" is not a phone number' },
      { line: 10, reason: '"3.12555E+09" was turned into a number by a spreadsheet; format the phone column as text and export again' },
      { line: 11, reason: 'no phone number' },
    ]);
    expect(r.duplicates).toEqual([{ line: 6, phone: '+13125550101', firstLine: 2 }]);
    expect(r.warnings).toEqual([
      { line: 5, field: 'email', reason: '"not-an-email" is not an email address; left blank' },
      { line: 12, field: 'zip', reason: '"ABCDE" is not a US ZIP code; left blank' },
    ]);

    const s = t.ctx.db;
    expect(contactByPhone(s, '+13125550101')).toEqual({ phone: '+13125550101', first_name: 'Ana', zip: '60601', email: 'ana@example.org', status: 'pending' });
    expect(contactByPhone(s, '+13125550102')).toMatchObject({ first_name: 'José', zip: '02134' });
    expect(contactByPhone(s, '+13125550103')).toMatchObject({ first_name: 'Zoë 😀', email: null });
    expect(contactByPhone(s, '+13125550104')).toMatchObject({ first_name: 'Mary Ann', zip: '60601-1234', email: 'MARY@example.org' });
    expect(contactByPhone(s, '+13125550105')).toMatchObject({ first_name: '=HYPERLINK("http://evil.example","x")', zip: null });
    expect(tableCounts(s)).toEqual({ contacts: 6, campaign_members: 0, consent_events: 0, contact_imports: 1 });
  });

  test('consent=attested into a campaign: subscribed, joined with keyword IMPORT, one consent event each, exportable', async () => {
    const demo = demoCampaignId(t.ctx.db);
    const res = await postImport(t.app, importFixture('messy-excel.csv'), '?consent=attested&campaign=Demo%20rally');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ newContactsStatus: 'subscribed', campaign: { id: demo, name: 'Demo rally' }, totals: { created: 6 } });
    const db = t.ctx.db.sqlite;
    expect(db.prepare("SELECT count(*) AS n FROM contacts WHERE status = 'subscribed'").get()).toEqual({ n: 6 });
    expect(db.prepare("SELECT DISTINCT keyword, joined_at FROM campaign_members WHERE campaign_id = ?").all(demo)).toEqual([
      { keyword: 'IMPORT', joined_at: '2026-11-21T20:00:00.000Z' },
    ]);
    expect(db.prepare('SELECT kind, via, sender, campaign_id, count(*) AS n FROM consent_events GROUP BY 1, 2, 3, 4').all()).toEqual([
      { kind: 'opt_in', via: 'import', sender: '62262', campaign_id: demo, n: 6 },
    ]);
    const exported = readCsv((await download(t.app, `/api/exports/contacts.csv?campaign=${demo}`, ADMIN_TOKEN)).text).rows;
    expect(exported.map((r) => r.phone).sort()).toEqual([...MESSY_CREATED, '+13125550106']);
    expect(exported.find((r) => r.phone === '+13125550105')!.first_name).toBe('\'=HYPERLINK("http://evil.example","x")');
  });
});

describe('existing contacts', () => {
  test('an opted-out number is never re-subscribed, updated or added to the campaign, and is reported', async () => {
    const demo = demoCampaignId(t.ctx.db);
    await text(t.app, '+13125550106', 'JOIN');
    await text(t.app, '+13125550106', 'STOP');
    const before = t.ctx.db.sqlite.prepare('SELECT * FROM contacts WHERE phone = ?').get('+13125550106');
    const consentBefore = t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM consent_events').get();

    const res = await postImport(t.app, importFixture('messy-excel.csv'), `?consent=attested&campaign=${demo}`);
    expect(res.status).toBe(200);
    expect(res.body.totals).toMatchObject({ created: 5, optedOut: 1 });
    expect(res.body.optedOut).toEqual([{ line: 14, phone: '+13125550106' }]);
    expect(t.ctx.db.sqlite.prepare('SELECT * FROM contacts WHERE phone = ?').get('+13125550106')).toEqual(before);
    const events = t.ctx.db.sqlite
      .prepare('SELECT e.kind, e.via FROM consent_events e JOIN contacts c ON c.id = e.contact_id WHERE c.phone = ? ORDER BY e.rowid')
      .all('+13125550106');
    expect(events).toEqual([{ kind: 'opt_in', via: 'keyword' }, { kind: 'opt_out', via: 'keyword' }]);
    expect(t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM consent_events').get()).toEqual({ n: (consentBefore as { n: number }).n + 5 });
    // And nothing is texted to them: an export for volunteers does not carry them either.
    const exported = readCsv((await download(t.app, '/api/exports/contacts.csv', ADMIN_TOKEN)).text).rows;
    expect(exported.map((r) => r.phone)).not.toContain('+13125550106');
  });

  test('what people told us by text wins: imports only fill blanks; attested consent subscribes a pending contact', async () => {
    await signUp(t.app, '+13125550201', { name: 'Patricia', zip: '60640' });
    await text(t.app, '+13125550202', 'hello?');
    const res = await postImport(t.app, importFixture('clean.csv'), '?consent=attested&campaign=Demo%20rally');
    expect(res.status).toBe(200);
    expect(res.body.totals).toMatchObject({ rows: 3, created: 1, subscribed: 1, updated: 1, unchanged: 0 });
    expect(contactByPhone(t.ctx.db, '+13125550201')).toEqual({
      phone: '+13125550201', first_name: 'Patricia', zip: '60640', email: 'pat@example.org', status: 'subscribed',
    });
    expect(contactByPhone(t.ctx.db, '+13125550202')).toMatchObject({ first_name: 'Quinn', status: 'subscribed' });
    const again = await postImport(t.app, importFixture('clean.csv'), '?consent=attested&campaign=Demo%20rally');
    expect(again.body.totals).toMatchObject({ created: 0, subscribed: 0, updated: 0, unchanged: 3 });
  });
});

describe('dry run', () => {
  test('reports exactly what the real import then does, and writes nothing', async () => {
    await text(t.app, '+13125550106', 'JOIN');
    await text(t.app, '+13125550106', 'STOP');
    const before = tableCounts(t.ctx.db);
    const dry = await postImport(t.app, importFixture('messy-excel.csv'), '?consent=attested&campaign=Demo%20rally&dry_run=1');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, importId: null });
    expect(tableCounts(t.ctx.db)).toEqual(before);

    const real = await postImport(t.app, importFixture('messy-excel.csv'), '?consent=attested&campaign=Demo%20rally');
    const { importId, dryRun, ...realRest } = real.body;
    const { importId: _i, dryRun: _d, ...dryRest } = dry.body;
    expect(dryRun).toBe(false);
    expect(importId).toEqual(expect.any(String));
    expect(dryRest).toEqual(realRest);
  });
});

describe('all or nothing', () => {
  test('a quote never closed on line 5 is a 400 naming the line, and nothing from the file is written', async () => {
    const before = tableCounts(t.ctx.db);
    const res = await postImport(t.app, importFixture('broken-quote.csv'));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('line 5: a quoted field is never closed');
    expect(res.body.error.details).toEqual([{ path: 'line 5', message: expect.stringContaining('never closed') }]);
    expect(tableCounts(t.ctx.db)).toEqual(before);
  });

  test('strict=1 refuses the whole file when any row is invalid', async () => {
    const before = tableCounts(t.ctx.db);
    const res = await postImport(t.app, importFixture('messy-excel.csv'), '?strict=1');
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['line 7', 'line 10', 'line 11']);
    expect(tableCounts(t.ctx.db)).toEqual(before);
  });

  test('a database failure before the commit point (while staging) leaves nothing written and nothing staged', async () => {
    // A real fault in the real database: staging line 8's number fails.
    if (TEST_ENGINE === 'postgres') {
      t.ctx.db.sqlite.exec(`CREATE FUNCTION fail_mid_import() RETURNS trigger AS $$ BEGIN
          IF NEW.phone = '+13125550104' THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
        CREATE TRIGGER fail_mid_import BEFORE INSERT ON contact_import_staging FOR EACH ROW EXECUTE FUNCTION fail_mid_import();`);
    } else {
      t.ctx.db.sqlite.exec(`CREATE TRIGGER fail_mid_import BEFORE INSERT ON contact_import_staging WHEN NEW.phone = '+13125550104'
        BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;`);
    }
    const before = tableCounts(t.ctx.db);
    const res = await postImport(t.app, importFixture('messy-excel.csv'), '?consent=attested&campaign=Demo%20rally');
    expect(res.status).toBe(500);
    expect(tableCounts(t.ctx.db)).toEqual(before);
    expect(contactByPhone(t.ctx.db, '+13125550101')).toBeUndefined();
    expect(stagedRows()).toEqual({ runs: 0, staged: 0 });
    expect((await auditEntries(t.app)).filter((e) => e.action === 'import.applied')).toEqual([]);
  });

  test('a database failure after the commit point is a 503; the import is finished on resume, every row once', async () => {
    const phones = Array.from({ length: 1000 }, (_, i) => `+1415${String(3_000_000 + i)}`);
    const csv = `phone,first_name\n${phones.map((p, i) => `${p},P${i}\n`).join('')}`;
    if (TEST_ENGINE === 'postgres') {
      t.ctx.db.sqlite.exec(`CREATE FUNCTION fail_mid_import() RETURNS trigger AS $$ BEGIN
          IF NEW.phone = '${phones[700]}' THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
        CREATE TRIGGER fail_mid_import BEFORE INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION fail_mid_import();`);
    } else {
      t.ctx.db.sqlite.exec(`CREATE TRIGGER fail_mid_import BEFORE INSERT ON contacts WHEN NEW.phone = '${phones[700]}'
        BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;`);
    }
    const res = await postImport(t.app, csv, '?consent=attested&campaign=Demo%20rally');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/was accepted but could not be written to the end \(disk on fire\); it will be completed/);
    const partly = tableCounts(t.ctx.db).contacts;
    expect(partly).toBeLessThan(1000);
    expect(tableCounts(t.ctx.db).contact_imports).toBe(0);
    t.ctx.db.sqlite.exec(TEST_ENGINE === 'postgres' ? 'DROP TRIGGER fail_mid_import ON contacts' : 'DROP TRIGGER fail_mid_import');
    // As the gateway does at its next start (or the next import does first).
    await resumeImports(t.ctx.store);
    const campaign = demoCampaignId(t.ctx.db);
    expect(tableCounts(t.ctx.db)).toEqual({ contacts: 1000, campaign_members: 1000, consent_events: 1000, contact_imports: 1 });
    const joined = t.ctx.db.sqlite.prepare("SELECT count(DISTINCT contact_id) AS n FROM campaign_members WHERE campaign_id = ? AND keyword = 'IMPORT'").get(campaign);
    expect(joined).toEqual({ n: 1000 });
    expect(stagedRows()).toEqual({ runs: 0, staged: 0 });
    // The import was decided at the commit point: audited once, though its apply was cut short.
    const audited = (await auditEntries(t.app)).filter((e) => e.action === 'import.applied');
    expect(audited).toHaveLength(1);
    expect(audited[0]!.details).toMatchObject({ consent: 'attested', campaign: 'Demo rally', totals: expect.objectContaining({ rows: 1000, created: 1000 }) });
  });
});

describe('a large import does not hold the gateway', () => {
  test('a webhook sent while a 20,000-row import is being written is answered before the import finishes', async () => {
    const rows = 20_000;
    const csv = `phone,first_name\n${Array.from({ length: rows }, (_, i) => `+1415${String(2_000_000 + i)},P${i}\n`).join('')}`;
    let finished = false;
    const importing = postImport(t.app, csv, '?consent=attested&campaign=Demo%20rally').then((r) => {
      finished = true;
      return r;
    });
    // Wait (turn by turn) until the import is writing: its run exists.
    while (stagedRows().runs === 0) await new Promise((r) => setImmediate(r));
    const replies = await text(t.app, '+13125550999', 'JOIN');
    expect(finished).toBe(false);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('Thanks for joining!');
    const res = await importing;
    expect(res.status).toBe(200);
    expect(res.body.totals.created).toBe(rows);
    expect(tableCounts(t.ctx.db).contacts).toBe(rows + 1);
    expect(stagedRows()).toEqual({ runs: 0, staged: 0 });
  });
});

describe('other real-world files', () => {
  test('windows-1252 (Excel\'s legacy CSV) is refused as UTF-8 with advice, and read correctly when declared', async () => {
    const bad = await postImport(t.app, importFixture('windows-1252.csv'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('not valid UTF-8');
    expect(tableCounts(t.ctx.db).contacts).toBe(0);
    const ok = await postImport(t.app, importFixture('windows-1252.csv'), '', 'text/csv; charset=windows-1252');
    expect(ok.status).toBe(200);
    expect(contactByPhone(t.ctx.db, '+13125550401')?.first_name).toBe('José');
    expect(contactByPhone(t.ctx.db, '+13125550402')?.first_name).toBe('Françoise');
  });

  test('a full-name column, Cell preferred over Phone, trailing empty fields, a shifted row', async () => {
    const res = await postImport(t.app, importFixture('name-and-cell.csv'));
    expect(res.status).toBe(200);
    expect(res.body.columns).toEqual({ phone: ['Cell', 'Phone'], first_name: 'Name', zip: 'Postal Code', email: 'Email Address', ignored: [] });
    expect(res.body.invalid).toEqual([{ line: 5, reason: 'has 6 fields but the header has 5 (an unquoted comma?)' }]);
    expect(contactByPhone(t.ctx.db, '+17735550601')).toMatchObject({ first_name: 'Maria', zip: '60614', email: 'maria@example.org' });
    expect(contactByPhone(t.ctx.db, '+17735550602')).toMatchObject({ first_name: 'Sam' });
    expect(contactByPhone(t.ctx.db, '+17735550603')).toMatchObject({ first_name: 'Kim' });
    expect(contactByPhone(t.ctx.db, '+17735550699')).toBeUndefined();
  });

  test('classic Mac CR line endings', async () => {
    const res = await postImport(t.app, importFixture('mac-classic-cr.csv'));
    expect(res.body.totals).toMatchObject({ rows: 2, created: 2 });
  });

  test('a file without a header row is refused with the expected headers', async () => {
    const res = await postImport(t.app, importFixture('no-header.csv'));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('line 1 must be a header row naming the columns: phone (or mobile');
  });

  test('an empty body is refused', async () => {
    const res = await postImport(t.app, '');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('empty');
  });
});

describe('request checks', () => {
  test.each([
    ['?consent=attested', 400, 'needs a campaign'],
    ['?consent=yes&campaign=Demo%20rally', 400, "must be 'attested'"],
    ['?campaign=Nope', 404, 'not found'],
    ['?dryrun=1', 400, 'Unrecognized key'],
  ])('%s → %i', async (query, status, mention) => {
    const res = await postImport(t.app, importFixture('clean.csv'), query);
    expect(res.status).toBe(status);
    expect(JSON.stringify(res.body)).toContain(mention);
    expect(tableCounts(t.ctx.db).contacts).toBe(0);
  });

  test('an inactive campaign is a 409', async () => {
    const demo = demoCampaignId(t.ctx.db);
    await admin(t.app).delete(`/api/campaigns/${demo}`);
    const res = await postImport(t.app, importFixture('clean.csv'), `?campaign=${demo}`);
    expect(res.status).toBe(409);
  });

  test.each([['application/json'], ['multipart/form-data; boundary=x'], ['text/csv; charset=shift_jis']])(
    'Content-Type %s is a 415 saying how to send the file',
    async (type) => {
      const res = await postImport(t.app, importFixture('clean.csv'), '', type);
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('unsupported_media_type');
    },
  );

  test('GET /api/imports lists applied imports (not dry runs), newest first', async () => {
    await postImport(t.app, importFixture('clean.csv'), '?filename=clean.csv');
    await postImport(t.app, importFixture('clean.csv'), '?dry_run=1');
    const res = await admin(t.app).get('/api/imports');
    expect(res.body.imports).toEqual([
      {
        id: expect.any(String), source: 'api', filename: 'clean.csv', campaignId: null, consent: 'none',
        totals: expect.objectContaining({ rows: 3, created: 3 }), createdAt: '2026-11-21T20:00:00.000Z',
      },
    ]);
  });
});
