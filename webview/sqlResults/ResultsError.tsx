import type { SqlRunErrorDto } from '../../src/protocol/sqlResultsProtocol';
import { postCommand } from './vscodeApi';

/** A failed run: SQLite's words, where the statement failed (a link into the .sql file), and Dagstream's advice. */
export function ResultsError({
  runId,
  error,
  sql,
  revealable,
}: {
  runId: number;
  error: SqlRunErrorDto;
  sql: string;
  revealable: boolean;
}) {
  const { position } = error;
  return (
    <section className="results-error" data-testid="results-error" role="alert">
      <h2>{error.sqliteMessage ?? 'The query failed'}</h2>
      {position ? (
        <p>
          {revealable ? (
            <button
              type="button"
              className="link"
              data-testid="results-error-position"
              onClick={() => postCommand({ type: 'sqlResults/revealError', runId })}
            >
              Line {position.line}, column {position.column}
            </button>
          ) : (
            <span data-testid="results-error-position">
              Line {position.line}, column {position.column}
            </span>
          )}
          {position.statementIndex > 0 ? ` (statement ${position.statementIndex + 1})` : ''}
        </p>
      ) : null}
      <p className="results-error-message">{error.message}</p>
      <pre className="results-error-sql">{sql}</pre>
    </section>
  );
}
