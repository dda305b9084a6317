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
  /** Outcome rules for every tenant: { email (exact, `bounce@*` or `*@domain`), status, engagement?, reason? } */
  outcomes?: SendGridFixtureOutcome[];
  openRate: number;
  clickRate: number;
  seed: string;
}

export interface SendGridFixtureOutcome {
  email: string;
  status: string;
  engagement?: string[];
  reason?: string;
}

export const OUTCOME_STATUSES = ['delivered', 'deferred', 'bounce', 'blocked', 'dropped', 'invalid'] as const;
export const ENGAGEMENT_EVENTS = ['open', 'click', 'unsubscribe', 'spamreport'] as const;

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
    {
      key: 'sendgrid.openRate',
      env: 'SENDGRID_OPEN_RATE',
      flag: 'sendgrid-open-rate',
      type: 'number',
      default: 0,
      schema: { minimum: 0, maximum: 1 },
      description: 'Share of delivered emails without an outcome rule that get an `open` event, chosen deterministically from the seed (demos).',
    },
    {
      key: 'sendgrid.clickRate',
      env: 'SENDGRID_CLICK_RATE',
      flag: 'sendgrid-click-rate',
      type: 'number',
      default: 0,
      schema: { minimum: 0, maximum: 1 },
      description: 'Share of opened emails with a link in their HTML that also get a `click` event (seeded like the open rate).',
    },
    {
      key: 'sendgrid.seed',
      env: 'SENDGRID_SEED',
      flag: 'sendgrid-seed',
      type: 'string',
      default: 'provider-sim',
      description: 'Seed of the SendGrid engagement simulation (opens, clicks, user agents, IPs), so a demo replays identically.',
    },
  ],
  properties: {
    outcomes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['email', 'status'],
        properties: {
          email: { type: 'string', minLength: 1 },
          status: { enum: [...OUTCOME_STATUSES] },
          engagement: { type: 'array', items: { enum: [...ENGAGEMENT_EVENTS] } },
          reason: { type: 'string', minLength: 1 },
        },
      },
    },
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
