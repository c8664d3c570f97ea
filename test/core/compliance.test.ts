/** The compliance word table (DESIGN §4): positives, and sentences that must NOT opt out. */
import { classifyCompliance, isConditionalOptIn, mayText } from '../../src/core/compliance';

const OPT_OUT = [
  'STOP', 'stop', ' Stop. ', 'STOP!!!', 'stopall', 'STOP ALL', 'UNSUBSCRIBE', 'Cancel', 'END', 'quit', 'REVOKE', 'OPTOUT',
  'opt out', 'Opt-Out', 'OPT OUT please', 'stop texting me', 'Please stop texting me', 'STOP TEXTING ME!!',
  'stop messaging me', 'stop sending me texts', 'please unsubscribe me', 'unsubscribe me please', 'remove me',
  'Remove me from this list', 'remove my number', 'take me off your list', "don't text me", 'do not text me again',
  'dont contact me anymore', 'no more texts', 'no more messages please', 'stop it', 'stop!!! now', 'leave me alone',
  'ALTO', 'Parar', 'CANCELAR', 'no más mensajes', 'no me mandes mensajes', 'darme de baja', 'opt me out',
  'cancel my subscription', 'stop please', 'STOP thanks',
];

const NOT_OPT_OUT = [
  'We have got to stop this bill', "don't stop", 'Stop by the office tomorrow?', "can't stop won't stop",
  'the end is near', 'I will not quit', 'cancel the meeting', 'how do I stop the bill', 'unstoppable',
  'stopwatch', 'bus stop', 'Ana', '60601', 'stop the war', 'we need to end citizens united', 'HELP', 'JOIN',
  'please remove the tax', 'Stop talking and vote!', 'nonstop',
];

describe('opt-out words and phrases', () => {
  test.each(OPT_OUT)('%j opts out', (text) => {
    expect(classifyCompliance(text)?.kind).toBe('opt_out');
  });
  test.each(NOT_OPT_OUT)('%j is not an opt-out', (text) => {
    expect(classifyCompliance(text)?.kind).not.toBe('opt_out');
  });
  it('records the keyword in upper case for the ledger', () => {
    expect(classifyCompliance(' stop. ')).toEqual({ kind: 'opt_out', keyword: 'STOP' });
    expect(classifyCompliance('opt out')).toEqual({ kind: 'opt_out', keyword: 'OPT OUT' });
  });
});

describe('opt-in and help words', () => {
  test.each(['START', 'start', 'Unstop', ' START! '])('%j opts in', (text) => {
    expect(classifyCompliance(text)?.kind).toBe('opt_in');
  });
  test.each(['HELP', 'help', 'Help!', 'INFO', 'info?', 'AYUDA', 'help me', 'help please'])('%j asks for help', (text) => {
    expect(classifyCompliance(text)?.kind).toBe('help');
  });
  test.each(['I need help with my ZIP', 'start the rally', 'info about the canvass please', 'helpful'])('%j is not a compliance word', (text) => {
    expect(classifyCompliance(text)).toBeNull();
  });
  it('YES is only a conditional opt-in word', () => {
    expect(classifyCompliance('YES')).toBeNull();
    expect(isConditionalOptIn('yes!')).toBe('YES');
    expect(isConditionalOptIn('yes please')).toBeNull();
  });
});

describe('mayText: the one opt-out policy', () => {
  it('lets an opted-out number receive only the confirmation of its own STOP', () => {
    expect(mayText('opted_out', 'opt_out_confirmation')).toBe(true);
    for (const p of ['reply', 'help', 'broadcast', 'system'] as const) expect(mayText('opted_out', p)).toBe(false);
  });
  it('sends bulk texts only to explicitly subscribed numbers', () => {
    expect(mayText('subscribed', 'broadcast')).toBe(true);
    expect(mayText('pending', 'broadcast')).toBe(false);
    expect(mayText('pending', 'reply')).toBe(true);
  });
});
