// `npm run bench`: runs every benchmark and prints one table.
import { benchSlackOutbox } from './slack-outbox.ts';
import { printTable, type BenchRow } from './table.ts';

const benchmarks: Array<{ name: string; run: () => Promise<BenchRow[]> }> = [{ name: 'slack outbox', run: benchSlackOutbox }];

const rows: BenchRow[] = [];
for (const { name, run } of benchmarks) {
  console.error(`running ${name}…`);
  rows.push(...(await run()));
}
printTable(rows);
