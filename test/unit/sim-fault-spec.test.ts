import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FaultSpecError,
  NO_FAULTS,
  describeFaults,
  parseFaultSpec,
  validateFaultSpec,
} from '../../main/sim/fault-spec.js';

test('the full example spec parses into every fault', () => {
  const spec = parseFaultSpec(
    'drop=0.01,dup=0.01,reorder=0.01,malformed=0.005,disconnect=30s,silence=10s@60s,slow_snapshot=2000ms,rest_error=0.1',
  );
  assert.deepEqual(spec, {
    drop: 0.01,
    dup: 0.01,
    reorder: 0.01,
    malformed: 0.005,
    disconnectMs: 30_000,
    silence: { durationMs: 10_000, startMs: 60_000 },
    slowSnapshotMs: 2000,
    restError: 0.1,
  });
});

test('empty, none and undefined mean no faults; spaces and units ms/s/m are accepted', () => {
  assert.deepEqual(parseFaultSpec(''), NO_FAULTS);
  assert.deepEqual(parseFaultSpec('  none '), NO_FAULTS);
  assert.deepEqual(parseFaultSpec(undefined), NO_FAULTS);
  const spec = parseFaultSpec(' drop = 1 , disconnect=1.5m, slow_snapshot=.5s ');
  assert.equal(spec.drop, 1);
  assert.equal(spec.disconnectMs, 90_000);
  assert.equal(spec.slowSnapshotMs, 500);
});

test('describeFaults writes the grammar back, and it parses to the same spec', () => {
  const spec = parseFaultSpec('malformed=0.2,silence=1s@2s,rest_error=0.5,disconnect=250ms');
  const text = describeFaults(spec);
  assert.deepEqual(parseFaultSpec(text), spec);
  assert.equal(describeFaults(NO_FAULTS), 'none');
});

test('every bad spec is refused with an error that names the bad part', () => {
  const cases: Array<[string, RegExp]> = [
    ['dorp=0.1', /unknown fault "dorp".*known faults: drop, dup/],
    ['drop=1.5', /"drop=1.5".*probability from 0 to 1/],
    ['drop=-0.1', /"drop=-0.1".*probability/],
    ['drop=abc', /"drop=abc".*probability/],
    ['drop', /"drop" needs the form key=value/],
    ['drop=', /"drop=" has no value/],
    ['drop=0.1,,dup=0.1', /part 2 is empty/],
    ['drop=0.1,drop=0.2', /"drop" is given twice/],
    ['disconnect=30', /"disconnect=30".*not a duration.*\(a unit is needed: 30ms or 30s\?\)/],
    ['disconnect=0s', /disconnect period must be longer than 0/],
    ['disconnect=30h', /"disconnect=30h".*not a duration like 250ms/],
    ['silence=10s', /"silence=10s" needs DURATION@START/],
    ['silence=0s@5s', /silence must last longer than 0/],
    ['silence=10s@soon', /"silence=10s@soon".*"soon" is not a duration/],
    ['slow_snapshot=fast', /"slow_snapshot=fast"/],
  ];
  for (const [text, pattern] of cases) {
    assert.throws(
      () => parseFaultSpec(text),
      (error: unknown) => error instanceof FaultSpecError && pattern.test(error.message),
      text,
    );
  }
});

test('a spec given as an object is checked by the same rules', () => {
  assert.deepEqual(validateFaultSpec({ drop: 0.5 }), { ...NO_FAULTS, drop: 0.5 });
  assert.throws(
    () => validateFaultSpec({ dup: 2 }),
    /dup must be a probability from 0 to 1, got 2/,
  );
  assert.throws(
    () => validateFaultSpec({ restError: Number.NaN }),
    /restError must be a probability/,
  );
  assert.throws(
    () => validateFaultSpec({ disconnectMs: 0 }),
    /disconnectMs must be a positive number/,
  );
  assert.throws(
    () => validateFaultSpec({ silence: { startMs: -1, durationMs: 5 } }),
    /silence needs startMs >= 0/,
  );
  assert.throws(
    () => validateFaultSpec({ slowSnapshotMs: -5 }),
    /slowSnapshotMs must be 0 or more/,
  );
});
