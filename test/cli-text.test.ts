/** `rallytext text` rehearses a conversation against a real running gateway in local mode. */
import { tempDbFile } from './helpers/app';
import { CLI, runNode, startGateway, type Gateway } from './helpers/child';

let gw: Gateway;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  env = { DATABASE_URL: `sqlite:${tempDbFile()}`, LOG_LEVEL: 'info' };
  gw = await startGateway(env);
  env = { ...env, PORT: String(gw.port) };
});
afterAll(async () => {
  const exit = await gw.stop('SIGTERM');
  expect(exit.code).toBe(0);
});

it('signs the webhook like Twilio and prints the replies', async () => {
  const join = await runNode(CLI, ['text', '3125550100', 'JOIN'], env);
  expect(join.code).toBe(0);
  expect(join.stdout).toContain('> JOIN');
  expect(join.stdout).toContain('< Rally Alerts: Thanks for joining!');
  const name = await runNode(CLI, ['text', '+13125550100', "Hi,", "I'm", 'Ana'], env);
  expect(name.stdout).toContain('< Thanks, Ana! What is your 5-digit ZIP code?');
  // Local mode: the reply is recorded and shown in the gateway's log, with the number masked.
  expect(gw.output()).toContain('local mode: reply recorded in outbox');
  expect(gw.output()).toContain('+1312***0100');
});

it('explains a bad number and an unreachable gateway', async () => {
  const bad = await runNode(CLI, ['text', 'not-a-number', 'JOIN'], env);
  expect(bad.code).toBe(64);
  expect(bad.stderr).toContain('is not a phone number');
  const down = await runNode(CLI, ['text', '3125550100', 'JOIN', '--url', 'http://127.0.0.1:1'], env);
  expect(down.code).toBe(69);
  expect(down.stderr).toContain('cannot reach the gateway');
});
