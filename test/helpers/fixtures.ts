import fs from 'node:fs';
import path from 'node:path';
import type { FormParams } from '../../src/twilio/signature';

export const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

/** A captured Twilio form payload from fixtures/twilio, as params, with overrides. */
export function loadForm(name: string, overrides: FormParams = {}): FormParams {
  const raw = fs.readFileSync(path.join(FIXTURES, 'twilio', `${name}.form`), 'utf8').trim();
  return { ...Object.fromEntries(new URLSearchParams(raw)), ...overrides };
}
