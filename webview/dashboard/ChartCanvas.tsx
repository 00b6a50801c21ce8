import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
} from 'chart.js';
import { useEffect, useRef, useState } from 'react';
import type { ChartSpecDto } from '../../src/protocol/dashboardProtocol';
import type { ChartTheme } from './themeColors';
import { withAlpha } from './withAlpha';
import type { ChartData } from './toChartData';

// Only what the three chart types need, so the bundle carries no unused controllers.
Chart.register(
  LineController,
  BarController,
  ScatterController,
  LineElement,
  BarElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
);

interface ChartCanvasProps {
  chart: ChartSpecDto;
  data: ChartData;
  theme: ChartTheme;
  height: number;
}

/**
 * One chart, drawn by Chart.js on a canvas (no HTML from the data: labels and values are painted
 * as text). The legend and axis titles are DOM text beside the canvas, so that they can be read,
 * selected and found by a screen reader; a legend entry hides or shows its series.
 */
export function ChartCanvas({ chart, data, theme, height }: ChartCanvasProps): React.JSX.Element {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const chartRef = useRef<Chart | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const ys = Array.isArray(chart.y) ? chart.y : [chart.y];
  const colourOf = (i: number): string => theme.series[i % theme.series.length] ?? theme.foreground;

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const linear = data.xAxis === 'linear';
    const datasets = data.series.map(
      (series, i): ChartDataset<'line' | 'bar' | 'scatter', Array<number | null | { x: number; y: number }>> => {
        const colour = colourOf(i);
        return {
          label: series.label,
          data: linear ? series.points : series.values,
          borderColor: colour,
          backgroundColor: chart.type === 'bar' ? withAlpha(colour, 0.75) : colour,
          pointRadius: chart.type === 'scatter' ? 3 : data.labels.length > 60 || series.points.length > 60 ? 0 : 2,
          borderWidth: chart.type === 'bar' ? 0 : 2,
          showLine: chart.type === 'line',
          spanGaps: true,
          hidden: hidden.has(i),
        };
      },
    );
    const ticks = { color: theme.foreground, font: { family: theme.fontFamily, size: theme.fontSize - 1 } };
    const config: ChartConfiguration<'line' | 'bar' | 'scatter', Array<number | null | { x: number; y: number }>, string> = {
      type: chart.type === 'bar' ? 'bar' : chart.type === 'scatter' && linear ? 'scatter' : 'line',
      data: { labels: linear ? [] : data.labels, datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: linear ? false : undefined,
        normalized: true,
        interaction: { mode: 'nearest', intersect: false },
        plugins: {
          legend: { display: false },
          tooltip: {
            backgroundColor: theme.tooltipBackground,
            titleColor: theme.tooltipForeground,
            bodyColor: theme.tooltipForeground,
            borderColor: theme.tooltipBorder,
            borderWidth: 1,
            titleFont: { family: theme.fontFamily },
            bodyFont: { family: theme.fontFamily },
          },
        },
        scales: {
          x: { type: linear ? 'linear' : 'category', ticks, grid: { color: withAlpha(theme.lines, 0.35) }, border: { color: theme.lines } },
          y: { type: 'linear', ticks, grid: { color: withAlpha(theme.lines, 0.35) }, border: { color: theme.lines } },
        },
      },
    };
    chartRef.current?.destroy();
    chartRef.current = new Chart(canvas, config as ChartConfiguration);
    return () => {
      chartRef.current?.destroy();
      chartRef.current = null;
    };
    // colourOf reads theme, which is a dependency.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [chart.type, data, theme, hidden]);

  const toggle = (i: number): void =>
    setHidden((current) => {
      const next = new Set(current);
      if (next.has(i)) next.delete(i);
      else next.add(i);
      return next;
    });

  const points = data.series.reduce(
    (sum, s) => sum + (data.xAxis === 'linear' ? s.points.length : s.values.filter((v) => v !== null).length),
    0,
  );
  return (
    <div
      className="chart"
      data-testid="panel-chart"
      data-chart-type={chart.type}
      data-series-count={data.series.length}
      data-point-count={points}
    >
      <ul className="chart-legend" aria-label="Legend">
        {data.series.map((series, i) => (
          <li key={`${i}:${series.label}`}>
            <button
              type="button"
              className={hidden.has(i) ? 'legend-item legend-hidden' : 'legend-item'}
              aria-pressed={!hidden.has(i)}
              onClick={() => toggle(i)}
              title={hidden.has(i) ? 'Show this series' : 'Hide this series'}
            >
              <span className="legend-swatch" style={{ background: colourOf(i) }} />
              <span className="legend-label">{series.label}</span>
            </button>
          </li>
        ))}
      </ul>
      <div className="chart-body">
        <div className="axis-title axis-title-y" data-testid="axis-y">
          {ys.join(', ')}
        </div>
        <div className="chart-canvas" style={{ height }}>
          <canvas ref={canvasRef} role="img" aria-label={`${chart.type} chart of ${ys.join(', ')} by ${chart.x}`} />
        </div>
      </div>
      <div className="axis-title axis-title-x" data-testid="axis-x">
        {chart.x}
      </div>
    </div>
  );
}
