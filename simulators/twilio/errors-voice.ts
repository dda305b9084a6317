import { TwilioError } from './errors.js';

/** Twilio's errors of the Calls, Recordings and Transcriptions resources. */
export const voiceErrors = {
  toRequired: () => new TwilioError(400, 21201, "No 'To' number is specified"),
  fromRequired: () => new TwilioError(400, 21213, "No 'From' number is specified"),
  urlRequired: () => new TwilioError(400, 21205, 'Url parameter is required. Please provide either a Url, Twiml or ApplicationSid.'),
  invalidUrl: (url: string) => new TwilioError(400, 21205, `Url is not a valid URL: ${url}`),
  invalidTo: (to: string) => new TwilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`),
  invalidFrom: (from: string) => new TwilioError(400, 21212, `Invalid 'From' Phone Number: ${from}`),
  invalidMethod: (name: string, v: string) => new TwilioError(400, 21609, `${name} must be either GET or POST (got ${v})`),
  invalidEvent: (v: string) => new TwilioError(400, 21626, `Invalid StatusCallbackEvent: ${v}`),
  invalidTimeout: (v: string) => new TwilioError(400, 21208, `Invalid Timeout: ${v}`),
  invalidStatus: (v: string) => new TwilioError(400, 21218, `Invalid Status: ${v}. Only 'canceled' or 'completed' can be set.`),
  notInProgress: () => new TwilioError(400, 21220, 'Call is not in-progress. Cannot redirect.'),
  invalidTwiml: (detail: string) => new TwilioError(400, 21236, `Twiml parameter is not valid TwiML: ${detail}`),
  twimlTooLong: () => new TwilioError(400, 21237, 'Twiml parameter exceeds the 4000 character limit'),
};
