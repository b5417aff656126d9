// `npm run bench`: runs every benchmark and prints one table.
import { benchCliStartup } from './cli-startup.ts';
import { benchAutomations } from './automations.ts';
import { benchCompaction } from './compaction.ts';
import { benchDirector } from './director.ts';
import { benchEngine } from './engine.ts';
import { benchHttpFlood } from './http-flood.ts';
import { benchLink } from './link.ts';
import { benchMerge } from './merge.ts';
import { benchPrWatch } from './pr-watch.ts';
import { benchPostHogReport } from './posthog-report.ts';
import { benchRedact } from './redact.ts';
import { benchSandbox } from './sandbox.ts';
import { benchSecretScan } from './secret-scan.ts';
import { benchSlackOutbox } from './slack-outbox.ts';
import { printTable, type BenchRow } from './table.ts';

const benchmarks: Array<{ name: string; run: () => Promise<BenchRow[]> }> = [
  { name: 'runner link', run: benchLink },
  { name: 'task engine', run: benchEngine },
  { name: 'redactor', run: benchRedact },
  { name: 'secret scan', run: benchSecretScan },
  { name: 'slack outbox', run: benchSlackOutbox },
  { name: 'director e2e', run: benchDirector },
  { name: 'context compaction', run: benchCompaction },
  { name: 'http flood', run: benchHttpFlood },
  { name: 'agent sandbox', run: benchSandbox },
  { name: 'cli start-up', run: benchCliStartup },
  { name: 'merge from slack', run: benchMerge },
  { name: 'pr watch', run: benchPrWatch },
  { name: 'automations scheduler', run: benchAutomations },
  { name: 'posthog report', run: benchPostHogReport },
];
const only = process.argv[2];

const rows: BenchRow[] = [];
for (const { name, run } of benchmarks.filter((b) => !only || b.name.includes(only))) {
  console.error(`running ${name}…`);
  rows.push(...(await run()));
}
printTable(rows);
