import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';

const require = createRequire(import.meta.url);

/** pino: pretty when stdout is a terminal, JSON lines otherwise (asynchronous writes, flushed on exit). */
export function createLogger(level: string): Logger {
  if (process.stdout.isTTY) {
    const pretty = require('pino-pretty') as typeof import('pino-pretty');
    return pino({ level }, pretty({ colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino({ level }, pino.destination({ dest: 1, sync: false }));
}

export type { Logger };
