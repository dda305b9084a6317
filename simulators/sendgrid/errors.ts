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

  toResponse(meta?: ResponseMeta): SimResponse {
    return json(this.status, { errors: [{ message: this.message, field: this.field, help: this.help }] }, meta);
  }
}

export const errors = {
  notFound: () => new SendGridError(404, 'resource not found'),
  authRequired: () => new SendGridError(401, 'authorization required'),
};
