import { useState } from 'react';
import type { RunSummaryDto } from '../../src/protocol/canvasRunProtocol';
import type { JsonObject, JsonValue } from '../../src/protocol/jsonValue';
import { TASK_STATE_GLYPHS } from './taskStateStyle';
import type { RunState } from './useRunState';

/**
 * The run half of the toolbar: Trigger (with a params form generated from the DAG's `params`
 * schemas, defaults filled in), Pause/Unpause, the run the canvas shows (the latest by default)
 * and the run views. Disabled with the reason in words when the workspace cannot run.
 */
export function RunToolbar({ run, params }: { run: RunState; params: JsonObject | undefined }) {
  const [formOpen, setFormOpen] = useState(false);
  const status = run.status;
  const canRun = status?.canRun ?? false;
  const reason = status?.reason ?? (status ? undefined : 'Starting the scheduler…');
  const hasParams = params !== undefined && Object.keys(params).length > 0;
  const trigger = (values: Record<string, string>): void => {
    setFormOpen(false);
    run.send({ type: 'run/trigger', params: values });
  };
  return (
    <div className="run-toolbar" data-testid="run-toolbar" data-can-run={canRun} data-mode={status?.mode ?? 'off'}>
      <button
        type="button"
        className="canvas-button run-trigger"
        disabled={!canRun}
        title={canRun ? `Trigger a run${hasParams ? ': fill in its params' : ''} (unsaved changes are saved first)` : reason}
        onClick={() => (hasParams ? setFormOpen((open) => !open) : trigger({}))}
      >
        ▶ Trigger{hasParams ? '…' : ''}
      </button>
      <button
        type="button"
        className={`canvas-toggle${status?.paused ? ' pressed' : ''}`}
        aria-pressed={status?.paused ?? false}
        disabled={!canRun}
        title={
          canRun
            ? status?.paused
              ? 'Paused: the schedule creates no runs and runs do not start tasks. Click to unpause.'
              : 'Pause the DAG: no new scheduled runs, running runs hold.'
            : reason
        }
        data-testid="run-pause"
        onClick={() => run.send({ type: 'run/setPaused', paused: !(status?.paused ?? false) })}
      >
        {status?.paused ? '⏸ Paused' : 'Pause'}
      </button>
      <RunPicker run={run} />
      <button
        type="button"
        className="canvas-button"
        disabled={!canRun}
        title={canRun ? 'Grid of runs by tasks and a Gantt chart of the shown run, beside the canvas' : reason}
        onClick={() => run.send({ type: 'run/openRunViews' })}
      >
        Runs
      </button>
      {!canRun && reason && (
        <span className="run-disabled-reason" data-testid="run-disabled-reason" title={reason}>
          {reason}
        </span>
      )}
      {status?.mode === 'remote' && (
        <span className="canvas-badge" title={status.detail}>
          External scheduler
        </span>
      )}
      {formOpen && params && <TriggerForm params={params} onSubmit={trigger} onCancel={() => setFormOpen(false)} />}
    </div>
  );
}

function RunPicker({ run }: { run: RunState }) {
  const latest = run.runs[0];
  return (
    <select
      className="run-picker"
      data-testid="run-picker"
      aria-label="Run shown on the canvas"
      title="Which run the nodes show: the latest (following new runs) or one you pick"
      disabled={run.runs.length === 0}
      value={run.followLatest ? '' : (run.selectedRunId ?? '')}
      onChange={(event) => run.send(event.target.value === '' ? { type: 'run/select' } : { type: 'run/select', runId: event.target.value })}
    >
      <option value="">{latest ? `Latest: ${describeRun(latest)}` : 'No runs yet'}</option>
      {run.runs.map((r) => (
        <option key={r.runId} value={r.runId}>
          {describeRun(r)}
        </option>
      ))}
    </select>
  );
}

function describeRun(run: RunSummaryDto): string {
  const glyph = run.state === 'queued' ? TASK_STATE_GLYPHS.queued : TASK_STATE_GLYPHS[run.state];
  return `${glyph} ${run.runId} (${run.state})`;
}

function defaultText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One field per param, from its JSON Schema: enums as a list, booleans as a checkbox, the rest as text. */
function TriggerForm({
  params,
  onSubmit,
  onCancel,
}: {
  params: JsonObject;
  onSubmit(values: Record<string, string>): void;
  onCancel(): void;
}) {
  const entries = Object.entries(params).map(([name, raw]) => {
    const schema = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as JsonObject;
    return { name, schema };
  });
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(entries.map(({ name, schema }) => [name, defaultText(schema.default)])),
  );
  const set = (name: string, value: string): void => setValues((v) => ({ ...v, [name]: value }));
  return (
    <form
      className="trigger-form"
      data-testid="trigger-form"
      aria-label="Params of the new run"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(values);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel();
      }}
    >
      <div className="trigger-form-title">Trigger a run with params</div>
      {entries.map(({ name, schema }) => {
        const type = typeof schema.type === 'string' ? schema.type : undefined;
        const description = typeof schema.description === 'string' ? schema.description : undefined;
        const options = Array.isArray(schema.enum) ? schema.enum.map(defaultText) : undefined;
        const id = `param-${name}`;
        return (
          <div key={name} className="trigger-field" data-param={name}>
            <label htmlFor={id}>
              {name}
              {type ? <span className="trigger-type"> ({type})</span> : null}
            </label>
            {options ? (
              <select id={id} value={values[name] ?? ''} onChange={(e) => set(name, e.target.value)}>
                {options.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            ) : type === 'boolean' ? (
              <input id={id} type="checkbox" checked={values[name] === 'true'} onChange={(e) => set(name, String(e.target.checked))} />
            ) : (
              <input
                id={id}
                type={type === 'number' || type === 'integer' ? 'number' : 'text'}
                value={values[name] ?? ''}
                onChange={(e) => set(name, e.target.value)}
              />
            )}
            {description && <div className="trigger-help">{description}</div>}
          </div>
        );
      })}
      <div className="trigger-actions">
        <button type="submit" className="canvas-button primary">
          Trigger
        </button>
        <button type="button" className="canvas-button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
