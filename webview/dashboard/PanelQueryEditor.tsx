import { useState } from 'react';

interface PanelQueryEditorProps {
  title: string;
  database: string;
  sql: string;
  databases: string[];
  onSave(change: { title: string; database: string; sql: string }): void;
  onCancel(): void;
}

/** A panel's title, database and query, edited in place; saving writes them into the file, and the query runs. */
export function PanelQueryEditor({ title, database, sql, databases, onSave, onCancel }: PanelQueryEditorProps): React.JSX.Element {
  const [draft, setDraft] = useState({ title, database, sql });
  return (
    <form
      className="panel-query-editor"
      data-testid="panel-query-editor"
      onSubmit={(event) => {
        event.preventDefault();
        onSave(draft);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel();
      }}
    >
      <label>
        Title
        <input value={draft.title} onChange={(e) => setDraft({ ...draft, title: e.target.value })} />
      </label>
      <label>
        Database
        <input value={draft.database} onChange={(e) => setDraft({ ...draft, database: e.target.value })} list="panel-databases" required />
        <datalist id="panel-databases">
          {databases.map((d) => (
            <option key={d} value={d} />
          ))}
        </datalist>
      </label>
      <label>
        Query
        <textarea value={draft.sql} onChange={(e) => setDraft({ ...draft, sql: e.target.value })} rows={4} spellCheck={false} required />
      </label>
      <div className="form-buttons">
        <button type="submit" className="primary">
          Save and run
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
