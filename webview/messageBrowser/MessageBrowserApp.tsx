import { useCallback, useEffect, useRef, useState } from 'react';
import {
  isMessageBrowserNotification,
  MAX_LOADED_MESSAGES,
  type BrowseStatus,
  type DidLoadTopicNotification,
  type MessageBrowserNotification,
  type MessageRowDto,
} from '../../src/protocol/messageBrowserProtocol';
import { DEFAULT_SETTINGS, toBrowseRequest, type BrowseSettings } from './browseSettings';
import { BrowseToolbar } from './BrowseToolbar';
import { formatCount } from './formatMessage';
import { MessageDetail, type DetailState } from './MessageDetail';
import { MessageTable } from './MessageTable';
import { loadViewState, postCommand, saveViewState } from './vscodeApi';

const STATUS_TEXT: Record<BrowseStatus, string> = {
  starting: 'starting…',
  reading: 'reading…',
  live: 'live: showing new messages as they arrive',
  paused: 'paused',
  full: `stopped at ${formatCount(MAX_LOADED_MESSAGES)} messages: narrow the filters or start later`,
  failed: 'stopped',
};

export function MessageBrowserApp() {
  const [topic, setTopic] = useState<DidLoadTopicNotification>();
  const [settings, setSettings] = useState<BrowseSettings>(() => ({ ...DEFAULT_SETTINGS, ...loadViewState().settings }));
  const settingsRef = useRef(settings);
  useEffect(() => {
    settingsRef.current = settings;
  }, [settings]);
  // The rows grow in place: copying 100,000 rows per page would stall the view. The state holds
  // the same array with its current length, so that each page renders.
  const rows = useRef<MessageRowDto[]>([]);
  const [loaded, setLoaded] = useState<{ rows: readonly MessageRowDto[]; count: number }>({ rows: [], count: 0 });
  const rowCount = loaded.count;
  const [scanned, setScanned] = useState(0);
  const [status, setStatus] = useState<BrowseStatus>('starting');
  const [error, setError] = useState<string>();
  const browseId = useRef(0);
  const started = useRef(false);
  const [selected, setSelected] = useState<number>();
  const [detail, setDetail] = useState<DetailState>();
  const detailRequest = useRef(0);

  const apply = useCallback((next: BrowseSettings) => {
    const built = toBrowseRequest(next);
    if ('error' in built) {
      setError(built.error);
      return;
    }
    saveViewState({ settings: next });
    browseId.current++;
    rows.current = [];
    setLoaded({ rows: rows.current, count: 0 });
    setScanned(0);
    setSelected(undefined);
    setDetail(undefined);
    setError(undefined);
    setStatus('starting');
    postCommand({ type: 'messageBrowser/browse', browseId: browseId.current, request: built.request });
  }, []);

  useEffect(() => {
    const onMessage = (event: MessageEvent<unknown>): void => {
      const message = event.data;
      if (!isMessageBrowserNotification(message)) return;
      handle(message);
    };
    const handle = (message: MessageBrowserNotification): void => {
      switch (message.type) {
        case 'messageBrowser/didLoadTopic':
          setTopic(message);
          if (!started.current) {
            started.current = true;
            apply(settingsRef.current);
          }
          return;
        case 'messageBrowser/didAppendMessages':
          if (message.browseId !== browseId.current) return;
          if (message.messages.length > 0) {
            for (const row of message.messages) rows.current.push(row);
            setLoaded({ rows: rows.current, count: rows.current.length });
          }
          if (message.scanned !== null) setScanned(message.scanned);
          setStatus(message.status);
          return;
        case 'messageBrowser/didFail':
          if (message.browseId !== null && message.browseId !== browseId.current) return;
          setError(message.message);
          setStatus('failed');
          return;
        case 'messageBrowser/didGetMessage':
          if (message.requestId !== detailRequest.current) return;
          setDetail(message.ok ? { state: 'ok', message: message.message } : { state: 'error', reason: message.reason });
          return;
      }
    };
    window.addEventListener('message', onMessage);
    postCommand({ type: 'messageBrowser/ready' });
    return () => window.removeEventListener('message', onMessage);
  }, [apply]);

  const select = useCallback((index: number) => {
    const row = rows.current[index];
    if (!row) return;
    setSelected(index);
    detailRequest.current++;
    setDetail({ state: 'loading', partition: row.partition, offset: row.offset });
    postCommand({ type: 'messageBrowser/getMessage', requestId: detailRequest.current, partition: row.partition, offset: row.offset });
  }, []);

  const setPaused = (paused: boolean): void => {
    postCommand({ type: 'messageBrowser/setPaused', browseId: browseId.current, paused });
  };

  const filtered = settings.text.trim() !== '' || settings.jsonPath.trim() !== '';
  return (
    <div className="browser">
      <header className="topic-title">
        <span className="topic-name">{topic?.topic ?? 'Loading topic…'}</span>
        {topic && (
          <span className="muted">
            {topic.profileName} · {topic.brokers} · {topic.partitions.length} partition(s) ·{' '}
            {formatCount(topic.partitions.reduce((sum, p) => sum + (p.high - p.low), 0))} message(s) retained
          </span>
        )}
      </header>
      <BrowseToolbar
        settings={settings}
        partitions={topic?.partitions ?? []}
        onChange={setSettings}
        onApply={() => apply(settings)}
        status={status}
        onPause={() => setPaused(true)}
        onResume={() => setPaused(false)}
      />
      <div className="status" role="status" data-testid="browse-status" data-status={status}>
        <span>
          {formatCount(rowCount)} message(s) loaded
          {filtered ? ` · ${formatCount(scanned)} scanned` : ''} · {STATUS_TEXT[status]}
        </span>
      </div>
      {error && (
        <div className="error-banner" role="alert">
          {error}
        </div>
      )}
      <div className="content">
        {rowCount === 0 && status !== 'starting' && !error ? (
          <div className="empty" data-testid="empty-state">
            {status === 'live' || status === 'paused'
              ? filtered
                ? 'No message matches the filters yet. New messages that match will appear here.'
                : 'No messages from this start position yet. New messages will appear here as they arrive.'
              : 'Reading…'}
          </div>
        ) : (
          <MessageTable rows={loaded.rows} rowCount={rowCount} selectedIndex={selected} onSelect={select} follow={status === 'live'} />
        )}
        {detail && (
          <MessageDetail
            detail={detail}
            onClose={() => {
              setDetail(undefined);
              setSelected(undefined);
            }}
          />
        )}
      </div>
    </div>
  );
}
