import { useEffect, useMemo, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../app/app-context.js';
import { Panel } from '../components/Panel.js';
import { useCommand } from '../components/use-command.js';
import { displayValue } from './param-form-store.js';
import {
  fieldsInGroup,
  rangeLabel,
  type EngineValues,
  type ParamField,
  type ParamGroup,
} from './param-fields.js';
import { checkForm } from './param-validation.js';

/**
 * Strategy parameters and risk limits, editable while the engine runs. Each value is
 * checked as it is typed with the engine's own rules; Apply sends only what changed, and
 * the form shows what the engine answered.
 */
const GROUP_TITLES: Record<ParamGroup, string> = {
  params: 'Strategy parameters [strategy.params]',
  risk_limits: 'Risk limits [strategy.risk_limits]',
};

function ParamInput(props: {
  readonly field: ParamField;
  readonly value: string;
  readonly error: string | undefined;
  readonly dirty: boolean;
  readonly disabled: boolean;
  readonly onEdit: (text: string) => void;
}) {
  const { field } = props;
  const inputId = `param-${field.group}-${field.key}`;
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;
  return (
    <div className={`param-row${props.dirty ? ' dirty' : ''}${props.error ? ' invalid' : ''}`}>
      <label htmlFor={inputId} title={field.spec.description}>
        {field.key}
      </label>
      <input
        id={inputId}
        name={field.key}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        spellCheck={false}
        className="num"
        value={props.value}
        disabled={props.disabled}
        aria-invalid={props.error !== undefined}
        aria-describedby={props.error !== undefined ? `${hintId} ${errorId}` : hintId}
        onChange={(event) => props.onEdit(event.target.value)}
      />
      <span id={hintId} className="param-hint">
        {rangeLabel(field.spec)} — {field.spec.description}
      </span>
      {props.error !== undefined ? (
        <span id={errorId} role="alert" className="field-error">
          {props.error}
        </span>
      ) : null}
    </div>
  );
}

export function ParamsPanel() {
  const { api, engine, paramForm } = useServices();
  const params = useStore(engine.store, (s) => s.params);
  const riskLimits = useStore(engine.store, (s) => s.riskLimits);
  const form = useStore(paramForm);
  const reset = useCommand();
  const current: EngineValues | null = useMemo(
    () => (params !== null && riskLimits !== null ? { params, riskLimits } : null),
    [params, riskLimits],
  );

  useEffect(() => {
    if (current !== null) paramForm.reconcile(current, Date.now());
  }, [current, paramForm]);

  const check = current !== null ? checkForm(current, form.drafts) : null;
  const dirtyCount = Object.keys(form.drafts).length;

  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (current === null) return;
    void paramForm.submit(api, current);
  };

  return (
    <Panel id="params" title="Parameters">
      <form className="param-form" aria-label="Parameters" onSubmit={onSubmit} noValidate>
        {(['params', 'risk_limits'] as const).map((group) => (
          <fieldset
            key={group}
            name={group}
            aria-label={group}
            className={`param-group param-group-${group}`}
          >
            <legend>{GROUP_TITLES[group]}</legend>
            {fieldsInGroup(group).map((field) => (
              <ParamInput
                key={field.id}
                field={field}
                value={displayValue(form, field, current)}
                error={check?.fieldErrors[field.id]}
                dirty={form.drafts[field.id] !== undefined}
                disabled={current === null}
                onEdit={(text) => paramForm.edit(field.id, text)}
              />
            ))}
          </fieldset>
        ))}
        {check !== null && check.formErrors.length > 0 ? (
          <p role="alert" className="inline-alert">
            {check.formErrors.join('; ')}
          </p>
        ) : null}
        {form.blocked !== null ? (
          <p role="alert" className="inline-alert">
            {form.blocked}
          </p>
        ) : null}
        {form.refusal !== null ? (
          <p role="alert" className="inline-alert refusal">
            {form.refusal}
          </p>
        ) : null}
        <p role="status" className="form-notice">
          {form.notice ?? ''}
        </p>
        <div className="form-buttons">
          <button
            type="submit"
            className="primary"
            disabled={current === null}
            aria-busy={form.submitting}
          >
            {form.submitting ? 'Applying…' : 'Apply'}
          </button>
          <button
            type="button"
            disabled={dirtyCount === 0 && form.refusal === null}
            onClick={() => paramForm.revertAll()}
          >
            Revert
          </button>
          <button
            type="button"
            className="reset-params"
            disabled={current === null || reset.pendingKey !== null}
            aria-busy={reset.pendingKey !== null}
            title="Every parameter and risk limit back to its default; checked and recorded in the history like any edit"
            onClick={() => {
              paramForm.revertAll();
              void reset.run('Reset parameters', { type: 'resetParams' });
            }}
          >
            {reset.pendingKey !== null ? 'Resetting…' : 'Reset parameters'}
          </button>
        </div>
        {reset.failure !== null ? (
          <p role="alert" className="inline-alert refusal">
            {reset.failure}
          </p>
        ) : null}
      </form>
    </Panel>
  );
}
