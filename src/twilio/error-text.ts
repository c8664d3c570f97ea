/**
 * What a volunteer should read for the Twilio error codes a broadcast commonly ends with: the
 * `error` column of a broadcast's delivery report. Twilio's codes live with the Twilio adapter;
 * the export use case receives this table from whoever calls it (HTTP API, CLI).
 */
export const TWILIO_ERROR_TEXT: Readonly<Record<number, string>> = {
  21211: 'invalid phone number',
  21610: 'recipient had replied STOP',
  21614: 'not a mobile number',
  21635: 'landline or unreachable carrier',
  30003: 'handset unreachable (off or out of coverage)',
  30004: 'message blocked by the recipient or carrier',
  30005: 'unknown or inactive number',
  30006: 'landline or unreachable carrier',
  30007: 'filtered by the carrier',
  30008: 'unknown delivery error',
};
