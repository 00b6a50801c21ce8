import type { MessageDetailDto } from '../../src/protocol/messageBrowserProtocol';
import { formatBytes, formatTimestamp } from './formatMessage';

export type DetailState =
  { state: 'loading'; partition: number; offset: number } | { state: 'ok'; message: MessageDetailDto } | { state: 'error'; reason: string };

/** The selected message in full, the value pretty-printed when it is JSON. Text only, never HTML. */
export function MessageDetail({ detail, onClose }: { detail: DetailState; onClose: () => void }) {
  return (
    <aside className="detail" aria-label="Message detail" data-testid="message-detail">
      <div className="detail-title">
        <span>
          {detail.state === 'ok'
            ? `Partition ${detail.message.partition} · offset ${detail.message.offset}`
            : detail.state === 'loading'
              ? `Partition ${detail.partition} · offset ${detail.offset}`
              : 'Message'}
        </span>
        <button type="button" className="icon" onClick={onClose} aria-label="Close the detail pane" title="Close">
          ×
        </button>
      </div>
      {detail.state === 'loading' && <p className="muted">Loading…</p>}
      {detail.state === 'error' && <p className="error">{detail.reason}</p>}
      {detail.state === 'ok' && <DetailBody message={detail.message} />}
    </aside>
  );
}

function DetailBody({ message }: { message: MessageDetailDto }) {
  return (
    <div className="detail-body">
      <dl>
        <dt>Timestamp</dt>
        <dd>
          {formatTimestamp(message.timestamp)} <span className="muted">({new Date(message.timestamp).toISOString()})</span>
        </dd>
        <dt>Key</dt>
        <dd className={message.key === null ? 'none' : 'mono'}>{message.key ?? '(no key)'}</dd>
        <dt>Headers</dt>
        <dd>
          {message.headers.length === 0 ? (
            <span className="none">(none)</span>
          ) : (
            <table className="headers">
              <tbody>
                {message.headers.map((h, i) => (
                  <tr key={i}>
                    <td className="mono">{h.key}</td>
                    <td className="mono">{h.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </dd>
        <dt>Value</dt>
        <dd className="muted">
          {message.value === null
            ? 'tombstone (no value)'
            : `${formatBytes(message.valueBytes)}${message.prettyJson !== null ? ' · JSON' : ' · text'}`}
          {message.truncated ? ' · cut at 1,000,000 characters' : ''}
        </dd>
      </dl>
      {message.value !== null && (
        <pre className="value" data-testid="message-value">
          {message.prettyJson ?? message.value}
        </pre>
      )}
    </div>
  );
}
