/**
 * The parts of ECharts the dashboard draws with, registered once (the full package is ~1 MB; this
 * keeps the bundle to what is used). SVG rendering: crisp at any zoom, and the drawn bars are
 * DOM elements the browser tests can count.
 */
import { use } from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { AriaComponent, GridComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

use([BarChart, GridComponent, TooltipComponent, AriaComponent, SVGRenderer]);

/** Status colours, the same as the badges' (app.css). */
export const STATUS_COLOURS: Readonly<Record<string, string>> = {
  SUCCEEDED: '#1a7f37',
  FAILED: '#cf222e',
  TIMED_OUT: '#bc4c00',
  CANCELLED: '#8c959f',
  SKIPPED: '#afb8c1',
  RUNNING: '#0969da',
  WAITING: '#9a6700',
  QUEUED: '#d0d7de',
  PENDING: '#d0d7de',
};

export function statusColour(status: string): string {
  return STATUS_COLOURS[status] ?? '#8c959f';
}
