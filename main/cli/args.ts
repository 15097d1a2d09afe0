/**
 * A small, strict option parser for the `lockstep` commands: `--name value`, `--name=value`
 * and boolean `--flag`. Unknown options and missing values are errors that say which.
 */
export interface OptionSpec {
  readonly name: string;
  readonly kind: 'string' | 'number' | 'boolean';
  readonly description: string;
  readonly required?: boolean;
  readonly default?: string | number | boolean;
  /** Placeholder shown in help, e.g. FILE. */
  readonly value?: string;
  /** A string option that may be given more than once (read with stringListOption). */
  readonly repeatable?: boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: readonly OptionSpec[];
  run(options: ParsedOptions): Promise<number>;
}

export type ParsedOptions = Readonly<Record<string, string | number | boolean | undefined>>;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const LIST_SEPARATOR = '\u0000';

/** Every value of a repeatable string option, in the order given. */
export function stringListOption(options: ParsedOptions, name: string): string[] {
  const value = options[name];
  return typeof value === 'string' ? value.split(LIST_SEPARATOR) : [];
}

export function parseOptions(spec: CommandSpec, argv: readonly string[]): ParsedOptions {
  const byName = new Map(spec.options.map((option) => [option.name, option]));
  const parsed: Record<string, string | number | boolean | undefined> = {};
  for (const option of spec.options) parsed[option.name] = option.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      throw new UsageError(`${spec.name}: unexpected argument "${arg}"; options start with --`);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    const option = byName.get(name);
    if (!option) {
      throw new UsageError(
        `${spec.name}: unknown option --${name}; see \`lockstep ${spec.name} --help\``,
      );
    }
    if (option.kind === 'boolean') {
      parsed[name] = eq >= 0 ? arg.slice(eq + 1) !== 'false' : true;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined || (eq < 0 && raw.startsWith('--'))) {
      throw new UsageError(
        `${spec.name}: --${name} needs a value (${option.value ?? option.kind})`,
      );
    }
    if (option.kind === 'number') {
      const value = Number(raw);
      if (!Number.isFinite(value)) {
        throw new UsageError(`${spec.name}: --${name} must be a number, got "${raw}"`);
      }
      parsed[name] = value;
    } else {
      const earlier = parsed[name];
      parsed[name] =
        option.repeatable && typeof earlier === 'string'
          ? `${earlier}${LIST_SEPARATOR}${raw}`
          : raw;
    }
  }
  for (const option of spec.options) {
    if (option.required && parsed[option.name] === undefined) {
      throw new UsageError(
        `${spec.name}: --${option.name} ${option.value ?? ''} is required`.trimEnd(),
      );
    }
  }
  return parsed;
}

export function helpText(spec: CommandSpec): string {
  const lines = [`Usage: lockstep ${spec.usage}`, '', spec.summary, ''];
  if (spec.options.length > 0) lines.push('Options:');
  for (const option of spec.options) {
    const flag = `--${option.name}${option.kind === 'boolean' ? '' : ' ' + (option.value ?? option.kind.toUpperCase())}`;
    const extra = option.required
      ? ' (required)'
      : option.default !== undefined
        ? ` (default ${option.default})`
        : '';
    lines.push(`  ${flag.padEnd(28)} ${option.description}${extra}`);
  }
  lines.push(`  ${'--help'.padEnd(28)} show this help`);
  return lines.join('\n');
}

export const stringOption = (options: ParsedOptions, name: string): string | undefined => {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
};
export const numberOption = (options: ParsedOptions, name: string): number | undefined => {
  const value = options[name];
  return typeof value === 'number' ? value : undefined;
};
export const booleanOption = (options: ParsedOptions, name: string): boolean =>
  options[name] === true;
