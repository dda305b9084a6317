import type { ConfigExtension } from '../../src/core/index.js';

export interface S3FixtureKey {
  access_key_id: string;
  secret_access_key: string;
}

export interface S3Config {
  /** `on`: signatures verified; `off`: any signature accepted, the access key ID still names the tenant. */
  auth: 'on' | 'off';
  /** Only keys declared in fixtures authenticate; others get 403 InvalidAccessKeyId. */
  strictKeys: boolean;
  /** Secret of any access key not declared in fixtures. */
  defaultSecret: string;
  /** Virtual-hosted style: `<bucket>.<domain>[:port]` addresses a bucket. */
  domain: string;
  /** Largest clock skew accepted on signed requests, in seconds. */
  maxSkewSeconds: number;
  access_keys?: S3FixtureKey[];
}

export const s3Config: ConfigExtension = {
  section: 's3',
  knobs: [
    {
      key: 's3.auth',
      env: 'S3_AUTH',
      flag: 's3-auth',
      type: 'string',
      default: 'on',
      schema: { enum: ['on', 'off'] },
      description: 'S3 signature checking: `on` verifies SigV4/SigV2 (headers and presigned URLs), `off` accepts any signature (the access key ID still names the tenant).',
    },
    {
      key: 's3.strictKeys',
      env: 'S3_STRICT_KEYS',
      flag: 's3-strict-keys',
      type: 'boolean',
      default: false,
      description: 'Only access keys declared in fixtures (`s3.access_keys`) authenticate; any other key gets 403 InvalidAccessKeyId.',
    },
    {
      key: 's3.defaultSecret',
      env: 'S3_DEFAULT_SECRET',
      flag: 's3-default-secret',
      type: 'string',
      default: 'test',
      schema: { minLength: 1 },
      description: 'Secret access key of every access key ID not declared in fixtures.',
    },
    {
      key: 's3.domain',
      env: 'S3_DOMAIN',
      flag: 's3-domain',
      type: 'string',
      default: 's3.localhost',
      schema: { minLength: 1 },
      description: 'Virtual-hosted style domain: a request to `<bucket>.<domain>[:port]` addresses that bucket.',
    },
    {
      key: 's3.maxSkewSeconds',
      env: 'S3_MAX_SKEW_SECONDS',
      flag: 's3-max-skew-seconds',
      type: 'integer',
      default: 900,
      schema: { minimum: 1 },
      description: 'Largest difference between a signed request\'s date and the server clock before RequestTimeTooSkewed.',
    },
  ],
  properties: {
    access_keys: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['access_key_id', 'secret_access_key'],
        properties: {
          access_key_id: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9_.-]+$' },
          secret_access_key: { type: 'string', minLength: 1 },
        },
      },
    },
  },
};
