import type { ConfigExtension } from '../../src/core/index.js';

export interface TwilioFixtureAccount {
  sid: string;
  auth_token: string;
  friendly_name?: string;
  api_keys?: { sid: string; secret: string }[];
}

export interface TwilioConfig {
  defaultAuthToken: string;
  accounts?: TwilioFixtureAccount[];
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
  ],
  properties: {
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
