import { TwilioError } from './errors.js';

/** Errors of Verify v2 and Lookup v2, with Twilio's codes. */
export const verifyErrors = {
  missing: (name: string) => new TwilioError(400, 20001, `Missing required parameter ${name} in the post body`),
  invalid: (name: string) => new TwilioError(400, 60200, `Invalid parameter: ${name}`),
  maxCheckAttempts: () => new TwilioError(429, 60202, 'Max check attempts reached'),
  maxSendAttempts: () => new TwilioError(429, 60203, 'Max send attempts reached'),
  landline: () => new TwilioError(400, 60205, 'SMS is not supported by landline phone number'),
  notFound: (path: string) => new TwilioError(404, 20404, `The requested resource ${path} was not found`),
};
