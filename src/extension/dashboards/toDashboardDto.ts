import type { ParsedDashboard } from '../../core/dashboard/parseDashboardText';
import { panelQueryKey, type DashboardProblemDto, type PanelDto } from '../../protocol/dashboardProtocol';

/** Default chart height in pixels, as the schema says. */
const DEFAULT_HEIGHT = 280;

/** The parsed file as the webview draws it: panels with their problems, problems 1-based. */
export function toDashboardDto(parsed: ParsedDashboard): { panels: PanelDto[]; problems: DashboardProblemDto[] } {
  const problems: DashboardProblemDto[] = parsed.problems.map((p) => ({
    message: p.message,
    line: p.range.start.line + 1,
    column: p.range.start.character + 1,
    ...(p.panelIndex === undefined ? {} : { panelIndex: p.panelIndex }),
  }));
  const panels = parsed.panels.map(({ index, title, panel }): PanelDto => {
    const own = problems.filter((p) => p.panelIndex === index).map((p) => `Line ${p.line}: ${p.message}`);
    const base: PanelDto = {
      index,
      title,
      width: panel?.size?.width ?? 'half',
      height: panel?.size?.height ?? DEFAULT_HEIGHT,
      problems: own,
    };
    if (!panel) return base;
    return {
      ...base,
      database: panel.database,
      sql: panel.sql,
      chart: { ...panel.chart },
      queryKey: panelQueryKey(panel.database, panel.sql),
    };
  });
  return { panels, problems };
}
