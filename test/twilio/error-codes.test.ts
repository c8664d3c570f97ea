/**
 * The Twilio adapter reads Twilio's errors into domain outcomes (src/core/sending.ts): a table
 * over the shapes the official client throws (RestException: status, code, message) and the
 * network errors axios raises before any answer.
 */
import RestException from 'twilio/lib/base/RestException';
import { classifySendError } from '../../src/twilio/error-codes';

function rest(status: number, code: number | undefined, message = 'x'): unknown {
  return new RestException({ statusCode: status, body: JSON.stringify({ status, code, message, more_info: '' }) });
}

function network(code: string): unknown {
  return Object.assign(new Error(`connect ${code}`), { code });
}

test.each([
  ['21610 recipient opted out', rest(400, 21610), { kind: 'opted_out', code: 21610 }],
  ['21211 invalid number', rest(400, 21211), { kind: 'undeliverable', code: 21211 }],
  ['21614 not a mobile number', rest(400, 21614), { kind: 'undeliverable', code: 21614 }],
  ['21635 landline', rest(400, 21635), { kind: 'undeliverable', code: 21635 }],
  ['HTTP 429 without a code', rest(429, undefined), { kind: 'retryable', httpStatus: 429 }],
  ['20429 too many requests', rest(429, 20429), { kind: 'retryable', code: 20429 }],
  ['refused connection: nothing was sent', network('ECONNREFUSED'), { kind: 'retryable', code: null, httpStatus: null }],
  ['reset connection: it may have been sent', network('ECONNRESET'), { kind: 'unknown', httpStatus: null }],
  ['a 500: it may have been sent', rest(500, undefined), { kind: 'unknown', httpStatus: 500 }],
  ['21606 not our sender: the account, not the recipient', rest(400, 21606), { kind: 'rejected', accountLevel: true }],
  ['401 bad credentials', rest(401, 20003), { kind: 'rejected', accountLevel: true }],
  ['21617 body too long: this text only', rest(400, 21617), { kind: 'rejected', code: 21617, accountLevel: false }],
])('%s', (_name, err, expected) => {
  expect(classifySendError(err)).toMatchObject(expected);
});
