import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { SqlCellDto } from '../../src/protocol/sqlResultsProtocol';
import { cellCopyText, cellText, rowsAsTsv, sortedOrder } from './cellText';
import { loadViewState, postCommand, saveViewState, type SqlResultsViewState } from './vscodeApi';

const ROW_HEIGHT = 22;
const CHAR_WIDTH = 7.2;
const MIN_WIDTH = 56;
const MAX_WIDTH = 360;
const SAMPLE_ROWS = 200;

type Sort = NonNullable<SqlResultsViewState['sort']>;

interface Props {
  runId: number;
  columns: string[];
  rows: SqlCellDto[][];
  /** All rows have arrived. */
  complete: boolean;
}

/** Widths from the header and a sample of rows: wide enough to read, never so wide that one column hides the rest. */
function columnWidths(columns: readonly string[], rows: readonly (readonly SqlCellDto[])[]): number[] {
  return columns.map((name, c) => {
    // Room for the name and the sort mark beside it.
    let chars = name.length + 3;
    for (let r = 0; r < Math.min(rows.length, SAMPLE_ROWS); r++) chars = Math.max(chars, cellText(rows[r]![c] ?? null).length);
    return Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, chars * CHAR_WIDTH + 16)));
  });
}

/**
 * The rows of a result as a grid that renders only what is on screen (@tanstack/react-virtual),
 * so 100,000 rows scroll as smoothly as 100. Click a header to sort (ascending, descending, off);
 * click, Shift+click and Ctrl/Cmd+click select rows; arrows move the active cell; Ctrl/Cmd+C
 * copies the selected rows (or the active cell) through the host's clipboard.
 */
export function ResultsGrid({ runId, columns, rows, complete }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const saved = useMemo(() => loadViewState(), []);
  const [sort, setSort] = useState<Sort | undefined>(saved.runId === runId ? saved.sort : undefined);
  const [active, setActive] = useState<{ row: number; col: number }>({ row: 0, col: 0 });
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const anchor = useRef(0);

  // A new run starts with no sort or selection (its own saved state when the webview reloads).
  useEffect(() => {
    const state = loadViewState();
    setSort(state.runId === runId ? state.sort : undefined);
    setSelected(new Set());
    setActive({ row: 0, col: 0 });
    if (state.runId !== runId) saveViewState({ runId, sort: undefined, scrollTop: 0 });
  }, [runId]);

  const widths = useMemo(() => columnWidths(columns, rows), [columns, rows]);
  const gutter = Math.max(40, String(rows.length).length * 8 + 16);
  const totalWidth = gutter + widths.reduce((a, b) => a + b, 0);
  const order = useMemo(() => (sort ? sortedOrder(rows, sort.column, sort.direction) : undefined), [rows, sort]);
  const dataIndex = useCallback((displayIndex: number) => (order ? order[displayIndex]! : displayIndex), [order]);

  // The project does not use the React Compiler; the grid re-renders on scroll by design.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  // Back where the user was when the panel was hidden and shown again.
  const restored = useRef(false);
  useEffect(() => {
    if (restored.current || !complete) return;
    restored.current = true;
    const top = loadViewState().runId === runId ? (loadViewState().scrollTop ?? 0) : 0;
    if (top > 0 && scrollRef.current) scrollRef.current.scrollTop = top;
  }, [complete, runId]);
  const saveTimer = useRef<number | undefined>(undefined);
  const onScroll = (): void => {
    window.clearTimeout(saveTimer.current);
    saveTimer.current = window.setTimeout(() => saveViewState({ scrollTop: scrollRef.current?.scrollTop ?? 0 }), 250);
  };

  const toggleSort = (column: number): void => {
    const next: Sort | undefined =
      sort?.column !== column ? { column, direction: 'asc' } : sort.direction === 'asc' ? { column, direction: 'desc' } : undefined;
    setSort(next);
    saveViewState({ sort: next });
  };

  const copy = (what: 'cell' | 'rows'): void => {
    if (rows.length === 0) return;
    if (what === 'cell' || selected.size === 0) {
      const value = rows[dataIndex(active.row)]?.[active.col] ?? null;
      postCommand({ type: 'sqlResults/copy', text: cellCopyText(value), what: `the value of ${columns[active.col] ?? 'a cell'}` });
      return;
    }
    // In the order shown (sorted or not).
    const chosen: SqlCellDto[][] = [];
    for (let d = 0; d < rows.length; d++) if (selected.has(dataIndex(d))) chosen.push(rows[dataIndex(d)]!);
    postCommand({ type: 'sqlResults/copy', text: rowsAsTsv(columns, chosen), what: `${chosen.length.toLocaleString('en')} row(s)` });
  };

  const select = (displayRow: number, col: number, event: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }): void => {
    setActive({ row: displayRow, col });
    const index = dataIndex(displayRow);
    if (event.shiftKey) {
      const [from, to] = [Math.min(anchor.current, displayRow), Math.max(anchor.current, displayRow)];
      const range = new Set<number>();
      for (let d = from; d <= to; d++) range.add(dataIndex(d));
      setSelected(range);
      return;
    }
    anchor.current = displayRow;
    if (event.ctrlKey || event.metaKey) {
      const next = new Set(selected);
      if (next.has(index)) next.delete(index);
      else next.add(index);
      setSelected(next);
    } else setSelected(new Set([index]));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const mod = event.ctrlKey || event.metaKey;
    if (mod && event.key.toLowerCase() === 'c') {
      event.preventDefault();
      copy(selected.size > 1 ? 'rows' : 'cell');
      return;
    }
    if (mod && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      setSelected(new Set(rows.map((_, i) => i)));
      return;
    }
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 2);
    const moves: Record<string, [number, number]> = {
      ArrowDown: [1, 0],
      ArrowUp: [-1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
      PageDown: [page, 0],
      PageUp: [-page, 0],
    };
    let row = active.row;
    let col = active.col;
    if (event.key in moves) {
      row += moves[event.key]![0];
      col += moves[event.key]![1];
    } else if (event.key === 'Home') row = mod ? 0 : row;
    else if (event.key === 'End') row = mod ? rows.length - 1 : row;
    else return;
    event.preventDefault();
    row = Math.max(0, Math.min(rows.length - 1, row));
    col = Math.max(0, Math.min(columns.length - 1, col));
    select(row, col, { shiftKey: event.shiftKey, ctrlKey: false, metaKey: false });
    virtualizer.scrollToIndex(row);
  };

  const onCellClick = (event: MouseEvent<HTMLDivElement>): void => {
    const target = (event.target as HTMLElement).closest<HTMLElement>('[data-col]');
    const rowElement = (event.target as HTMLElement).closest<HTMLElement>('[data-display-index]');
    if (!rowElement) return;
    select(Number(rowElement.dataset.displayIndex), target ? Number(target.dataset.col) : active.col, event);
  };

  const items = virtualizer.getVirtualItems();
  return (
    <section className="grid-area">
      <div className="grid-toolbar">
        <span className="grid-selection">
          {selected.size > 0
            ? `${selected.size.toLocaleString('en')} row(s) selected`
            : 'Click a row to select it; Shift/Ctrl+click for more'}
        </span>
        <button type="button" onClick={() => copy('cell')} disabled={rows.length === 0}>
          Copy cell
        </button>
        <button type="button" onClick={() => copy('rows')} disabled={selected.size === 0}>
          Copy rows
        </button>
      </div>
      <div
        ref={scrollRef}
        className="grid-scroll"
        data-testid="results-grid"
        data-row-count={rows.length}
        role="grid"
        aria-rowcount={rows.length + 1}
        aria-colcount={columns.length}
        aria-multiselectable="true"
        tabIndex={0}
        onKeyDown={onKeyDown}
        onScroll={onScroll}
      >
        <div className="grid-header" role="row" aria-rowindex={1} style={{ width: totalWidth }}>
          <div className="grid-gutter" style={{ width: gutter }} />
          {columns.map((name, c) => (
            <div
              key={c}
              className="grid-column-header"
              role="columnheader"
              aria-sort={sort?.column === c ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
              style={{ width: widths[c] }}
              title={`${name}: click (or Enter) to sort`}
              tabIndex={0}
              onClick={() => toggleSort(c)}
              onKeyDown={(event) => {
                if (event.key !== 'Enter' && event.key !== ' ') return;
                event.preventDefault();
                event.stopPropagation();
                toggleSort(c);
              }}
            >
              <span className="grid-column-name">{name}</span>
              <span className="grid-sort-mark">{sort?.column === c ? (sort.direction === 'asc' ? '▲' : '▼') : ''}</span>
            </div>
          ))}
        </div>
        <div className="grid-body" style={{ height: virtualizer.getTotalSize(), width: totalWidth }} onClick={onCellClick}>
          {items.map((item) => {
            const index = dataIndex(item.index);
            const row = rows[index]!;
            const isSelected = selected.has(index);
            return (
              <div
                key={item.key}
                className={`grid-row${isSelected ? ' selected' : ''}${item.index % 2 ? ' odd' : ''}`}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={isSelected}
                data-display-index={item.index}
                data-row-index={index}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                <div className="grid-gutter" style={{ width: gutter }}>
                  {index + 1}
                </div>
                {columns.map((_, c) => {
                  const value = row[c] ?? null;
                  const text = cellText(value);
                  const kind = value === null ? 'null' : typeof value === 'number' ? 'number' : typeof value === 'string' ? 'text' : 'blob';
                  const isActive = active.row === item.index && active.col === c;
                  return (
                    <div
                      key={c}
                      role="gridcell"
                      data-col={c}
                      className={`grid-cell cell-${kind}${isActive ? ' active' : ''}`}
                      style={{ width: widths[c] }}
                      title={typeof value === 'string' && value.length > 20 ? value.slice(0, 2000) : undefined}
                    >
                      {text}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
