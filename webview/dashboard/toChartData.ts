import type { ChartSpecDto, PanelCellDto } from '../../src/protocol/dashboardProtocol';

/** Most series a chart draws: past that a legend is unreadable, and the user should pick a series column with fewer values. */
export const MAX_SERIES = 24;

export interface ChartSeries {
  label: string;
  /** Aligned with `labels` on a category axis; points on a numeric one. */
  values: Array<number | null>;
  points: Array<{ x: number; y: number }>;
}

export interface ChartData {
  /** 'linear' when every x value is a number (and the chart is not bars); 'category' otherwise. */
  xAxis: 'linear' | 'category';
  /** The x values as text, in the order they first appear (category axis). */
  labels: string[];
  series: ChartSeries[];
  /** Things the chart leaves out, in words for the panel's footer. */
  notes: string[];
}

export type ChartDataResult = { ok: true; data: ChartData } | { ok: false; error: string };

/**
 * Turns a query's rows into what a chart draws: one series per y column and per value of the
 * series column. Values that are not numbers are left out and counted, never guessed at.
 */
export function toChartData(columns: readonly string[], rows: readonly (readonly PanelCellDto[])[], chart: ChartSpecDto): ChartDataResult {
  const ys = Array.isArray(chart.y) ? chart.y : [chart.y];
  const missing = [chart.x, ...ys, ...(chart.series ? [chart.series] : [])].filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    return {
      ok: false,
      error: `The query has no column ${missing.map((c) => `"${c}"`).join(', ')}; its columns are ${columns.map((c) => `"${c}"`).join(', ')}. Pick others above or change the query.`,
    };
  }
  const xIndex = columns.indexOf(chart.x);
  const yIndexes = ys.map((y) => columns.indexOf(y));
  const seriesIndex = chart.series ? columns.indexOf(chart.series) : -1;

  const xNumbers = rows.map((row) => toNumber(row[xIndex] ?? null));
  const xAxis = chart.type !== 'bar' && rows.length > 0 && xNumbers.every((n) => n !== null) ? 'linear' : 'category';
  const labels: string[] = [];
  const labelIndex = new Map<string, number>();
  for (const row of rows) {
    const label = toLabel(row[xIndex] ?? null);
    if (!labelIndex.has(label)) {
      labelIndex.set(label, labels.length);
      labels.push(label);
    }
  }

  const groups = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const key = seriesIndex < 0 ? '' : toLabel(row[seriesIndex] ?? null);
    const list = groups.get(key);
    if (list) list.push(i);
    else groups.set(key, [i]);
  });

  const notes: string[] = [];
  const series: ChartSeries[] = [];
  let skipped = 0;
  let overwritten = 0;
  for (const [yPosition, yIndex] of yIndexes.entries()) {
    for (const [group, indexes] of groups) {
      if (series.length >= MAX_SERIES) continue;
      const label = seriesIndex < 0 ? (ys[yPosition] ?? '') : ys.length > 1 ? `${group} · ${ys[yPosition] ?? ''}` : group;
      const values: Array<number | null> = labels.map(() => null);
      const points: Array<{ x: number; y: number }> = [];
      for (const i of indexes) {
        const row = rows[i]!;
        const y = toNumber(row[yIndex] ?? null);
        if (y === null) {
          if (row[yIndex] !== null) skipped++;
          continue;
        }
        if (xAxis === 'linear') points.push({ x: xNumbers[i]!, y });
        else {
          const at = labelIndex.get(toLabel(row[xIndex] ?? null))!;
          if (values[at] !== null) overwritten++;
          values[at] = y;
        }
      }
      if (xAxis === 'linear' && chart.type === 'line') points.sort((a, b) => a.x - b.x);
      series.push({ label, values, points });
    }
  }
  const total = ys.length * groups.size;
  if (total > MAX_SERIES) notes.push(`Showing ${MAX_SERIES} of ${total} series; choose a series column with fewer values.`);
  if (skipped > 0)
    notes.push(
      `${skipped} value${skipped === 1 ? '' : 's'} of ${ys.map((y) => `"${y}"`).join(', ')} ${skipped === 1 ? 'is' : 'are'} not a number and not drawn.`,
    );
  if (overwritten > 0)
    notes.push(
      `${overwritten} row${overwritten === 1 ? ' shares' : 's share'} an x value with another row of the same series; the last one is drawn. Aggregate with GROUP BY, or pick a series column.`,
    );
  return { ok: true, data: { xAxis, labels, series, notes } };
}

function toNumber(value: PanelCellDto): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function toLabel(value: PanelCellDto): string {
  return value === null ? '(null)' : String(value);
}
