import type { ConfigExtension } from '../../src/core/index.js';

export interface SendGridFixtureVersion {
  id?: string;
  name: string;
  subject?: string;
  html_content?: string;
  plain_content?: string;
  active?: 0 | 1;
  editor?: 'code' | 'design';
  test_data?: string;
}

export interface SendGridFixtureTemplate {
  id?: string;
  name: string;
  generation?: 'legacy' | 'dynamic';
  versions?: SendGridFixtureVersion[];
}

export interface SendGridConfig {
  rateLimit: number;
  /** Declared keys are strict: any other key is refused. */
  api_keys?: string[];
  templates?: SendGridFixtureTemplate[];
}

export const sendgridConfig: ConfigExtension = {
  section: 'sendgrid',
  knobs: [
    {
      key: 'sendgrid.rateLimit',
      env: 'SENDGRID_RATE_LIMIT',
      flag: 'sendgrid-rate-limit',
      type: 'integer',
      default: 10000,
      schema: { minimum: 1 },
      description:
        'Requests per minute one SendGrid API key may make to one endpoint; past it SendGrid answers 429 (X-RateLimit-* headers on every response).',
    },
  ],
  properties: {
    api_keys: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
    },
    templates: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          id: { type: 'string', pattern: '^(d-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$' },
          name: { type: 'string', minLength: 1, maxLength: 100 },
          generation: { enum: ['legacy', 'dynamic'] },
          versions: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name'],
              properties: {
                id: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' },
                name: { type: 'string', minLength: 1, maxLength: 100 },
                subject: { type: 'string', maxLength: 255 },
                html_content: { type: 'string' },
                plain_content: { type: 'string' },
                active: { enum: [0, 1] },
                editor: { enum: ['code', 'design'] },
                test_data: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
};
