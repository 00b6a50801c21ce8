import { ReactFlowProvider } from '@xyflow/react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { TaskRunStateDto } from '../../src/protocol/canvasRunProtocol';
import { RunStatesContext, RunStatesStore, useTaskRunState } from './RunStatesStore';

function state(taskId: string, value: TaskRunStateDto['state']): TaskRunStateDto {
  return { taskId, state: value, tryNumber: 1, maxTries: 1 };
}

describe('RunStatesStore', () => {
  it('tells only the tasks a batch touched, and every task a reset cleared', () => {
    const store = new RunStatesStore();
    const heard: string[] = [];
    const stopA = store.subscribe('a', () => heard.push(`a:${store.get('a')?.state ?? 'none'}`));
    store.subscribe('b', () => heard.push(`b:${store.get('b')?.state ?? 'none'}`));
    store.subscribe('c', () => heard.push(`c:${store.get('c')?.state ?? 'none'}`));

    store.apply([state('a', 'queued'), state('a', 'running')], false);
    expect(heard.splice(0)).toEqual(['a:running']);
    store.apply([state('b', 'success')], false);
    expect(heard.splice(0)).toEqual(['b:success']);
    expect(store.get('a')?.state).toBe('running');

    // Another run is shown: the tasks that had a state hear they have none (or their new one).
    store.apply([state('c', 'scheduled')], true);
    expect(heard.splice(0).sort()).toEqual(['a:none', 'b:none', 'c:scheduled']);
    expect(store.size).toBe(1);

    stopA();
    store.apply([state('a', 'failed')], false);
    expect(heard).toEqual([]);
  });

  it('gives each component the state of its own task', () => {
    const store = new RunStatesStore();
    store.apply([state('load', 'up_for_retry')], false);
    function Probe({ taskId }: { taskId: string }) {
      return <span>{`${taskId}=${useTaskRunState(taskId)?.state ?? 'none'}`}</span>;
    }
    const html = renderToStaticMarkup(
      <ReactFlowProvider>
        <RunStatesContext.Provider value={store}>
          <Probe taskId="load" />
          <Probe taskId="other" />
        </RunStatesContext.Provider>
      </ReactFlowProvider>,
    );
    expect(html).toBe('<span>load=up_for_retry</span><span>other=none</span>');
  });
});
