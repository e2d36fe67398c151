// LOG_FORMAT: where pino's lines go: readable lines on a terminal (pino-pretty, synchronous), JSON lines otherwise.
import PinoPretty from 'pino-pretty';
import type { Config } from '../config.js';

/** The stream Fastify's logger writes to; undefined keeps pino's default (JSON to stdout). */
export function logStream(
  format: Config['logFormat'],
  isTerminal = process.stdout.isTTY === true,
): NodeJS.WritableStream | undefined {
  if (format === 'json' || (format === 'auto' && !isTerminal)) return undefined;
  // Synchronous so the last lines before process.exit (shutdown, a fatal error) are never lost.
  return PinoPretty({
    sync: true,
    colorize: isTerminal,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
    ignore: 'pid,hostname',
    destination: 1,
  });
}
