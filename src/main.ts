import { ConfigError } from './core/index.js';
import { loadConfig } from './config/index.js';
import { createLogger } from './http/logger.js';
import { CONFIG_EXTENSIONS } from './http/registry.js';
import { startServer } from './http/server.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    const { allKnobs } = await import('./config/index.js');
    process.stdout.write('provider-sim: Twilio, SendGrid and S3 on one port\n\nOptions (flag / env / fixtures key):\n');
    for (const k of allKnobs(CONFIG_EXTENSIONS)) {
      process.stdout.write(`  --${k.flag.padEnd(28)} ${k.env.padEnd(28)} ${k.key}\n      ${k.description}${k.default !== undefined ? ` (default ${k.default})` : ''}\n`);
    }
    return;
  }
  let config;
  try {
    config = loadConfig(CONFIG_EXTENSIONS, { argv, env: process.env });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`provider-sim: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  const started = performance.now();
  const running = await startServer({ config, logger });
  logger.info(
    { url: running.url, publicUrl: config.publicUrl, data: config.inMemory ? ':memory:' : config.dataDir, ms: Math.round(performance.now() - started) },
    'provider-sim ready',
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (e) => {
        logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e) => {
  process.stderr.write(`provider-sim: failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
