/** One line of the benchmark table. */
export interface BenchRow {
  benchmark: string;
  measure: string;
  value: string;
  goal: string;
  verdict: 'ok' | 'MISSED' | '';
}

export function printTable(rows: readonly BenchRow[]): void {
  const headers: (keyof BenchRow)[] = ['benchmark', 'measure', 'value', 'goal', 'verdict'];
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => r[h].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(headers));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(headers.map((h) => row[h])));
}
