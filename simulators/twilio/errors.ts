import { json, type ResponseMeta, type SimResponse } from '../../src/core/index.js';

/** A Twilio REST error: `{code, message, more_info, status}` (401s add `detail`). */
export class TwilioError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }

  toResponse(meta?: ResponseMeta): SimResponse {
    const body: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.detail) body.detail = this.detail;
    body.more_info = `https://www.twilio.com/docs/errors/${this.code}`;
    body.status = this.status;
    const headers: Record<string, string> = {};
    if (this.status === 401) headers['www-authenticate'] = 'Basic realm="Twilio API"';
    return json(this.status, body, meta, headers);
  }
}

const AUTH_DETAIL = 'Your AccountSid or AuthToken was incorrect.';

export const errors = {
  noCredentials: () => new TwilioError(401, 20003, 'Authentication Error - No credentials provided', AUTH_DETAIL),
  invalidUsername: () => new TwilioError(401, 20003, 'Authentication Error - invalid username', AUTH_DETAIL),
  invalidPassword: () => new TwilioError(401, 20003, 'Authenticate', AUTH_DETAIL),
  notFound: (path: string) => new TwilioError(404, 20404, `The requested resource ${path} was not found`),
  methodNotAllowed: (method: string) => new TwilioError(405, 20004, `Method not allowed: ${method}`),
  tooLarge: (limit: number) =>
    new TwilioError(413, 20400, `Request entity too large: the request body exceeds the limit of ${limit} bytes`),
  unsupportedMedia: () =>
    new TwilioError(415, 20415, 'Unsupported Media Type: requests must be application/x-www-form-urlencoded'),
  toRequired: () => new TwilioError(400, 21604, "A 'To' phone number is required."),
  fromRequired: () => new TwilioError(400, 21603, "A 'From' phone number is required."),
  bodyRequired: () => new TwilioError(400, 21602, 'Message body is required.'),
  bodyTooLong: () => new TwilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.'),
  invalidTo: (to: string) => new TwilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`),
  invalidFrom: (from: string) =>
    new TwilioError(400, 21212, `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`),
  unreachable: (to: string, from: string) =>
    new TwilioError(
      400,
      21612,
      `The 'To' phone number: ${to}, is not currently reachable using the 'From' phone number: ${from} via SMS.`,
    ),
  noPermission: (to: string) =>
    new TwilioError(400, 21408, `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.`),
  unsubscribed: () => new TwilioError(400, 21610, 'Attempt to send to unsubscribed recipient'),
  notMobile: () => new TwilioError(400, 21614, "'To' number is not a valid mobile number"),
  fromNotOwned: (from: string) =>
    new TwilioError(
      400,
      21606,
      `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`,
    ),
  queueFull: () => new TwilioError(400, 21611, "This 'From' number has exceeded the maximum number of queued messages"),
  invalidParam: (message: string) => new TwilioError(400, 20001, message),
  invalidPageSize: () => new TwilioError(400, 20001, 'Invalid PageSize: must be between 1 and 1000'),
  invalidPageToken: () => new TwilioError(400, 20001, 'Invalid PageToken'),
  serviceHasNoNumbers: (sid: string) =>
    new TwilioError(400, 21704, `The Messaging Service ${sid} contains no phone numbers`),
  invalidMessagingService: (sid: string) =>
    new TwilioError(400, 21701, `The Messaging Service Sid ${sid} is invalid.`),
  sendAtOutOfRange: () =>
    new TwilioError(400, 35114, 'Scheduling does not support this timestamp. SendAt must be between 15 minutes and 35 days in the future.'),
  cannotCancel: () => new TwilioError(400, 30409, 'Message is not in a cancelable state.'),
  invalidStatusUpdate: (status: string) =>
    new TwilioError(400, 21205, `Invalid Status: ${status}. Only 'canceled' can be set.`),
  redactRequiresEmptyBody: () => new TwilioError(400, 20001, "Body can only be updated to an empty string ('') to redact a message."),
};
