import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyParamsPatch,
  ConfigError,
  defaultConfig,
  validateConfig,
} from '../../shared/config.js';
import { parseConfigToml } from '../../shared/config-toml.js';

const repoRoot = join(__dirname, '..', '..', '..');

test('the example config parses and equals the defaults', () => {
  const example = parseConfigToml(
    readFileSync(join(repoRoot, 'assets', 'lockstep.example.toml'), 'utf8'),
  );
  assert.deepEqual(example, defaultConfig());
});

test('an empty file gets every default, nested tables included', () => {
  const config = validateConfig({});
  assert.equal(config.strategy.risk_limits.max_order_size, 0.5);
  assert.equal(config.strategy.params.imbalance_threshold, 0.3);
  assert.equal(config.engine.wait_strategy, 'hybrid');
  assert.deepEqual(validateConfig({ strategy: {} }).strategy.params, config.strategy.params);
});

function problemsOf(raw: unknown): string[] {
  try {
    validateConfig(raw);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return [...error.problems];
  }
  assert.fail('the config was accepted');
}

test('risk_limits.max_drawdown: off (0) by default, validated like every key, and live-editable', () => {
  assert.equal(validateConfig({}).strategy.risk_limits.max_drawdown, 0);
  assert.equal(
    validateConfig({ strategy: { risk_limits: { max_drawdown: 250.5 } } }).strategy.risk_limits
      .max_drawdown,
    250.5,
  );
  for (const bad of [-1, 'ten', Number.POSITIVE_INFINITY, 2e12]) {
    const problem = problemsOf({ strategy: { risk_limits: { max_drawdown: bad } } })[0]!;
    assert.match(
      problem,
      /strategy\.risk_limits\.max_drawdown must be a number with 0 ≤ max_drawdown ≤ 1000000000000/,
    );
  }
  const edited = applyParamsPatch(defaultConfig(), { risk_limits: { max_drawdown: 100 } });
  assert.ok(edited.ok && edited.config.strategy.risk_limits.max_drawdown === 100);
  const refused = applyParamsPatch(defaultConfig(), { risk_limits: { max_drawdown: -5 } });
  assert.ok(!refused.ok && /max_drawdown/.test(refused.problems.join(' ')));
});

test('a bad value is refused with its key and the allowed range', () => {
  const [problem] = problemsOf({ strategy: { params: { imbalance_threshold: 1.5 } } });
  assert.match(problem!, /strategy\.params\.imbalance_threshold/);
  assert.match(problem!, /0 < imbalance_threshold < 1/);
  assert.match(problem!, /got 1\.5/);
  assert.match(problemsOf({ strategy: { params: { depth_levels: 2.5 } } })[0]!, /integer/);
  assert.match(
    problemsOf({ strategy: { params: { min_confidence: 'high' } } })[0]!,
    /min_confidence/,
  );
  assert.match(
    problemsOf({ strategy: { params: { min_confidence: Number.NaN } } })[0]!,
    /min_confidence/,
  );
  assert.match(
    problemsOf({ strategy: { paper_trading: false } })[0]!,
    /paper_trading must be true/,
  );
  assert.match(problemsOf({ market: { url: 'http://x' } })[0]!, /market\.url/);
  assert.match(problemsOf({ strategy: { symbols: ['btc usdt'] } })[0]!, /symbol/);
  assert.match(problemsOf({ strategy: { nonsense: 1 } })[0]!, /nonsense/);
});

test('the confidence scales: measured defaults, validated, live-editable; the seed values still load', () => {
  const config = defaultConfig();
  assert.equal(config.strategy.params.momentum_scale, 0.000001);
  assert.equal(config.strategy.params.volatility_scale, 0.00001);
  const seed = validateConfig({
    strategy: { params: { momentum_scale: 0.01, volatility_scale: 0.01, min_confidence: 0.7 } },
  });
  assert.equal(seed.strategy.params.momentum_scale, 0.01);
  assert.match(
    problemsOf({ strategy: { params: { volatility_scale: -1 } } })[0]!,
    /strategy\.params\.volatility_scale must be a number with 0 < volatility_scale ≤ 1; got -1/,
  );
  assert.match(problemsOf({ strategy: { params: { momentum_scale: 'x' } } })[0]!, /momentum_scale/);
  const edited = applyParamsPatch(config, { params: { momentum_scale: 0.00002 } });
  assert.ok(edited.ok);
  if (edited.ok) assert.equal(edited.config.strategy.params.momentum_scale, 0.00002);
  assert.equal(applyParamsPatch(config, { params: { momentum_scale: 0 } }).ok, false);
});

test('cross-field rules: an order may not exceed the position limit', () => {
  const [problem] = problemsOf({
    strategy: { risk_limits: { max_order_size: 2, max_position_size: 1 } },
  });
  assert.match(
    problem!,
    /max_order_size \(2\) must not exceed strategy\.risk_limits\.max_position_size \(1\)/,
  );
});

test('nan and inf in a TOML config are named as written, not as null', () => {
  const refusal = (toml: string): string => {
    try {
      parseConfigToml(toml);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    assert.fail(`accepted: ${toml}`);
  };
  for (const [written, shown] of [
    ['nan', 'nan'],
    ['+nan', 'nan'],
    ['inf', 'inf'],
    ['+inf', 'inf'],
    ['-inf', '-inf'],
  ] as const) {
    const message = refusal(`[strategy.params]\nmin_confidence = ${written}\n`);
    assert.match(message, /strategy\.params\.min_confidence/);
    assert.ok(message.endsWith(`; got ${shown}`), message);
    assert.doesNotMatch(message, /null/);
  }
  assert.match(
    refusal('[strategy.risk_limits]\nmax_order_size = inf\n'),
    /strategy\.risk_limits\.max_order_size .*; got inf$/,
  );
});

test('a TOML syntax error names the line and column', () => {
  assert.throws(
    () => parseConfigToml('[strategy\nsymbols = 1'),
    (error: unknown) => error instanceof ConfigError && /line 1/.test(error.message),
  );
});

test('a live edit is all or nothing', () => {
  const config = defaultConfig();
  const refused = applyParamsPatch(config, {
    params: { imbalance_threshold: 0.5, min_confidence: 7 },
  });
  assert.equal(refused.ok, false);
  if (!refused.ok) assert.match(refused.problems.join(), /min_confidence/);
  assert.equal(config.strategy.params.imbalance_threshold, 0.3, 'the refused edit changed nothing');
  const crossRefused = applyParamsPatch(config, { risk_limits: { max_order_size: 5 } });
  assert.equal(crossRefused.ok, false);
  const accepted = applyParamsPatch(config, {
    params: { imbalance_threshold: 0.5 },
    risk_limits: { max_orders_per_second: 3 },
  });
  assert.ok(accepted.ok);
  if (accepted.ok) {
    assert.equal(accepted.config.strategy.params.imbalance_threshold, 0.5);
    assert.equal(accepted.config.strategy.risk_limits.max_orders_per_second, 3);
  }
  const unknown = applyParamsPatch(config, { params: { bogus: 1 } as never });
  assert.equal(unknown.ok, false);
});
