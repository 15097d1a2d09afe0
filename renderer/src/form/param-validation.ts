import type { Command } from '../../../shared/api.js';
import {
  applyParamsPatch,
  checkNumber,
  defaultConfig,
  type Config,
  type ParamsPatch,
} from '../../../shared/config.js';
import { PARAM_FIELDS, engineValue, type EngineValues, type ParamField } from './param-fields.js';

/**
 * Inline validation of the parameter form. It runs the engine's own checks
 * (checkNumber per field, applyParamsPatch for cross-field rules) so the form refuses
 * exactly what the engine refuses, in the same words, before anything is sent.
 */

/** Draft text per field id, only for fields the trader has typed into. */
export type Drafts = Readonly<Record<string, string>>;

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The value a draft stands for: a number when the text is one, otherwise the text itself,
 * so the refusal can quote what was typed (`got "abc"`) as the engine would.
 */
export function parseDraft(text: string): number | string {
  const trimmed = text.trim();
  return NUMERIC.test(trimmed) ? Number(trimmed) : trimmed;
}

export function fieldError(field: ParamField, text: string): string | null {
  return checkNumber(field.fullKey, field.spec, parseDraft(text));
}

export interface FormCheck {
  /** Field id → the sentence saying why its value is refused. */
  readonly fieldErrors: Readonly<Record<string, string>>;
  /** Refusals that name no single field. */
  readonly formErrors: readonly string[];
  /** Only the keys whose value differs from what the engine runs with. */
  readonly patch: {
    readonly params: Record<string, number>;
    readonly risk_limits: Record<string, number>;
  };
  readonly changedIds: readonly string[];
}

let baseConfig: Config | null = null;

/** The default config, parsed once: the base the engine's numbers are laid over. */
export function baseEngineConfig(): Config {
  baseConfig ??= defaultConfig();
  return baseConfig;
}

/** A config carrying the engine's current numbers, for applyParamsPatch's cross-field rules. */
function configWith(values: EngineValues): Config {
  const baseConfig = baseEngineConfig();
  return {
    ...baseConfig,
    strategy: {
      ...baseConfig.strategy,
      params: { ...values.params },
      risk_limits: { ...values.riskLimits },
    },
  };
}

function fieldNamedBy(problem: string): ParamField | undefined {
  // Longest full key first: no key is a prefix of another today, but keep it unambiguous.
  return [...PARAM_FIELDS]
    .sort((a, b) => b.fullKey.length - a.fullKey.length)
    .find(
      (field) => problem.startsWith(field.fullKey + ' ') || problem.startsWith(field.fullKey + ':'),
    );
}

export function checkForm(current: EngineValues, drafts: Drafts): FormCheck {
  const fieldErrors: Record<string, string> = {};
  const formErrors: string[] = [];
  const patch = { params: {} as Record<string, number>, risk_limits: {} as Record<string, number> };
  const changedIds: string[] = [];
  for (const field of PARAM_FIELDS) {
    const text = drafts[field.id];
    if (text === undefined) continue;
    const problem = fieldError(field, text);
    if (problem !== null) {
      fieldErrors[field.id] = problem;
      continue;
    }
    const value = parseDraft(text) as number;
    if (value !== engineValue(current, field)) {
      patch[field.group][field.key] = value;
      changedIds.push(field.id);
    }
  }
  if (Object.keys(fieldErrors).length === 0 && changedIds.length > 0) {
    const result = applyParamsPatch(configWith(current), toParamsPatch(patch));
    if (!result.ok) {
      for (const problem of result.problems) {
        const field = fieldNamedBy(problem);
        if (field && fieldErrors[field.id] === undefined) fieldErrors[field.id] = problem;
        else formErrors.push(problem);
      }
    }
  }
  return { fieldErrors, formErrors, patch, changedIds };
}

function toParamsPatch(patch: FormCheck['patch']): ParamsPatch {
  return { params: patch.params, risk_limits: patch.risk_limits };
}

/**
 * The commands that carry a checked patch, each with only its changed keys. When both
 * groups change, the order matters for the cross-field rules the engine checks per
 * command: raising the risk limit must land before a strategy size that needs it, and
 * lowering it must wait until the strategy size fits under it.
 */
export function commandsFor(current: EngineValues, patch: FormCheck['patch']): Command[] {
  const params: Command | null =
    Object.keys(patch.params).length > 0
      ? { type: 'updateParams', patch: { ...patch.params } }
      : null;
  const limits: Command | null =
    Object.keys(patch.risk_limits).length > 0
      ? { type: 'updateRiskLimits', patch: { ...patch.risk_limits } }
      : null;
  if (params === null) return limits === null ? [] : [limits];
  if (limits === null) return [params];
  const limitsAlone = applyParamsPatch(configWith(current), { risk_limits: patch.risk_limits });
  return limitsAlone.ok ? [limits, params] : [params, limits];
}
