import {
  RISK_LIMIT_SPECS,
  STRATEGY_PARAM_SPECS,
  type NumberSpec,
  type RiskLimits,
  type StrategyParams,
} from '../../../shared/config.js';

/**
 * The editable numbers, straight from shared/config.ts: adding a parameter there adds its
 * input here. `max_position_size` exists in both groups, so a field is identified by
 * group and key together, and the engine's sentences use the full key
 * (`strategy.risk_limits.max_position_size`).
 */
export type ParamGroup = 'params' | 'risk_limits';

export interface ParamField {
  readonly group: ParamGroup;
  /** The config key; also the input's `name`. */
  readonly key: string;
  /** `params.key` / `risk_limits.key`: unique across both groups. */
  readonly id: string;
  /** The key as the engine names it in refusals. */
  readonly fullKey: string;
  readonly spec: NumberSpec;
}

function fieldsOf(group: ParamGroup, specs: Record<string, NumberSpec>): ParamField[] {
  return Object.entries(specs).map(([key, spec]) => ({
    group,
    key,
    id: `${group}.${key}`,
    fullKey: `strategy.${group}.${key}`,
    spec,
  }));
}

export const PARAM_FIELDS: readonly ParamField[] = [
  ...fieldsOf('params', STRATEGY_PARAM_SPECS),
  ...fieldsOf('risk_limits', RISK_LIMIT_SPECS),
];

export const fieldsInGroup = (group: ParamGroup): readonly ParamField[] =>
  PARAM_FIELDS.filter((field) => field.group === group);

/** The values the engine runs with, as the state stream reports them. */
export interface EngineValues {
  readonly params: StrategyParams;
  readonly riskLimits: RiskLimits;
}

export function engineValue(values: EngineValues, field: ParamField): number {
  const record: Readonly<Record<string, number>> =
    field.group === 'params' ? values.params : values.riskLimits;
  return record[field.key];
}

/** The allowed range in the notation the engine's sentences use: `0 < x < 1`, `1 ≤ x ≤ 20`. */
export function rangeLabel(spec: NumberSpec): string {
  const lo = spec.minInclusive ? '≤' : '<';
  const hi = spec.maxInclusive ? '≤' : '<';
  return `${spec.min} ${lo} x ${hi} ${spec.max}${spec.integer ? ', integer' : ''}`;
}
