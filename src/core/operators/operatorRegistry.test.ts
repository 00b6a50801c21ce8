import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestRunContext, removeTestWorkspaces } from '../executor/createTestRunContext';
import { getOperator, startTask } from './operatorRegistry';

afterAll(removeTestWorkspaces);

describe('operatorRegistry', () => {
  it('knows the operators of this issue', () => {
    for (const name of ['empty', 'bash', 'python', 'node', 'http', 'kafka.produce', 'kafka.consume', 'kafka.sink', 'sensor.kafka', 'sql'])
      expect(getOperator(name)?.name).toBe(name);
  });

  it('empty succeeds at once with no process, log or XCom', async () => {
    const context = createTestRunContext();
    const running = startTask({ task_id: 'join', operator: 'empty' }, context);
    expect(running.pid).toBeUndefined();
    expect(await running.outcome).toEqual({ state: 'success' });
    expect(existsSync(context.logFile)).toBe(false);
  });

  it('a template error fails the try at once, without starting anything, with the reason in the log', async () => {
    const context = createTestRunContext();
    const running = startTask({ task_id: 'task', operator: 'bash', bash_command: 'echo {{ params.missing }}' }, context);
    expect(running.pid).toBeUndefined();
    const outcome = await running.outcome;
    expect(outcome.state).toBe('failed');
    expect(outcome.error).toContain('Could not render the template in "bash_command": {{ params.missing }} is undefined');
    expect(readFileSync(context.logFile, 'utf8')).toContain(
      '{dagstream.bash} ERROR - Task failed before it started: Could not render the template',
    );
  });

  it('an unknown operator fails the try with the list of known ones', async () => {
    const outcome = await startTask({ task_id: 'task', operator: 'sensor.file' }, createTestRunContext()).outcome;
    expect(outcome).toEqual({
      state: 'failed',
      error:
        'Task "task" uses the operator "sensor.file", which this version of Dagstream cannot run (it runs: empty, bash, python, node, http, kafka.produce, kafka.consume, kafka.sink, sensor.kafka, sql).',
    });
  });

  it('does not render scheduling keys or code, which is not a template', async () => {
    const context = createTestRunContext();
    const code = 'def main(context):\n    return "{{ ds }}" + " " + context["ds"]';
    const outcome = await startTask({ task_id: 'task', operator: 'python', code, doc_md: '{{ broken', op_kwargs: {} }, context).outcome;
    expect(outcome.xcom).toBe('{{ ds }} 2026-11-25');
  });
});
