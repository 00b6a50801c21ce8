import { useCallback, useEffect, useState } from 'react';
import {
  isCanvasRunNotification,
  type CanvasRunCommand,
  type DidShowDetailNotification,
  type RunEngineStatusDto,
  type RunSummaryDto,
} from '../../src/protocol/canvasRunProtocol';
import { RunStatesStore } from './RunStatesStore';
import { TaskStatePacer } from './TaskStatePacer';
import { postCommand } from './vscodeApi';

export interface RunDetail extends Omit<DidShowDetailNotification, 'type'> {
  /** Bumped on every append, so the panel knows to scroll. */
  revision: number;
}

export interface RunState {
  status: RunEngineStatusDto | undefined;
  runs: RunSummaryDto[];
  selectedRunId: string | undefined;
  followLatest: boolean;
  /**
   * Task states of the shown run as drawn: each state the host sends is shown for a moment before
   * the task's next one (see TaskStatePacer). Read them with useTaskRunState: a change re-renders
   * only the components of the tasks it touched, never this hook's caller.
   */
  states: RunStatesStore;
  detail: RunDetail | undefined;
  report: { ok: boolean; message: string; at: number } | undefined;
  send(command: CanvasRunCommand): void;
  closeDetail(): void;
}

/** What the host says about runs of this DAG; the webview keeps no run data of its own. */
export function useRunState(): RunState {
  const [status, setStatus] = useState<RunEngineStatusDto>();
  const [runs, setRuns] = useState<{ runs: RunSummaryDto[]; selectedRunId: string | undefined; followLatest: boolean }>({
    runs: [],
    selectedRunId: undefined,
    followLatest: true,
  });
  const [states] = useState(() => new RunStatesStore());
  const [detail, setDetail] = useState<RunDetail>();
  const [report, setReport] = useState<RunState['report']>();

  useEffect(() => {
    const pacer = new TaskStatePacer((changes, reset) => states.apply(changes, reset));
    const onMessage = (event: MessageEvent<unknown>): void => {
      const message = event.data;
      if (!isCanvasRunNotification(message)) return;
      switch (message.type) {
        case 'run/didChangeEngine':
          setStatus(message.status);
          return;
        case 'run/didChangeRuns':
          setRuns({ runs: message.runs, selectedRunId: message.selectedRunId, followLatest: message.followLatest });
          return;
        case 'run/didChangeTaskStates':
          if (message.reset) pacer.reset(message.states);
          else pacer.push(message.states);
          return;
        case 'run/didShowDetail': {
          const { type: _type, ...rest } = message;
          setDetail({ ...rest, revision: 0 });
          return;
        }
        case 'run/didAppendLog':
          setDetail((previous) =>
            previous &&
            previous.kind === 'log' &&
            previous.taskId === message.taskId &&
            previous.runId === message.runId &&
            previous.tryNumber === message.tryNumber
              ? { ...previous, text: previous.text + message.text, revision: previous.revision + 1 }
              : previous,
          );
          return;
        case 'run/didReport':
          setReport({ ok: message.ok, message: message.message, at: Date.now() });
          return;
      }
    };
    window.addEventListener('message', onMessage);
    postCommand({ type: 'run/ready' });
    return () => {
      window.removeEventListener('message', onMessage);
      pacer.dispose();
    };
  }, [states]);

  const send = useCallback((command: CanvasRunCommand) => postCommand(command), []);
  const closeDetail = useCallback(() => {
    setDetail(undefined);
    postCommand({ type: 'run/closeDetail' });
  }, []);
  return { status, ...runs, states, detail, report, send, closeDetail };
}
