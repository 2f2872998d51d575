/**
 * Structured logging (pino). Credentials never reach a log line (SPEC S4): the paths below are
 * redacted wherever they appear, and code logs ids, never secrets.
 */
import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';

export type Logger = PinoLogger;

export const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'credentials',
  '*.credentials',
];

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  const settings = {
    level: options.level ?? 'info',
    name: options.name ?? 'herald',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  };
  return destination ? pino(settings, destination) : pino(settings);
}

/** A logger that writes nothing: for tests and CLI commands. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
