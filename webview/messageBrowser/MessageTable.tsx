import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { MessageRowDto } from '../../src/protocol/messageBrowserProtocol';
import { formatHeaders, formatTimestamp } from './formatMessage';

export const ROW_HEIGHT = 22;

interface MessageTableProps {
  /** Appended to in place by the app (100,000 rows are not copied per page); `rowCount` says how many to show. */
  rows: readonly MessageRowDto[];
  rowCount: number;
  selectedIndex: number | undefined;
  onSelect: (index: number) => void;
  /** Keep the newest row in view while the user is at the bottom (a live tail). */
  follow: boolean;
}

/**
 * The messages as a virtualised table: only the rows in view (plus a few) are in the DOM, all of
 * the same height, so scrolling stays smooth however many are loaded. Every value is a text node:
 * keys, values and headers from Kafka are never interpreted as HTML.
 */
export function MessageTable({ rows, rowCount, selectedIndex, onSelect, follow }: MessageTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  // The compiler cannot memoise this component around the virtualizer; it is not memoised anyway.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });

  useEffect(() => {
    if (follow && atBottom.current && rowCount > 0) virtualizer.scrollToIndex(rowCount - 1, { align: 'end' });
  }, [follow, rowCount, virtualizer]);

  const onScroll = (): void => {
    const el = scrollRef.current;
    if (el) atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT * 2;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (rowCount === 0) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT) / ROW_HEIGHT) - 1);
    const current = selectedIndex ?? -1;
    let next: number | undefined;
    if (event.key === 'ArrowDown') next = current + 1;
    else if (event.key === 'ArrowUp') next = current - 1;
    else if (event.key === 'PageDown') next = current + page;
    else if (event.key === 'PageUp') next = current - page;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = rowCount - 1;
    if (next === undefined) return;
    event.preventDefault();
    next = Math.min(rowCount - 1, Math.max(0, next));
    onSelect(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  return (
    <div className="table" role="grid" aria-rowcount={rowCount + 1} aria-label="Messages">
      <div className="row header" role="row">
        <span role="columnheader" title="Partition">
          Part
        </span>
        <span role="columnheader">Offset</span>
        <span role="columnheader">Timestamp</span>
        <span role="columnheader">Key</span>
        <span role="columnheader">Value</span>
        <span role="columnheader">Headers</span>
      </div>
      <div
        className="table-body"
        ref={scrollRef}
        onScroll={onScroll}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="message-table"
        data-row-count={rowCount}
        aria-activedescendant={selectedIndex === undefined ? undefined : `message-row-${selectedIndex}`}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const selected = item.index === selectedIndex;
            return (
              <div
                key={item.key}
                id={`message-row-${item.index}`}
                className={`row message${selected ? ' selected' : ''}`}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={selected}
                data-partition={row.partition}
                data-offset={row.offset}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => onSelect(item.index)}
              >
                <span role="gridcell" className="num">
                  {row.partition}
                </span>
                <span role="gridcell" className="num">
                  {row.offset}
                </span>
                <span role="gridcell">{formatTimestamp(row.timestamp)}</span>
                <span role="gridcell" className={row.key === null ? 'none' : undefined}>
                  {row.key ?? '(no key)'}
                </span>
                <span role="gridcell" className={row.valuePreview === null ? 'none' : undefined}>
                  {row.valuePreview ?? '(tombstone)'}
                </span>
                <span role="gridcell">{formatHeaders(row.headers)}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
