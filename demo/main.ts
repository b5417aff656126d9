// `director demo`: the whole loop, fully offline. Slack, GitHub and the model are loopback
// emulators; the bot, the link, the runner and the real `codex` CLI are the real thing.
import { PostHog } from 'posthog-node';
import { z } from 'zod';
import type { Playbook } from '../emulators/model/index.ts';
import { startPostHogEmulator, type PostHogEmulator } from '../emulators/posthog/index.ts';
import { syntheticUsage } from '../emulators/posthog/synthetic.ts';
import { until } from '../emulators/support/until.ts';
import { startWholeLoop } from '../emulators/world.ts';
import { transcript } from './transcript.ts';

const ISSUES = [
  { title: 'Greeting ignores the name argument', fix: 'src/greeting.js', content: "export const greet = (name = 'world') => `Hello, ${name}!`;\n" },
  { title: 'Config loader crashes on an empty file', fix: 'src/config.js', content: 'export const load = (text) => (text.trim() ? JSON.parse(text) : {});\n' },
  { title: 'Add a --version flag to the CLI', fix: 'src/version.js', content: "export const version = '1.0.1';\n" },
];

const sample = {
  'package.json': JSON.stringify({ name: 'sample-app', private: true, type: 'module', scripts: { test: 'node test.js' } }, null, 2),
  'README.md': '# sample-app\n\nA small app with a few open issues.\n',
  'test.js': [
    "import { existsSync } from 'node:fs';",
    `const expected = ${JSON.stringify(ISSUES.map((i) => i.fix))};`,
    'const present = expected.filter((f) => existsSync(f));',
    'console.log(`${present.length} passed, 0 failed`);',
  ].join('\n'),
  'src/app.js': "export const main = () => 'sample';\n",
};

function playbook(issue: (typeof ISSUES)[number]): Playbook {
  return {
    turns: [
      {
        steps: [
          { plan: ['Reproduce the problem', `Fix it in ${issue.fix}`, 'Run the tests'] },
          { shell: 'npm test' },
          { writeFile: { path: issue.fix, content: issue.content } },
          { shell: 'npm test' },
          { message: `Fixed: ${issue.title.toLowerCase()} (${issue.fix}). Tests pass.` },
        ],
      },
      {
        steps: [
          { writeFile: { path: `docs/${issue.fix.replace('src/', '').replace('.js', '.md')}`, content: `# ${issue.title}\n\nFixed in ${issue.fix}.\n` } },
          { message: 'Added a short doc page, as asked.' },
        ],
      },
    ],
  };
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Eight weeks of the sample app's feature usage, captured with the real posthog-node client. */
async function captureUsage(posthog: PostHogEmulator): Promise<number> {
  const events = syntheticUsage(
    [
      { event: 'greeting_shown', weeklyUsers: [40, 42, 45, 47, 50, 55, 61, 70], eventsPerUser: 3, flag: 'friendly-greeting' },
      { event: 'config_loaded', weeklyUsers: [30, 31, 33, 34, 35, 36, 48, 37], eventsPerUser: 1 },
    ],
    Date.now(),
  );
  const client = new PostHog(posthog.projectToken, { host: posthog.url, flushAt: 100, flushInterval: 0 });
  for (const event of events) client.capture(event);
  await client.shutdown();
  return events.length;
}

export async function runDemo(): Promise<number> {
  say('Director demo: Slack, GitHub, PostHog and the model are emulated on loopback; bot, runner and the codex CLI are real.\n');
  const posthog = await startPostHogEmulator();
  const captured = await captureUsage(posthog);
  const loop = await startWholeLoop({
    issues: ISSUES.map((i) => i.title),
    files: sample,
    runnerConfig: {
      POSTHOG_HOST: posthog.url,
      POSTHOG_PROJECT_ID: String(posthog.projectId),
      POSTHOG_PERSONAL_API_KEY: posthog.addPersonalKey(['query:read']),
      POSTHOG_CAPTURE: '1',
      POSTHOG_PROJECT_API_KEY: posthog.projectToken,
    },
  });
  try {
    say(`• posthog-node captured ${captured} events of the sample app's features (8 weeks) into the PostHog emulator`);
    ISSUES.forEach((issue) => loop.model.script(issue.title, playbook(issue)));
    const { slack, github, channel } = loop;
    const alice = slack.person('U0ALICE');
    loop.startRunner();
    await until(() => loop.runner?.endpoint.connected, 30_000, 'the runner to connect');
    say('• runner "laptop" paired with /director connect and connected');

    await alice.slash(channel, '/director', 'init acme/demo --runner laptop');
    say('• alice: /director init acme/demo --runner laptop');
    await alice.slash(channel, '/director', 'fix top 3 issues');
    say('• alice: /director fix top 3 issues');
    const ready = () => slack.messages(channel).filter((m) => m.text?.includes('PR ready for review'));
    await until(() => ready().length === 3, 180_000, 'three verified draft PRs');
    say(
      `• 3 tasks verified; draft PRs: ${github
        .pulls('acme', 'demo')
        .map((p) => `#${p.number}`)
        .join(', ')}`,
    );

    const first = ready()[0];
    if (!first) throw new Error('no task card');
    const branch = github.pulls('acme', 'demo').find((p) => JSON.stringify(first.blocks).includes(`/pull/${p.number}`))?.head.ref ?? '';
    const before = await github.headSha('acme', 'demo', branch);
    const reply = await alice.say(channel, 'Looks good — please also add a short doc page for this.', { threadTs: first.ts });
    say('• alice replied in the first task’s thread to steer it');
    await until(() => slack.reactions(channel, reply.ts).some((r) => r.name === 'white_check_mark'), 120_000, 'the agent to pick up the reply');
    await until(async () => (await github.headSha('acme', 'demo', branch)) !== before, 120_000, 'the PR to get a new head');
    await until(() => ready().length === 3, 60_000, 'the steered task to be verified again');
    // Let the last thread posts leave the outbox (Slack allows about one per second per channel).
    await until(() => ready().every((card) => slack.thread(channel, card.ts).some((m) => m.text?.startsWith('Verified'))), 60_000, 'the threads');
    await new Promise((resolve) => setTimeout(resolve, 3500));
    say('• the steered task pushed a new head to the same PR');
    await alice.say(channel, 'status?', { threadTs: first.ts });
    await until(() => slack.thread(channel, first.ts).some((m) => m.text?.includes('stands')), 60_000, 'the status answer');
    say('• alice asked "status?" in that thread: answered from the runner’s summary of the task, not by the agent');
    const memory = z.object({ text: z.string() }).parse((await alice.slash(channel, '/director', 'memory')).ack).text;
    say('• each finished task left a digest in the channel’s project memory, for the next tasks');

    // The weekly feature report: the runner queries PostHog with its own key and sends numbers and a chart.
    for (const command of [
      'feature track "Friendly greeting" event:greeting_shown flag:friendly-greeting goal:60 users/week',
      'feature track "Config loader" event:config_loaded goal:45',
      'feature track "Director PRs" event:director_pr_opened',
      'report weekly mon 09:00 tz:Europe/Berlin',
      'report now',
    ])
      await alice.slash(channel, '/director', command);
    say('• alice tracked three features (one is Director’s own PRs, captured by the runner with posthog-node) and set the weekly report');
    const report = () => slack.messages(channel).find((m) => m.text?.startsWith('Feature report'));
    const chart = () => {
      const root = report();
      return root ? slack.thread(channel, root.ts).some((m) => (m.files ?? []).length > 0) : false;
    };
    await until(() => !report()?.text?.includes('asking runner') && chart(), 60_000, 'the feature report and its chart');
    say('• the report came back from the runner: numbers in one message, the chart in its thread\n');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    say('──────── #demo, as a person sees it ────────\n');
    say(transcript(slack, channel));
    say('──────── /director memory, as alice sees it ────────\n');
    say(memory);
    say('──────── end ────────');
    return 0;
  } finally {
    await loop.close();
    await posthog.close();
  }
}
