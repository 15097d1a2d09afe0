import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_RISK_LIMITS,
  DEFAULT_STRATEGY_PARAMS,
  RISK_LIMIT_SPECS,
  STRATEGY_PARAM_SPECS,
  applyParamsPatch,
  checkNumber,
} from '../../shared/config.js';
import type { Command, CommandAck } from '../../shared/api.js';
import {
  PARAM_FIELDS,
  rangeLabel,
  type EngineValues,
} from '../../renderer/src/form/param-fields.js';
import {
  baseEngineConfig as defaultConfig,
  checkForm,
  commandsFor,
  fieldError,
  parseDraft,
} from '../../renderer/src/form/param-validation.js';
import { createParamFormStore, displayValue } from '../../renderer/src/form/param-form-store.js';

const current: EngineValues = {
  params: { ...DEFAULT_STRATEGY_PARAMS },
  riskLimits: { ...DEFAULT_RISK_LIMITS },
};
const field = (id: string) => PARAM_FIELDS.find((f) => f.id === id)!;

test('one field per parameter and risk limit, max_position_size in both groups', () => {
  assert.equal(
    PARAM_FIELDS.length,
    Object.keys(STRATEGY_PARAM_SPECS).length + Object.keys(RISK_LIMIT_SPECS).length,
  );
  assert.deepEqual(
    PARAM_FIELDS.filter((f) => f.key === 'max_position_size').map((f) => f.fullKey),
    ['strategy.params.max_position_size', 'strategy.risk_limits.max_position_size'],
  );
  assert.equal(new Set(PARAM_FIELDS.map((f) => f.id)).size, PARAM_FIELDS.length, 'ids are unique');
  assert.equal(rangeLabel(STRATEGY_PARAM_SPECS.imbalance_threshold), '0 < x < 1');
  assert.equal(rangeLabel(STRATEGY_PARAM_SPECS.depth_levels), '1 ≤ x ≤ 20, integer');
});

test('drafts parse as numbers only when they are numbers', () => {
  assert.equal(parseDraft(' 0.4 '), 0.4);
  assert.equal(parseDraft('1e3'), 1000);
  assert.equal(parseDraft('.5'), 0.5);
  assert.equal(parseDraft('abc'), 'abc');
  assert.equal(parseDraft(''), '');
  assert.equal(parseDraft('0x10'), '0x10', 'hex is not a config number');
  assert.equal(parseDraft('1,5'), '1,5');
});

test('a field refuses with the very sentence the engine uses', () => {
  const threshold = field('params.imbalance_threshold');
  for (const text of ['1', '0', '-0.2', 'abc', '', '1.5']) {
    const expected = checkNumber(
      'strategy.params.imbalance_threshold',
      STRATEGY_PARAM_SPECS.imbalance_threshold,
      parseDraft(text),
    );
    assert.ok(expected !== null, text);
    assert.equal(fieldError(threshold, text), expected);
    // And it is the engine's live-edit refusal word for word.
    const engine = applyParamsPatch(defaultConfig(), {
      params: { imbalance_threshold: parseDraft(text) as number },
    });
    assert.equal(engine.ok, false);
    if (!engine.ok) assert.deepEqual(engine.problems, [expected]);
  }
  assert.equal(fieldError(threshold, '0.45'), null);
  assert.match(fieldError(field('params.depth_levels'), '2.5')!, /must be an integer/);
});

test('checkForm keeps only changed keys, per group', () => {
  const check = checkForm(current, {
    'params.imbalance_threshold': '0.4',
    'params.min_confidence': '0.7', // unchanged: not sent
    'risk_limits.max_order_size': '0.25',
  });
  assert.deepEqual(check.fieldErrors, {});
  assert.deepEqual(check.patch, {
    params: { imbalance_threshold: 0.4 },
    risk_limits: { max_order_size: 0.25 },
  });
  assert.deepEqual(check.changedIds, ['params.imbalance_threshold', 'risk_limits.max_order_size']);
});

test('cross-field rules refuse what the engine would, on the field they name', () => {
  const check = checkForm(current, { 'risk_limits.max_order_size': '2' });
  const message = check.fieldErrors['risk_limits.max_order_size'];
  assert.match(
    message,
    /^strategy\.risk_limits\.max_order_size \(2\) must not exceed strategy\.risk_limits\.max_position_size \(1\)/,
  );
  const engine = applyParamsPatch(defaultConfig(), { risk_limits: { max_order_size: 2 } });
  assert.ok(!engine.ok && engine.problems.includes(message));
  assert.deepEqual(
    checkForm(current, { 'risk_limits.max_order_size': '2', 'risk_limits.max_position_size': '3' })
      .fieldErrors,
    {},
  );
});

test('when both groups change, the commands are ordered so each passes the engine on its own', () => {
  const raise = checkForm(current, {
    'params.max_position_size': '3',
    'risk_limits.max_position_size': '3',
  });
  assert.deepEqual(raise.fieldErrors, {});
  const raised = commandsFor(current, raise.patch);
  assert.deepEqual(
    raised.map((c) => c.type),
    ['updateRiskLimits', 'updateParams'],
  );
  const high: EngineValues = {
    params: { ...current.params, max_position_size: 3 },
    riskLimits: { ...current.riskLimits, max_position_size: 3 },
  };
  const lower = checkForm(high, {
    'params.max_position_size': '0.5',
    'risk_limits.max_position_size': '0.6',
  });
  assert.deepEqual(lower.fieldErrors, {});
  assert.deepEqual(
    commandsFor(high, lower.patch).map((c) => c.type),
    ['updateParams', 'updateRiskLimits'],
  );
  assert.deepEqual(commandsFor(current, { params: {}, risk_limits: {} }), []);
});

/** An engine behind the API: applies what applyParamsPatch accepts, records every command. */
function engineApi(refuseWith: string | null = null) {
  let values = { ...current, params: { ...current.params }, riskLimits: { ...current.riskLimits } };
  const sent: Command[] = [];
  return {
    sent,
    get values(): EngineValues {
      return values;
    },
    async send(command: Command): Promise<CommandAck> {
      sent.push(command);
      if (refuseWith !== null) return { ok: false, reason: refuseWith };
      if (command.type !== 'updateParams' && command.type !== 'updateRiskLimits')
        return { ok: true };
      const config = defaultConfig();
      const base = {
        ...config,
        strategy: { ...config.strategy, params: values.params, risk_limits: values.riskLimits },
      };
      const result = applyParamsPatch(
        base,
        command.type === 'updateParams'
          ? { params: command.patch }
          : { risk_limits: command.patch },
      );
      if (!result.ok) return { ok: false, reason: result.problems.join('; ') };
      values = {
        params: result.config.strategy.params,
        riskLimits: result.config.strategy.risk_limits,
      };
      return { ok: true };
    },
  };
}

test('Apply with an invalid value sends nothing and says why', async () => {
  const form = createParamFormStore();
  const api = engineApi();
  form.edit('params.imbalance_threshold', '1.5');
  await form.submit(api, current);
  assert.equal(api.sent.length, 0);
  assert.match(
    form.getState().blocked!,
    /^Not sent: one value is refused — strategy\.params\.imbalance_threshold must be/,
  );
  assert.equal(
    form.getState().drafts['params.imbalance_threshold'],
    '1.5',
    'the typed text is kept to correct',
  );
});

test('Apply sends only the changed keys; the acknowledged value shows until the stream reports it', async () => {
  let now = 1000;
  const form = createParamFormStore(() => now);
  const api = engineApi();
  form.edit('params.imbalance_threshold', '0.45');
  form.edit('params.depth_levels', '5');
  await form.submit(api, current);
  assert.deepEqual(api.sent, [{ type: 'updateParams', patch: { imbalance_threshold: 0.45 } }]);
  const state = form.getState();
  assert.equal(state.refusal, null);
  assert.deepEqual(state.drafts, {});
  assert.equal(state.notice, 'Applied: strategy.params.imbalance_threshold 0.3 → 0.45');
  const threshold = field('params.imbalance_threshold');
  assert.equal(
    displayValue(state, threshold, current),
    '0.45',
    'shown before the next state arrives',
  );
  form.reconcile(current, (now += 100));
  assert.equal(
    displayValue(form.getState(), threshold, current),
    '0.45',
    'the stream has not caught up yet',
  );
  form.reconcile(api.values, (now += 100));
  assert.deepEqual(form.getState().acked, {});
  assert.equal(
    displayValue(form.getState(), threshold, api.values),
    '0.45',
    'now from the engine state',
  );
});

test('a refused edit shows the engine reason and goes back to the old value', async () => {
  const form = createParamFormStore();
  const api = engineApi('strategy.params.min_confidence refused: the engine is restarting');
  form.edit('params.min_confidence', '0.8');
  await form.submit(api, current);
  assert.equal(api.sent.length, 1);
  const state = form.getState();
  assert.equal(
    state.refusal,
    'The engine refused the change: strategy.params.min_confidence refused: the engine is restarting',
  );
  assert.equal(displayValue(state, field('params.min_confidence'), current), '0.7');
  assert.equal(state.submitting, false);
});

test('a transport failure is a refusal too, never an unhandled rejection', async () => {
  const form = createParamFormStore();
  form.edit('risk_limits.max_orders_per_second', '20');
  await form.submit(
    {
      send: async () => {
        throw new Error('IPC channel closed');
      },
    },
    current,
  );
  assert.equal(
    form.getState().refusal,
    'The engine refused the change: could not reach the engine: IPC channel closed',
  );
  assert.equal(form.getState().submitting, false);
});

test('editing an unknown field is an error, not a silent no-op', () => {
  const form = createParamFormStore();
  assert.throws(() => form.edit('params.nope', '1'), /unknown parameter field params\.nope/);
});
