import {
  ConfigError,
  RISK_LIMIT_SPECS,
  STRATEGY_PARAM_SPECS,
  validateConfig,
  type Config,
} from '../../../shared/config.js';

/**
 * A parameter grid for `replay --sweep key=v1,v2,...`: the key is a parameter's name as
 * the window shows it (`imbalance_threshold`; a name that is both a parameter and a risk
 * limit, max_position_size, means the parameter) or a dotted config path
 * (`strategy.risk_limits.max_position_size`, `execution.slippage_bps`). Every grid point
 * is a whole config checked by the same validation as the file.
 */
export interface SweepAxis {
  readonly path: string;
  readonly values: readonly number[];
}

export function parseSweepAxis(spec: string, base: Config): SweepAxis {
  const eq = spec.indexOf('=');
  if (eq <= 0)
    throw new Error(`--sweep ${spec}: expected key=v1,v2,... (e.g. imbalance_threshold=0.2,0.3)`);
  const key = spec.slice(0, eq).trim();
  const path = key.includes('.')
    ? key
    : Object.prototype.hasOwnProperty.call(STRATEGY_PARAM_SPECS, key)
      ? `strategy.params.${key}`
      : Object.prototype.hasOwnProperty.call(RISK_LIMIT_SPECS, key)
        ? `strategy.risk_limits.${key}`
        : null;
  if (path === null) {
    throw new Error(
      `--sweep ${key}: not a parameter (known: ${[...Object.keys(STRATEGY_PARAM_SPECS), ...Object.keys(RISK_LIMIT_SPECS)].join(', ')}, or a dotted config path)`,
    );
  }
  if (typeof readPath(base, path) !== 'number')
    throw new Error(`--sweep ${key}: ${path} is not a numeric configuration value`);
  const values = spec
    .slice(eq + 1)
    .split(',')
    .map((text) => text.trim())
    .filter((text) => text !== '')
    .map((text) => {
      const value = Number(text);
      if (!Number.isFinite(value)) throw new Error(`--sweep ${key}: "${text}" is not a number`);
      return value;
    });
  if (values.length === 0) throw new Error(`--sweep ${key}: give at least one value after =`);
  return { path, values: [...new Set(values)] };
}

function readPath(config: unknown, path: string): unknown {
  let node: unknown = config;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null || !(part in node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Every combination, in axis order (the first axis varies slowest). */
export function gridPoints(axes: readonly SweepAxis[]): Array<Record<string, number>> {
  let points: Array<Record<string, number>> = [{}];
  for (const axis of axes)
    points = points.flatMap((point) =>
      axis.values.map((value) => ({ ...point, [axis.path]: value })),
    );
  return points;
}

/** The base config with a grid point applied, validated (the message names the key). */
export function configAt(base: Config, point: Readonly<Record<string, number>>): Config {
  const copy = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [path, value] of Object.entries(point)) {
    const parts = path.split('.');
    let node = copy;
    for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
    node[parts[parts.length - 1]!] = value;
  }
  try {
    return validateConfig(copy);
  } catch (error) {
    const reason = error instanceof ConfigError ? error.problems.join('; ') : String(error);
    throw new Error(`--sweep ${JSON.stringify(point)}: ${reason}`);
  }
}
