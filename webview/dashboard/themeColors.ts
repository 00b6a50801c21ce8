import { useEffect, useState } from 'react';
import { withAlpha } from './withAlpha';

/** The colours a chart draws with, read from VS Code's theme variables. */
export interface ChartTheme {
  series: string[];
  foreground: string;
  lines: string;
  fontFamily: string;
  fontSize: number;
  tooltipBackground: string;
  tooltipForeground: string;
  tooltipBorder: string;
}

// VS Code's chart palette (the colours its own charts use), in the order series take them.
const SERIES_VARIABLES = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-purple',
  '--vscode-charts-red',
  '--vscode-charts-yellow',
];

/** Reads the theme now; a canvas cannot use CSS variables, so the values are resolved to colours. */
export function readChartTheme(): ChartTheme {
  const style = getComputedStyle(document.body);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const foreground = read('--vscode-charts-foreground', read('--vscode-foreground', '#888888'));
  return {
    // Some themes give the chart colours an alpha; series are drawn opaque so thin lines stay visible.
    series: SERIES_VARIABLES.map((name) => withAlpha(read(name, foreground), 1)),
    foreground,
    lines: read('--vscode-charts-lines', 'rgba(128, 128, 128, 0.5)'),
    fontFamily: read('--vscode-font-family', 'sans-serif'),
    fontSize: Number.parseFloat(read('--vscode-font-size', '13')) || 13,
    tooltipBackground: read('--vscode-editorHoverWidget-background', '#252526'),
    tooltipForeground: read('--vscode-editorHoverWidget-foreground', foreground),
    tooltipBorder: read('--vscode-editorHoverWidget-border', foreground),
  };
}

/**
 * The chart theme, read again whenever VS Code switches theme (it changes the body's class and
 * the variables together), so charts redraw in the new colours.
 */
export function useChartTheme(): ChartTheme {
  const [theme, setTheme] = useState(readChartTheme);
  useEffect(() => {
    const observer = new MutationObserver(() => setTheme(readChartTheme()));
    observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
    return () => observer.disconnect();
  }, []);
  return theme;
}
