import { useState } from 'react';

interface AddPanelFormProps {
  databases: string[];
  /** Undefined while nothing was sent; the host's refusal (the SQLite error) otherwise. */
  error: string | undefined;
  busy: boolean;
  onAdd(title: string, database: string, sql: string): void;
  onCancel(): void;
}

/** A new panel: a title, a database of the workspace and a query; the host picks the first chart from the query's columns. */
export function AddPanelForm({ databases, error, busy, onAdd, onCancel }: AddPanelFormProps): React.JSX.Element {
  const [title, setTitle] = useState('');
  const [database, setDatabase] = useState(databases[0] ?? '');
  const [sql, setSql] = useState('');
  return (
    <form
      className="add-panel"
      data-testid="add-panel-form"
      onSubmit={(event) => {
        event.preventDefault();
        onAdd(title, database, sql);
      }}
    >
      <h2>Add a panel</h2>
      <label>
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Temperature by day" />
      </label>
      <label>
        Database (relative to the workspace folder)
        <input
          value={database}
          onChange={(e) => setDatabase(e.target.value)}
          list="dashboard-databases"
          placeholder="data/events.sqlite"
          required
        />
        <datalist id="dashboard-databases">
          {databases.map((d) => (
            <option key={d} value={d} />
          ))}
        </datalist>
      </label>
      <label>
        Query
        <textarea
          value={sql}
          onChange={(e) => setSql(e.target.value)}
          rows={4}
          spellCheck={false}
          placeholder="SELECT day, avg(temp) AS temp FROM readings GROUP BY day ORDER BY day"
          required
        />
      </label>
      {error !== undefined && (
        <div className="panel-error" role="alert">
          {error}
        </div>
      )}
      <div className="form-buttons">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Running the query…' : 'Add panel'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
