import type { FormEvent } from 'react';
import type { BrowseStatus, PartitionInfoDto } from '../../src/protocol/messageBrowserProtocol';
import type { BrowseSettings } from './browseSettings';

interface BrowseToolbarProps {
  settings: BrowseSettings;
  partitions: readonly PartitionInfoDto[];
  onChange: (settings: BrowseSettings) => void;
  onApply: () => void;
  status: BrowseStatus;
  onPause: () => void;
  onResume: () => void;
}

/** Start position, partition, text and JSON-path filters; Enter or "Read" restarts the browse with them. */
export function BrowseToolbar({ settings, partitions, onChange, onApply, status, onPause, onResume }: BrowseToolbarProps) {
  const set = (change: Partial<BrowseSettings>): void => onChange({ ...settings, ...change });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    onApply();
  };
  const canPause = status === 'reading' || status === 'live';
  return (
    <form className="toolbar" onSubmit={submit} aria-label="Browse settings">
      <label>
        Start
        <select
          value={settings.startKind}
          onChange={(e) => set({ startKind: e.target.value as BrowseSettings['startKind'] })}
          data-testid="start-kind"
        >
          <option value="earliest">Earliest</option>
          <option value="latest">Latest (new only)</option>
          <option value="offset">Offset</option>
          <option value="timestamp">Timestamp</option>
        </select>
      </label>
      {settings.startKind === 'offset' && (
        <input
          className="narrow"
          aria-label="Start offset"
          inputMode="numeric"
          value={settings.offset}
          onChange={(e) => set({ offset: e.target.value })}
        />
      )}
      {settings.startKind === 'timestamp' && (
        <input
          aria-label="Start time"
          type="datetime-local"
          step="1"
          value={settings.time}
          onChange={(e) => set({ time: e.target.value })}
        />
      )}
      <label>
        Partition
        <select value={settings.partition} onChange={(e) => set({ partition: e.target.value })} data-testid="partition-filter">
          <option value="">All</option>
          {partitions.map((p) => (
            <option key={p.partition} value={String(p.partition)}>
              {p.partition} ({p.low}–{p.high})
            </option>
          ))}
        </select>
      </label>
      <input
        className="grow"
        aria-label="Text filter"
        placeholder="Text in key, value or headers"
        value={settings.text}
        onChange={(e) => set({ text: e.target.value })}
        data-testid="text-filter"
      />
      <input
        className="grow mono"
        aria-label="JSON path filter"
        placeholder='JSON path, e.g. $.temp > 30 or $.city == "Paris"'
        value={settings.jsonPath}
        onChange={(e) => set({ jsonPath: e.target.value })}
        data-testid="json-path-filter"
      />
      <button type="submit" data-testid="apply">
        Read
      </button>
      {status === 'paused' ? (
        <button type="button" className="secondary" onClick={onResume} data-testid="resume">
          ▶ Resume
        </button>
      ) : (
        <button type="button" className="secondary" onClick={onPause} disabled={!canPause} data-testid="pause">
          ❚❚ Pause
        </button>
      )}
    </form>
  );
}
