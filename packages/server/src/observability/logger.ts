/**
 * @module observability/logger
 * Structured logs (pino). Level from PARLEY_LOG_LEVEL (default info; tests default to silent).
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level = process.env['PARLEY_LOG_LEVEL'] ?? (process.env['NODE_TEST_CONTEXT'] ? 'silent' : 'info')): Logger {
  return pino({ level, base: { svc: 'parley' } });
}
