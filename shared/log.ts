/**
 * Logging without a logger dependency. Engine, simulator and host code take a `LogFn` and
 * the process that runs them decides where lines go (pino in the host, a message to the
 * host from the engine's threads, stderr in the CLI): the code that logs never imports
 * a logging library and tests pass a function that collects lines.
 */

/** Severities, lowest first (pino's names for the same four levels). */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One log line: its level, one sentence, and optional structured fields. */
export type LogFn = (level: LogLevel, msg: string, data?: Record<string, unknown>) => void;

/** Whether a value from another process (an engine's log message) is a known level. */
export const isLogLevel = (value: unknown): value is LogLevel =>
  (LOG_LEVELS as readonly unknown[]).includes(value);
