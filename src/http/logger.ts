import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/** pino: pretty when stdout is a terminal, JSON lines otherwise (buffered, flushed on exit). */
export function createLogger(level: string): Logger {
  if (process.stdout.isTTY) {
    return pino({ level }, pretty({ colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino({ level }, pino.destination({ dest: 1, sync: false }));
}

export type { Logger };
