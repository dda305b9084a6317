import type { ConfigExtension } from '../../src/core/index.js';

export interface TwilioFixtureAccount {
  sid: string;
  auth_token: string;
  friendly_name?: string;
  api_keys?: { sid: string; secret: string }[];
  numbers?: { phone_number: string; friendly_name?: string; sms_url?: string; sms_method?: string; voice_url?: string; voice_method?: string; status_callback?: string }[];
}

export interface TwilioConfig {
  defaultAuthToken: string;
  verifyFixedCode?: string;
  accounts?: TwilioFixtureAccount[];
  /** Outcome rules for every tenant: { number, status, error_code?, kind? } */
  outcomes?: { number: string; status: string; error_code?: number; kind?: 'message' | 'call' }[];
  failureRate?: number;
  seed?: string;
}

export const twilioConfig: ConfigExtension = {
  section: 'twilio',
  knobs: [
    {
      key: 'twilio.defaultAuthToken',
      env: 'TWILIO_DEFAULT_AUTH_TOKEN',
      flag: 'twilio-default-auth-token',
      type: 'string',
      default: 'test-auth-token',
      schema: { minLength: 1 },
      description:
        'Auth token given to an account first met through an API key (SK...); webhooks of that account are signed with it.',
    },
    {
      key: 'twilio.verifyFixedCode',
      env: 'TWILIO_VERIFY_FIXED_CODE',
      flag: 'twilio-verify-fixed-code',
      type: 'string',
      schema: { pattern: '^[0-9]{4,10}$' },
      description: 'Code of every new Verify verification (4 to 10 digits), for demos; unset, each gets its own code.',
    },
    {
      key: 'twilio.failureRate',
      env: 'TWILIO_FAILURE_RATE',
      flag: 'twilio-failure-rate',
      type: 'number',
      default: 0,
      schema: { minimum: 0, maximum: 1 },
      description: 'Share of messages without an outcome rule that end `undelivered` (30003), chosen deterministically from the seed (demos).',
    },
    {
      key: 'twilio.seed',
      env: 'TWILIO_SEED',
      flag: 'twilio-seed',
      type: 'string',
      default: 'provider-sim',
      description: 'Seed of every random-looking choice of the Twilio simulator (failure rate...), so runs replay identically.',
    },
  ],
  properties: {
    outcomes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['number', 'status'],
        properties: {
          kind: { enum: ['message', 'call'] },
          number: { type: 'string', minLength: 1 },
          status: { enum: ['delivered', 'undelivered', 'failed', 'completed', 'busy', 'no-answer', 'canceled'] },
          error_code: { type: 'integer' },
        },
      },
    },
    accounts: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['sid', 'auth_token'],
        properties: {
          sid: { type: 'string', pattern: '^AC[0-9a-fA-F]{32}$' },
          auth_token: { type: 'string', minLength: 1 },
          friendly_name: { type: 'string' },
          numbers: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['phone_number'],
              properties: {
                phone_number: { type: 'string', pattern: '^\\+[1-9]\\d{6,14}$' },
                friendly_name: { type: 'string' },
                sms_url: { type: 'string', pattern: '^https?://' },
                sms_method: { enum: ['GET', 'POST'] },
                voice_url: { type: 'string', pattern: '^https?://' },
                voice_method: { enum: ['GET', 'POST'] },
                status_callback: { type: 'string', pattern: '^https?://' },
              },
            },
          },
          api_keys: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['sid', 'secret'],
              properties: {
                sid: { type: 'string', pattern: '^SK[0-9a-fA-F]{32}$' },
                secret: { type: 'string', minLength: 1 },
              },
            },
          },
        },
      },
    },
  },
};
