/**
 * `vpnbot ping <name>` (measure, print the table, --json, --png), `vpnbot ping <name> history`,
 * `vpnbot ping <name> --from <site> <file|->` (a row pasted from an on-premises host), and
 * `vpnbot parse-ping <file|->` (what the parser reads from any ping output; no cloud, no database).
 */
import type { AppServices } from '../../src/app/app-services';
import { measureTopology, pastePingRow, pingHistory, type MeasureResult } from '../../src/app/ping-use-cases';
import { renderHeatMapPng } from '../../src/probe/heat-map';
import type { PingMatrix } from '../../src/probe/ping-matrix';
import { parsePingOutput } from '../../src/probe/ping-output';
import { renderMatrixTable, renderTrend } from '../../src/probe/render-matrix';
import { parseCommandArgs } from './parse-args';
import { withServices, type ServicesFactory } from '../common/with-services';
import type { CliCommand, CliIo } from '../common/cli-io';

import { PARSE_PING_USAGE, PING_USAGE } from './usages';

export { PARSE_PING_USAGE, PING_USAGE };

/** The matrix as JSON for scripts: times as ISO strings. */
export function matrixJson(matrix: PingMatrix, sandbox: boolean): Record<string, unknown> {
  const iso = (t: number) => new Date(t).toISOString();
  return {
    topology: matrix.topology,
    sandbox,
    measuredAt: iso(matrix.measuredAt),
    cells: matrix.cells.map((c) => ({ ...c, ...(c.pastedAt !== undefined ? { pastedAt: iso(c.pastedAt) } : {}) })),
    ...(matrix.tunnels ? { tunnels: matrix.tunnels } : {}),
  };
}

/** 0 when every cell was measured and is as predicted, 1 otherwise. */
export const matrixExitCode = (matrix: PingMatrix) =>
  matrix.cells.every((c) => c.matches && c.verdict !== 'unknown') ? 0 : 1;

async function show(io: CliIo, s: AppServices, r: MeasureResult, o: { json: boolean; png?: string }): Promise<number> {
  if (!r.ok) {
    io.stderr(`${r.refusal}\n`);
    return 1;
  }
  if (o.png) await io.writeFile(o.png, renderHeatMapPng(r.matrix, { sandbox: s.sandbox }));
  io.stdout(
    o.json
      ? `${JSON.stringify(matrixJson(r.matrix, s.sandbox), null, 2)}\n`
      : `${renderMatrixTable(r.matrix)}\n${o.png ? `Heat map: ${o.png}\n` : ''}`,
  );
  return matrixExitCode(r.matrix);
}

export function pingCommands(open: ServicesFactory, actor: string): Record<string, CliCommand> {
  const ping: CliCommand = async (args, io) => {
    const p = parseCommandArgs(args, io, PING_USAGE, {
      count: { type: 'string' },
      json: { type: 'boolean' },
      png: { type: 'string' },
      from: { type: 'string' },
    });
    if (!p) return 2;
    const [name, extra, ...more] = p.positionals;
    const history = extra === 'history';
    const fromFile = p.values.from !== undefined ? extra : undefined;
    if (
      name === undefined ||
      more.length > 0 ||
      (extra !== undefined && !history && fromFile === undefined) ||
      (p.values.from !== undefined && fromFile === undefined)
    ) {
      io.stderr(`${PING_USAGE}\n`);
      return 2;
    }
    const count = p.values.count === undefined ? undefined : Number(p.values.count);
    const json = p.values.json === true;
    const png = typeof p.values.png === 'string' ? p.values.png : undefined;
    const from = typeof p.values.from === 'string' ? p.values.from : undefined;
    return withServices(
      io,
      open,
      async (s) => {
        if (history) {
          const h = pingHistory(s, name);
          if (!h.ok) {
            io.stderr(`${h.refusal}\n`);
            return 1;
          }
          if (json) io.stdout(`${JSON.stringify(h, null, 2)}\n`);
          else {
            io.stdout(
              `Ping history of ${name}: the last ${h.measurements} measurement(s), oldest first (B = baseline)\n`,
            );
            for (const t of h.trends) io.stdout(`  ${renderTrend(t)}\n`);
          }
          return 0;
        }
        if (fromFile !== undefined) {
          const text = fromFile === '-' ? await io.readStdin() : await io.readFile(fromFile);
          return show(io, s, pastePingRow(s, name, from!, text, { actor, at: Date.now() }), {
            json,
            ...(png ? { png } : {}),
          });
        }
        const r = await measureTopology(s, name, {
          trigger: 'manual',
          actor,
          ...(count !== undefined ? { count } : {}),
        });
        return show(io, s, r, { json, ...(png ? { png } : {}) });
      },
      json,
    );
  };

  const parsePing: CliCommand = async (args, io) => {
    const p = parseCommandArgs(args, io, PARSE_PING_USAGE, { json: { type: 'boolean' } });
    if (!p) return 2;
    if (p.positionals.length !== 1) {
      io.stderr(`${PARSE_PING_USAGE}\n`);
      return 2;
    }
    const file = p.positionals[0]!;
    let text: string;
    try {
      text = file === '-' ? await io.readStdin() : await io.readFile(file);
    } catch (e) {
      io.stderr(`cannot read ${file}: ${(e as Error).message}\n`);
      return 1;
    }
    const r = parsePingOutput(text);
    if (p.values.json) {
      const targets = r.targets.map(({ replies: _r, icmpErrors, ...t }) => ({ ...t, icmpErrors }));
      io.stdout(`${JSON.stringify({ program: r.program, errors: r.errors, targets }, null, 2)}\n`);
    } else {
      io.stdout(`program: ${r.program}\n`);
      for (const t of r.targets) {
        const rtt = t.rttAvgMs !== undefined ? `, rtt min/avg/max ${t.rttMinMs}/${t.rttAvgMs}/${t.rttMaxMs} ms` : '';
        io.stdout(
          `${t.target}: ${t.transmitted} sent, ${t.received} received, ${t.lossPct}% loss${rtt}${t.ttl !== undefined ? `, ttl ${t.ttl}` : ''}${t.errors ? `, ${t.errors} ICMP errors (${t.icmpErrors[0]?.message ?? ''})` : ''}${t.complete ? '' : ' (cut short)'}\n`,
        );
      }
      for (const e of r.errors) io.stdout(`error: ${e.message}\n`);
      if (r.targets.length === 0 && r.errors.length === 0) io.stdout('no ping output found\n');
    }
    return r.targets.length > 0 || r.errors.length > 0 ? 0 : 1;
  };

  return { ping, 'parse-ping': parsePing };
}
