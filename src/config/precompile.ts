/**
 * Build step: compiles the configuration schema with ajv into standalone code next to the
 * compiled config module, so booting the server validates without compiling a schema.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CONFIG_EXTENSIONS } from '../http/registry.js';
import { configSchema, PRECOMPILED_VALIDATOR, schemaHash } from './index.js';

const require = createRequire(import.meta.url);
const Ajv = require('ajv') as typeof import('ajv');
const standalone = require('ajv/dist/standalone/index.js') as { default: (ajv: unknown, v: unknown) => string };

const schema = configSchema(CONFIG_EXTENSIONS);
const ajv = new Ajv.default({ allErrors: false, strict: false, code: { source: true } });
const code = standalone.default(ajv, ajv.compile(schema));
const out = new URL(PRECOMPILED_VALIDATOR, import.meta.url);
writeFileSync(
  out,
  `${code}\nmodule.exports = { validate: module.exports, hash: ${JSON.stringify(schemaHash(schema))} };\n`,
);
