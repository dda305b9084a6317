import { json, type ResponseMeta, type SimResponse } from '../../src/core/index.js';

/** SendGrid's error body: `{"errors":[{"message","field","help"}]}`. */
export class SendGridError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field: string | null = null,
    readonly help: string | null = null,
  ) {
    super(message);
  }

  toResponse(meta?: ResponseMeta, headers?: Record<string, string>): SimResponse {
    return json(this.status, { errors: [{ message: this.message, field: this.field, help: this.help }] }, meta, headers);
  }
}

const HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#';
/** A mail-send validation error (400) with SendGrid's help link for the anchor. */
const v = (field: string | null, anchor: string | null, message: string) =>
  new SendGridError(400, message, field, anchor === null ? null : HELP + anchor);

const EXAMPLE = '{"email": "example@example.com"} or {"email": "example@example.com", "name": "Example Recipient"}';

export type RecipientKind = 'to' | 'cc' | 'bcc';
const KIND_LABEL: Record<RecipientKind, string> = { to: 'To', cc: 'CC', bcc: 'BCC' };

export const errors = {
  notFound: () => new SendGridError(404, 'resource not found'),
  methodNotAllowed: () => new SendGridError(405, 'method not allowed'),
  authRequired: () => new SendGridError(401, 'authorization required'),
  invalidGrant: () => new SendGridError(401, 'The provided authorization grant is invalid, expired, or revoked'),
  tooManyRequests: () => new SendGridError(429, 'too many requests'),
  tooLarge: () => new SendGridError(413, 'content too large'),
  invalidUtf8: () => new SendGridError(415, 'Invalid UTF8 in request'),
  badRequest: () => new SendGridError(400, 'Bad Request'),
  /** The JSON body does not parse. */
  invalidJson: () => new SendGridError(400, 'Bad Request', null, null),
  /** A JSON body of the wrong shape on the non-mail endpoints. */
  invalidRequest: (message: string, field: string | null = null) => new SendGridError(400, message, field),

  // personalizations
  personalizationsRequired: () =>
    v('personalizations', '-Personalizations-Errors', 'The personalizations field is required and must have at least one personalization.'),
  tooManyPersonalizations: (n: number) =>
    v(
      'personalizations',
      'message.personalizations',
      `The personalization block is limited to 1000 personalizations per API request. You have provided ${n} personalizations. Please consider splitting this into multiple requests and resending your request.`,
    ),
  tooManyRecipients: () =>
    v('personalizations', 'message.personalizations', 'There is a limit of 1000 total recipients (to + cc + bcc) per request.'),
  toRequired: (i: number) =>
    v(
      `personalizations.${i}.to`,
      'message.personalizations.to',
      'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
    ),
  recipientsMustBeArray: (i: number, kind: RecipientKind) =>
    v(
      `personalizations.${i}.${kind}`,
      `message.personalizations.${kind}`,
      kind === 'to'
        ? `The to array must at least have an email parameter with a valid email address and it may also contain a name parameter. e.g. ${EXAMPLE}`
        : `The ${kind} array, when used, must at least have an email parameter with a valid email address and it may also contain a name parameter. e.g. ${EXAMPLE}`,
    ),
  recipientEmailRequired: (i: number, kind: RecipientKind, j: number) =>
    v(
      `personalizations.${i}.${kind}.${j}.email`,
      `message.personalizations.${kind}`,
      kind === 'to'
        ? `Each "to" object must at least have an email address and may also contain a name. e.g. ${EXAMPLE}`
        : `Each recipient object must at least have an email address and may also contain a name. e.g. ${EXAMPLE}`,
    ),
  invalidRecipient: (i: number, kind: RecipientKind, j: number) =>
    v(`personalizations.${i}.${kind}.${j}.email`, `message.personalizations.${kind}`, 'Does not contain a valid address.'),
  recipientTooLong: (i: number, kind: RecipientKind, j: number) =>
    v(
      `personalizations.${i}.${kind}.${j}.email`,
      `message.personalizations.${kind}`,
      `The ${KIND_LABEL[kind]} email exceeds the maximum total length of 320 characters`,
    ),
  duplicateRecipient: (i: number, email: string, kind: RecipientKind) =>
    v(
      `personalizations.${i}`,
      'message.recipient-errors',
      `Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [${email}] in the personalizations.${i}.${kind} field.`,
    ),

  // from / reply_to
  fromRequired: () =>
    v(
      'from.email',
      'message.from',
      'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.  e.g. {"email" : "example@example.com"}  or {"email" : "example@example.com", "name" : "Example Recipient"}.',
    ),
  invalidFrom: () => v('from.email', 'message.from', 'The from email does not contain a valid address.'),
  fromTooLong: () => v('from.email', 'message.from', 'The From email exceeds the maximum total length of 320 characters'),
  invalidReplyTo: () => v('reply_to.email', 'message.reply_to', 'The reply_to email does not contain a valid address.'),
  replyToTooLong: () => v('reply_to.email', 'message.reply_to', 'The Reply-To email exceeds the maximum total length of 320 characters'),

  // subject
  subjectRequired: () =>
    v(
      'subject',
      'message.subject',
      'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
    ),
  subjectEmpty: (field: string) =>
    v(field, field === 'subject' ? 'message.subject' : 'message.personalizations.subject', 'The subject of your email must be a string at least one character in length.'),

  // content
  contentRequired: () =>
    v(
      'content',
      'message.content',
      'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.',
    ),
  contentOrder: () =>
    v(
      'content',
      'message.content.value',
      'Following RFC 1341, section 7.2, if either text/html or text/plain are to be sent in your email: text/plain needs to be first, followed by text/html, followed by any other content.',
    ),
  contentDuplicate: () => new SendGridError(400, 'If present, text/plain and text/html may only be provided once.', 'content', null),
  contentTypeRequired: (i: number) =>
    v(`content.${i}.type`, 'message.content.type', 'A content type is required, this tells email clients how to display the email.'),
  contentTypeInvalid: (i: number) => v(`content.${i}.type`, 'message.content.type', "Cannot contain ';', or CRLF characters."),
  contentValueEmpty: (i: number) =>
    v(`content.${i}.value`, 'message.content.value', 'The content value must be a string at least one character in length.'),

  // attachments
  attachmentContentEmpty: (i: number) =>
    v(`attachments.${i}.content`, 'message.attachments.content', 'The attachment content must be a string at least one character in length.'),
  attachmentNotBase64: (i: number) =>
    v(`attachments.${i}.content`, 'message.attachments.content', 'The attachment content must be base64 encoded.'),
  attachmentFilenameRequired: (i: number) =>
    v(`attachments.${i}.filename`, 'message.attachments.filename', 'The attachment filename is required.'),
  attachmentFilenameInvalid: (i: number) =>
    v(`attachments.${i}.filename`, 'message.attachments.filename', 'The filename of your attachment cannot contain CRLF characters.'),
  attachmentTypeInvalid: (i: number) =>
    v(`attachments.${i}.type`, 'message.attachments.type', "The type cannot contain ';', or CRLF characters."),
  attachmentDisposition: (i: number, given: string) =>
    v(
      `attachments.${i}.disposition`,
      'message.attachments.disposition',
      `The disposition of your attachment can be either "inline" or "attachment". You provided ${given}.`,
    ),
  attachmentContentId: (i: number) =>
    v(`attachments.${i}.content_id`, 'message.attachments.content_id', 'The content ID of your attachment cannot contain CRLF characters.'),

  // categories
  tooManyCategories: (n: number) =>
    v('categories', 'message.categories', `There is a limit of 10 categories for each email that is sent. You provided ${n} categories.`),
  categoriesNotStrings: () => v('categories', 'message.categories', 'Categories must be an array of strings.'),
  categoryTooLong: (c: string) =>
    v('categories', 'message.categories', `Each category must not be longer than 255 characters. ${c} exceeds this limit`),
  categoryDuplicate: (c: string) =>
    v('categories', 'message.categories', `The categories must be a unique list, and you have included ${c} more than once.`),
  categoryNonAscii: () => v('categories', 'message.categories', 'Categories can not contain non-ASCII characters.'),

  // custom_args
  customArgsNotStrings: (field: string) =>
    v(field, field === 'custom_args' ? 'message.custom_args' : 'message.personalizations.custom_args', 'All values of custom arguments object must be strings'),
  customArgsTooLarge: (i: number) =>
    v(
      `personalizations.${i}.custom_args`,
      'message.personalizations.custom_args',
      'The combined size of both global and personalization custom arguments may not exceed 10,000 bytes per personalization.',
    ),

  // headers
  headerValuesNotStrings: (field: string) =>
    field === 'headers'
      ? v('headers', 'message.headers', 'The header values must be strings.')
      : v(field, 'message.personalizations.headers', 'All values of the headers object must be strings.'),
  headerReserved: (field: string) =>
    field === 'headers'
      ? v('headers', 'message.headers', 'Header can not be one of the reserved keys.')
      : v(field, 'message.personalizations.headers', 'Header cannot be one of the reserved keys.'),
  headerKeyInvalid: (field: string) =>
    field === 'headers'
      ? v('headers', 'message.headers', 'Header keys cannot contain non-ASCII characters and empty spaces.')
      : v(field, 'message.personalizations.headers', 'Header keys cannot contain non-ASCII characters or empty spaces.'),

  // substitutions / sections
  substitutionsNotStrings: (i: number) =>
    v(
      `personalizations.${i}.substitutions`,
      'message.personalizations.substitutions',
      'The substitution values must be an object of key/value pairs, where the values are all strings.',
    ),
  tooManySubstitutions: (i: number) =>
    v(`personalizations.${i}.substitutions`, 'message.personalizations.substitutions', 'You are limited to 10,000 substitutions.'),
  sectionsNotStrings: () => v('sections', 'message.sections', 'The section values must be strings.'),

  // send_at / batch_id / asm / ip pool
  sendAtNotInteger: (field: string) =>
    v(
      field,
      field === 'send_at' ? 'message.send_at' : 'message.personalizations.send_at',
      'The send_at parameter is expecting a Unix timestamp as an integer. We will send immediately if you include a send_at timestamp that is in the past.',
    ),
  sendAtTooFar: (field: string) =>
    v(field, field === 'send_at' ? 'message.send_at' : 'message.personalizations.send_at', 'Scheduling more than 72 hours in advance is forbidden.'),
  batchIdNotString: () => v('batch_id', 'message.batch_id', 'The batch_id must be a string.'),
  batchIdInvalid: () => v('batch_id', 'message.batch_id', 'The batch ID is not valid.'),
  asmGroupId: () => v('asm.group_id', 'message.asm.group_id', 'The ASM group ID must be an integer.'),
  asmGroupsToDisplay: () => v('asm.groups_to_display', 'message.asm.groups_to_display', 'The ASM Group IDs to display must be an array of integers.'),
  asmTooManyGroups: () =>
    v('asm.groups_to_display', 'message.asm.groups_to_display', 'There is a limit of 25 unsubscribe groups that can be displayed to a user at a time.'),
  ipPoolNotString: () => v('ip_pool_name', 'message.ip_pool_name', 'The name of your IP pool must be a string.'),

  // templates
  templateIdNotString: (given: string) =>
    v('template_id', 'message.template_id', `The template ID must be a string, you provided ${given}.`),
  templateInvalid: (given: string) =>
    v('template_id', 'message.template_id', `The template_id must be a valid template ID for your account. You provided ${given}.`),

  /** `<setting> should be a boolean value.` for mail_settings and tracking_settings. */
  settingNotBoolean: (field: string, message: string) => v(field, 'message.' + field, message),
  settingNotString: (field: string, message: string) => v(field, 'message.' + field, message),

  // non-mail endpoints
  batchNotFound: () => new SendGridError(404, 'batch id not found'),
  invalidBatchId: () => new SendGridError(400, 'invalid batch id'),
  scheduledSendExists: () => new SendGridError(400, 'batch id already has a status', 'batch_id'),
  scheduledSendNotFound: () => new SendGridError(404, 'batch id not found'),
  templateNotFound: () => new SendGridError(404, 'resource not found'),
  versionNotFound: () => new SendGridError(404, 'resource not found'),
  webhookNotFound: () => new SendGridError(404, 'Webhook not found'),
  groupNotFound: () => new SendGridError(404, 'resource not found'),
  messageNotFound: () => new SendGridError(404, 'resource not found'),
};

/** Several validation errors answered together, as SendGrid lists every problem it found. */
export class SendGridErrors extends Error {
  constructor(readonly list: SendGridError[]) {
    super(list.map((e) => e.message).join('; '));
  }

  toResponse(meta?: ResponseMeta, headers?: Record<string, string>): SimResponse {
    return json(
      400,
      { errors: this.list.map((e) => ({ message: e.message, field: e.field, help: e.help })) },
      meta,
      headers,
    );
  }
}
