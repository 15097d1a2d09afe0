import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Command, LockstepApi } from '../../../shared/api.js';
import { PARAM_FIELDS, engineValue, type EngineValues, type ParamField } from './param-fields.js';
import { checkForm, commandsFor, parseDraft, type Drafts } from './param-validation.js';

/**
 * The parameter form's own state: what the trader typed, what the engine acknowledged,
 * and what it said. Values the engine runs with come from the state stream; a field shows
 * the trader's draft, else a just-acknowledged value (until the stream catches up), else
 * the engine's.
 */
export interface ParamFormState {
  readonly drafts: Drafts;
  /** Field id → value the engine acknowledged, shown until the stream reports it. */
  readonly acked: Readonly<Record<string, { readonly value: number; readonly untilMs: number }>>;
  readonly submitting: boolean;
  /** Why the engine refused the last Apply (its own words). */
  readonly refusal: string | null;
  /** Why the form did not send at all. */
  readonly blocked: string | null;
  /** What the last Apply changed. */
  readonly notice: string | null;
}

export type ParamFormStore = StoreApi<ParamFormState> & {
  edit(id: string, text: string): void;
  revertAll(): void;
  /** Drops acknowledged overrides the stream has caught up with (or that waited too long). */
  reconcile(current: EngineValues, nowMs: number): void;
  submit(api: Pick<LockstepApi, 'send'>, current: EngineValues): Promise<void>;
};

/** How long an acknowledged value is shown before the stream must have reported it. */
const ACK_HOLD_MS = 3000;

export function displayValue(
  state: ParamFormState,
  field: ParamField,
  current: EngineValues | null,
): string {
  const draft = state.drafts[field.id];
  if (draft !== undefined) return draft;
  const acked = state.acked[field.id];
  if (acked !== undefined) return String(acked.value);
  return current === null ? '' : String(engineValue(current, field));
}

const fieldById = new Map(PARAM_FIELDS.map((field) => [field.id, field]));

function idsOf(command: Command): string[] {
  if (command.type === 'updateParams')
    return Object.keys(command.patch).map((key) => `params.${key}`);
  if (command.type === 'updateRiskLimits')
    return Object.keys(command.patch).map((key) => `risk_limits.${key}`);
  return [];
}

const without = <T>(
  record: Readonly<Record<string, T>>,
  ids: readonly string[],
): Record<string, T> => {
  const copy = { ...record };
  for (const id of ids) delete copy[id];
  return copy;
};

export function createParamFormStore(now: () => number = Date.now): ParamFormStore {
  const store = createStore<ParamFormState>()(() => ({
    drafts: {},
    acked: {},
    submitting: false,
    refusal: null,
    blocked: null,
    notice: null,
  }));

  const submit = async (api: Pick<LockstepApi, 'send'>, current: EngineValues): Promise<void> => {
    if (store.getState().submitting) return;
    const check = checkForm(current, store.getState().drafts);
    const errorCount = Object.keys(check.fieldErrors).length + check.formErrors.length;
    if (errorCount > 0) {
      const first = Object.values(check.fieldErrors)[0] ?? check.formErrors[0];
      store.setState({
        blocked: `Not sent: ${errorCount === 1 ? 'one value is' : `${errorCount} values are`} refused — ${first}`,
        notice: null,
        refusal: null,
      });
      return;
    }
    if (check.changedIds.length === 0) {
      store.setState({
        drafts: {},
        blocked: null,
        refusal: null,
        notice: 'Nothing to apply: the values are those the engine runs with.',
      });
      return;
    }
    // Drafts that equal what the engine runs with have nothing to send: drop them now.
    const unchanged = Object.keys(store.getState().drafts).filter(
      (id) => !check.changedIds.includes(id),
    );
    store.setState({
      drafts: without(store.getState().drafts, unchanged),
      submitting: true,
      blocked: null,
      refusal: null,
      notice: null,
    });
    const applied: string[] = [];
    for (const command of commandsFor(current, check.patch)) {
      const ids = idsOf(command);
      let refusal: string | null = null;
      try {
        const ack = await api.send(command);
        if (!ack.ok) refusal = ack.reason;
      } catch (error) {
        refusal = `could not reach the engine: ${error instanceof Error ? error.message : String(error)}`;
      }
      const state = store.getState();
      if (refusal !== null) {
        // The engine keeps its old values: so does the form, and it says why.
        store.setState({
          drafts: without(state.drafts, ids),
          submitting: false,
          refusal: `The engine refused the change: ${refusal}`,
          notice: applied.length ? `Applied before the refusal: ${applied.join(', ')}` : null,
        });
        return;
      }
      const acked = { ...state.acked };
      for (const id of ids) {
        const field = fieldById.get(id)!;
        const value = parseDraft(state.drafts[id] ?? '') as number;
        acked[id] = { value, untilMs: now() + ACK_HOLD_MS };
        applied.push(`${field.fullKey} ${engineValue(current, field)} → ${value}`);
      }
      store.setState({ drafts: without(state.drafts, ids), acked });
    }
    store.setState({ submitting: false, notice: `Applied: ${applied.join(', ')}` });
  };

  return Object.assign(store, {
    edit(id: string, text: string) {
      if (!fieldById.has(id)) throw new Error(`unknown parameter field ${id}`);
      const state = store.getState();
      store.setState({
        drafts: { ...state.drafts, [id]: text },
        acked: without(state.acked, [id]),
        blocked: null,
      });
    },
    revertAll() {
      store.setState({ drafts: {}, blocked: null, refusal: null, notice: null });
    },
    reconcile(current: EngineValues, nowMs: number) {
      const { acked } = store.getState();
      const done = Object.entries(acked)
        .filter(
          ([id, entry]) =>
            entry.value === engineValue(current, fieldById.get(id)!) || nowMs > entry.untilMs,
        )
        .map(([id]) => id);
      if (done.length > 0) store.setState({ acked: without(acked, done) });
    },
    submit,
  });
}
