import { pino, type Logger } from 'pino';

/**
 * The host's logger. Output goes to stderr, never stdout: stdout belongs to the program's
 * own output (the headless URL line, `--json` results) and must stay machine-readable.
 */
export type HostLogger = Logger;

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LevelName = (typeof LEVELS)[number];

/** `LOG_LEVEL` when it names a pino level, else `info`; a typo is not silently fatal-only. */
function logLevelFromEnv(value: string | undefined): LevelName {
  const wanted = value?.trim().toLowerCase();
  return (LEVELS as readonly string[]).includes(wanted ?? '') ? (wanted as LevelName) : 'info';
}

/**
 * `file`: also append to this file (created with its folder) — the desktop app's log, since
 * a window started from a launcher has no terminal to show stderr. The file keeps `info`
 * and up whatever LOG_LEVEL quietens stderr to (a trader's bug report needs it).
 */
export function createHostLogger(
  options: { level?: string; name?: string; file?: string } = {},
): HostLogger {
  const level = logLevelFromEnv(options.level ?? process.env.LOG_LEVEL);
  const name = options.name ?? 'lockstep-host';
  const stderr = pino.destination({ fd: 2, sync: true });
  if (!options.file) return pino({ name, level }, stderr);
  const rank = (l: LevelName): number => (l === 'silent' ? Infinity : pino.levels.values[l]!);
  const fileLevel: LevelName = rank(level) < rank('info') ? level : 'info';
  const streams: pino.StreamEntry[] = [
    {
      level: fileLevel as pino.Level,
      stream: pino.destination({ dest: options.file, sync: true, mkdir: true }),
    },
  ];
  if (level !== 'silent') streams.push({ level: level as pino.Level, stream: stderr });
  return pino({ name, level: fileLevel }, pino.multistream(streams));
}
