import VscodeTextfield from '@vscode-elements/react-elements/dist/components/VscodeTextfield.js';
import { memo, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import type { CanvasFormSchemasDto, OperatorFormDto } from '../../src/protocol/dagFormSchemaDto';
import { glyphFor } from './operatorGlyphs';

/** The drag-and-drop type of a palette entry; the canvas accepts drops of it only. */
export const OPERATOR_DRAG_TYPE = 'application/x-dagstream-operator';

export interface PaletteProps {
  schemas: CanvasFormSchemasDto;
  editable: boolean;
  /** Adds a task of `operator` where the user is looking (Enter or click on an entry). */
  onAdd(operator: string): void;
}

/**
 * Every operator the engine has, grouped (core, code, data, Kafka, sensors) and searchable by
 * name or description. Drag an entry onto the canvas to drop a task there, or press Enter on it
 * (Enter in the search box adds the first match). Memoised, like the inspector.
 */
export const Palette = memo(function Palette({ schemas, editable, onAdd }: PaletteProps) {
  const [query, setQuery] = useState('');
  const list = useRef<HTMLDivElement>(null);
  const matches = useMemo(() => filterOperators(schemas.operators, query), [schemas.operators, query]);

  const onSearchKey = (event: KeyboardEvent<HTMLElement>): void => {
    if (event.key === 'Enter' && matches[0] && editable) {
      event.preventDefault();
      onAdd(matches[0].operator);
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      list.current?.querySelector<HTMLButtonElement>('button')?.focus();
    }
  };
  const onListKey = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = [...(list.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[index + (event.key === 'ArrowDown' ? 1 : -1)];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  };
  const onDragStart = (event: DragEvent<HTMLButtonElement>, operator: string): void => {
    event.dataTransfer.setData(OPERATOR_DRAG_TYPE, operator);
    event.dataTransfer.setData('text/plain', operator);
    event.dataTransfer.effectAllowed = 'copy';
  };

  return (
    <nav className="palette" aria-label="Operators palette" data-testid="palette">
      <VscodeTextfield
        className="palette-search"
        type="search"
        placeholder="Search operators"
        aria-label="Search operators"
        value={query}
        onInput={(event) => setQuery((event.target as HTMLInputElement).value)}
        onKeyDown={onSearchKey}
      />
      {!editable && <p className="palette-note">Read-only: trust the workspace to add tasks.</p>}
      <div className="palette-groups" ref={list} onKeyDown={onListKey}>
        {schemas.groups.map((group) => {
          const operators = matches.filter((o) => o.group === group.id);
          if (operators.length === 0) return null;
          return (
            <section key={group.id} className="palette-group" aria-label={group.label}>
              <h3 className="palette-group-label">{group.label}</h3>
              {operators.map((operator) => (
                <button
                  key={operator.operator}
                  type="button"
                  className="palette-item"
                  data-operator={operator.operator}
                  draggable={editable}
                  disabled={!editable}
                  title={`${operator.description}\n\nDrag onto the canvas, or press Enter to add.`}
                  onDragStart={(event) => onDragStart(event, operator.operator)}
                  onClick={() => onAdd(operator.operator)}
                >
                  <span className="palette-glyph" aria-hidden="true">
                    {glyphFor(operator.operator)}
                  </span>
                  <span className="palette-title">{operator.title}</span>
                </button>
              ))}
            </section>
          );
        })}
        {matches.length === 0 && <p className="palette-note">No operator matches “{query}”.</p>}
      </div>
    </nav>
  );
});

function filterOperators(operators: readonly OperatorFormDto[], query: string): OperatorFormDto[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...operators];
  return operators.filter((o) => {
    const haystack = `${o.title} ${o.operator} ${o.group} ${o.description}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}
