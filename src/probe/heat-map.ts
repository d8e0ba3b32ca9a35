/**
 * The ping matrix as a PNG heat map: sources down, destinations across, colour by average RTT,
 * loss overriding (partial loss amber, total loss red, not measured grey), the figures in each
 * cell, a legend and the time measured. Drawn by ECharts (server-side SVG) and rasterised by resvg,
 * with the font shipped in assets/ so labels render on a machine without fonts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { PingMatrix } from './ping-matrix';

/** From dist/src/probe (built) or src/probe (ts-jest). */
const FONT = [
  join(__dirname, '..', '..', '..', 'assets', 'fonts', 'DejaVuSans.ttf'),
  join(__dirname, '..', '..', 'assets', 'fonts', 'DejaVuSans.ttf'),
].find((f) => existsSync(f));

/** Colour categories that override RTT, placed above the RTT range on the value scale. */
const LOSS = { partial: -1, total: -2, unknown: -3 } as const;

export interface HeatMapOptions {
  /** Label for every output in sandbox mode. */
  readonly sandbox?: boolean;
}

export function renderHeatMapSvg(pingMatrix: PingMatrix, options: HeatMapOptions = {}): string {
  const sites = [...new Set(pingMatrix.cells.flatMap((c) => [c.from, c.to]))];
  const rtts = pingMatrix.cells.map((c) => c.rttAvgMs).filter((x): x is number => x !== null);
  const max = Math.max(50, Math.ceil(Math.max(0, ...rtts) / 50) * 50);
  const data = pingMatrix.cells.map((c) => {
    const x = sites.indexOf(c.to);
    const y = sites.indexOf(c.from);
    const value =
      c.verdict === 'unknown'
        ? LOSS.unknown
        : c.received === 0
          ? LOSS.total
          : c.lossPct > 0
            ? LOSS.partial
            : (c.rttAvgMs ?? 0);
    const label =
      c.verdict === 'unknown'
        ? 'not\nmeasured'
        : c.received === 0
          ? '100% loss'
          : `${c.rttAvgMs?.toFixed(1)} ms\n${c.lossPct}% loss${c.ttl !== null ? `\nttl ${c.ttl}` : ''}`;
    // Dark cells (slow, or total loss) take white figures.
    const dark = value === LOSS.total || value >= (2 * max) / 3;
    return {
      value: [x, y, value],
      label: { formatter: `${label}${c.matches ? '' : '\n(not as predicted)'}`, color: dark ? '#ffffff' : '#000000' },
    };
  });
  const size = Math.max(640, 160 + sites.length * 110);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size, height: size });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: 'DejaVu Sans' },
      title: {
        text: `Ping matrix: ${pingMatrix.topology}${options.sandbox ? ' (SANDBOX)' : ''}`,
        subtext: `measured ${new Date(pingMatrix.measuredAt).toISOString().replace(/\.\d+Z$/, 'Z')}; rows: from, columns: to; average RTT`,
        left: 'center',
      },
      grid: { top: 110, bottom: 90, left: 120, right: 40 },
      xAxis: { type: 'category', data: sites, position: 'top', splitArea: { show: true }, axisLabel: { fontSize: 13 } },
      yAxis: { type: 'category', data: sites, inverse: true, splitArea: { show: true }, axisLabel: { fontSize: 13 } },
      visualMap: {
        type: 'piecewise',
        orient: 'horizontal',
        left: 'center',
        bottom: 16,
        dimension: 2,
        itemWidth: 14,
        itemGap: 18,
        textStyle: { fontSize: 11 },
        pieces: [
          { gte: 0, lt: max / 3, label: `< ${Math.round(max / 3)} ms`, color: '#c6dbef' },
          { gte: max / 3, lt: (2 * max) / 3, label: `< ${Math.round((2 * max) / 3)} ms`, color: '#6baed6' },
          { gte: (2 * max) / 3, label: `>= ${Math.round((2 * max) / 3)} ms`, color: '#2171b5' },
          { value: LOSS.partial, label: 'partial loss', color: '#ffa000' },
          { value: LOSS.total, label: '100% loss', color: '#c62828' },
          { value: LOSS.unknown, label: 'not measured', color: '#bdbdbd' },
        ],
      },
      series: [
        {
          type: 'heatmap',
          data,
          label: { show: true, fontSize: 12 },
          itemStyle: { borderColor: '#fff', borderWidth: 2 },
        },
      ],
    });
    return chart.renderToSVGString();
  } finally {
    // An undisposed chart keeps the process alive.
    chart.dispose();
  }
}

export function renderHeatMapPng(matrix: PingMatrix, options: HeatMapOptions = {}): Buffer {
  const svg = renderHeatMapSvg(matrix, options);
  const resvg = new Resvg(svg, {
    font: { fontFiles: FONT ? [FONT] : [], loadSystemFonts: FONT === undefined, defaultFontFamily: 'DejaVu Sans' },
    fitTo: { mode: 'original' },
  });
  return resvg.render().asPng();
}
