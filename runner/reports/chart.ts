// The report's chart without a browser: vega-lite → vega → SVG → resvg PNG, with the font shipped beside this file.
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { FeatureNumbers } from '../../shared/report-frames.ts';

/** The shipped font: the chart's text looks the same on every machine. */
export const FONT_FILE = fileURLToPath(new URL('./fonts/DejaVuSans.ttf', import.meta.url));
const FONT = 'DejaVu Sans';

const WIDTH = 640;
const HEIGHT = 280;

/** A PNG and its pixel size. */
export interface Chart {
  png: Buffer;
  width: number;
  height: number;
}

const label = (ms: number) => new Date(ms).toISOString().slice(5, 10);

/** Unique users per week, one line per feature with numbers, goals as dashed rules. */
export function chartSpec(weekStarts: number[], features: FeatureNumbers[]): TopLevelSpec {
  const values = features.flatMap((f) => (f.weeks ?? []).map((w, i) => ({ feature: f.name, week: label(weekStarts[i] ?? 0), users: w.users })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    padding: 12,
    title: { text: 'Unique users per week', anchor: 'start', fontSize: 15 },
    config: { font: FONT, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, labelLimit: 220 } },
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: { field: 'week', type: 'ordinal', title: 'week starting (UTC)', sort: null, axis: { labelAngle: 0 } },
      y: { field: 'users', type: 'quantitative', title: 'unique users' },
      color: { field: 'feature', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 3 } },
    },
  };
}

/** The SVG of the chart (vega's headless renderer; no canvas, no browser). */
export async function chartSvg(weekStarts: number[], features: FeatureNumbers[]): Promise<string> {
  const { spec } = compile(chartSpec(weekStarts, features));
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The chart as a PNG at twice the CSS size, for sharp text in Slack. */
export async function renderChart(weekStarts: number[], features: FeatureNumbers[]): Promise<Chart> {
  const svg = await chartSvg(weekStarts, features);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    font: { fontFiles: [FONT_FILE], loadSystemFonts: false, defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  const image = resvg.render();
  return { png: image.asPng(), width: image.width, height: image.height };
}
