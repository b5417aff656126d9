// `director demo`: the whole loop, fully offline. Slack, GitHub and the model are loopback
// emulators; the bot, the link, the runner and the real `codex` CLI are the real thing.
import { reviewerPlaybook, type Playbook } from '../emulators/model/index.ts';
import { PostHog } from 'posthog-node';
import { z } from 'zod';
import { startPostHogEmulator, type PostHogEmulator } from '../emulators/posthog/index.ts';
import { syntheticUsage } from '../emulators/posthog/synthetic.ts';
import { until } from '../emulators/support/until.ts';
import { startWholeLoop, type WholeLoop } from '../emulators/world.ts';
import { plain, transcript } from './transcript.ts';

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

/** The issue whose first fix a reviewer catches before the PR: an empty name still prints "Hello, !". */
const REVIEWED = ISSUES[0];
const GUARD = 'empty-name-guard';

function playbook(issue: (typeof ISSUES)[number]): Playbook {
  const slug = issue.fix.replace('src/', '').replace('.js', '');
  const reviewFix = {
    steps: [
      { writeFile: { path: 'src/greeting-guard.js', content: `// ${GUARD}\nexport const nameOrWorld = (name) => (name && name.trim()) || 'world';\n` } },
      { message: 'Guarded the empty name, as the reviewer asked.' },
    ],
  };
  const feedback = {
    steps: [
      { writeFile: { path: `docs/${slug}-why.md`, content: `# Why\n\n${issue.title}: see ${issue.fix}.\n` } },
      { message: 'Explained the change in docs, as carol asked on the PR.' },
    ],
  };
  return {
    turns: [
      {
        steps: [
          { plan: ['Reproduce the problem', `Fix it in ${issue.fix}`, 'Run the tests'] },
          { shell: 'npm test' },
          { writeFile: { path: issue.fix, content: issue.content } },
          { shell: 'npm test' },
          { plan: ['Reproduce the problem', `Fix it in ${issue.fix}`, 'Run the tests'], done: 3 },
          { message: `Fixed: ${issue.title.toLowerCase()} (${issue.fix}). Tests pass.` },
        ],
      },
      {
        steps: [
          { writeFile: { path: `docs/${issue.fix.replace('src/', '').replace('.js', '.md')}`, content: `# ${issue.title}\n\nFixed in ${issue.fix}.\n` } },
          { message: 'Added a short doc page, as asked.' },
        ],
      },
      feedback,
    ].flatMap((turn, i) => (i === 1 && issue === REVIEWED ? [reviewFix, turn] : [turn])),
  };
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * Ends the demo early, removing everything it made, when its output is closed (`director demo | head`:
 * exit 0) or it is stopped (SIGINT 130, SIGTERM 143). Resolves never: the process exits.
 */
function endEarly(loop: Promise<WholeLoop>): () => void {
  let ending = false;
  const end = (code: number) => {
    if (ending) return;
    ending = true;
    void loop
      .then((l) => l.close())
      .catch(() => undefined)
      .finally(() => process.exit(code));
  };
  const onOutputError = (error: NodeJS.ErrnoException) => end(error.code === 'EPIPE' ? 0 : 1);
  const onInt = () => end(130);
  const onTerm = () => end(143);
  process.stdout.on('error', onOutputError);
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  return () => {
    process.stdout.off('error', onOutputError);
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
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
  const starting = startWholeLoop({
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
  const done = endEarly(
    starting.then((loop) => ({
      ...loop,
      close: async () => {
        await loop.close();
        await posthog.close();
      },
    })),
  );
  const loop = await starting;
  try {
    say(`• posthog-node captured ${captured} events of the sample app's features (8 weeks) into the PostHog emulator`);
    ISSUES.forEach((issue) => loop.model.script(issue.title, playbook(issue)));
    // The reviewer (the other vendor's CLI: claude reviews codex's work) finds a P1 in one fix, and is clean once it is guarded.
    if (REVIEWED) {
      const finding = {
        severity: 'P1',
        file: REVIEWED.fix,
        line: 1,
        problem: 'greet("") prints "Hello, !": an empty name is not handled.',
        fix: 'Fall back to "world".',
      } as const;
      loop.model.scriptReviewer(REVIEWED.title, reviewerPlaybook([finding]));
      loop.model.scriptReviewer(GUARD, reviewerPlaybook([]));
    }
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
    // The task awaits review, so a plain reply is conversation: `@director …` re-opens it.
    const reply = await alice.mention(channel, 'Looks good — please also add a short doc page for this.', { threadTs: first.ts });
    say('• alice asked @director in the first task’s thread to go on with it');
    await until(() => slack.reactions(channel, reply.ts).some((r) => r.name === 'white_check_mark'), 120_000, 'the agent to pick up the reply');
    await until(async () => (await github.headSha('acme', 'demo', branch)) !== before, 120_000, 'the PR to get a new head');
    await until(() => ready().length === 3, 60_000, 'the steered task to be verified again');
    // Let the last thread posts leave the outbox (Slack allows about one per second per channel).
    const posted = (ts: string, text: string) => slack.thread(channel, ts).some((m) => m.text?.includes(text));
    await until(() => ready().every((card) => posted(card.ts, 'Ready for review')) && posted(first.ts, 'Ready for review again'), 60_000, 'the threads');
    await new Promise((resolve) => setTimeout(resolve, 3500));
    say('• the steered task pushed a new head to the same PR');

    // carol, who can write to the repository, leaves a review comment on that PR; the runner's watcher picks it up.
    const pull = github.pulls('acme', 'demo').find((p) => p.head.ref === branch);
    if (!pull) throw new Error('no PR for the first task');
    github.setPermission('acme', 'demo', 'carol', 'write');
    const fixed = ISSUES.find((i) => pull.title.includes(i.title))?.fix ?? 'src/app.js';
    await github.addReviewComment('acme', 'demo', pull.number, { path: fixed, line: 1, body: 'Could you say in the docs why this was needed?', user: 'carol' });
    say(`• carol (write access) commented on PR #${pull.number}; the runner polls open PRs (every 60 s, conditional requests)`);
    await loop.runner?.feedback?.pollOnce();
    await until(
      () => slack.thread(channel, first.ts).some((m) => m.text?.startsWith('Addressed 1 review comment from @carol')),
      120_000,
      'the review comment addressed',
    );
    await until(
      () =>
        github
          .pulls('acme', 'demo')
          .find((p) => p.number === pull.number)
          ?.reviewComments.some((c) => c.body.startsWith('Addressed in')),
      30_000,
      'the reply on the PR',
    );
    say('• the agent addressed it; the runner pushed, replied "Addressed in <sha>" on the review thread, and said so in Slack');
    await alice.say(channel, 'status?', { threadTs: first.ts });
    const answer = await until(
      () => slack.thread(channel, first.ts).find((m) => JSON.stringify(m.blocks ?? []).includes('task_status_more')),
      60_000,
      'the status answer',
    );
    say('• alice asked "status?" in that thread: a few lines from the runner’s summary of the task, not from the agent');
    await alice.click(channel, answer.ts, 'task_status_more');
    const more = await until(() => slack.ephemerals(channel, 'U0ALICE').find((e) => e.text?.includes('stands')), 60_000, 'the whole summary');
    say('• alice pressed More under the answer: the whole summary, shown only to her');
    const memory = z.object({ text: z.string() }).parse((await alice.slash(channel, '/director', 'memory')).ack).text;
    say('• each finished task left a digest in the channel’s project memory, for the next tasks');

    const batch = () => slack.messages(channel).find((m) => m.text?.startsWith('Fix top 3 issues'));
    await until(() => JSON.stringify(batch()?.blocks ?? []).includes('Merge all ready (3)'), 60_000, 'Merge all ready (3) on the batch card');
    await alice.click(channel, batch()?.ts ?? '', 'merge_all_ready');
    await until(() => github.pulls('acme', 'demo').every((p) => p.merged), 120_000, 'the three PRs merged');
    await until(() => JSON.stringify(batch()?.blocks ?? []).includes('Merged 3 of 3'), 30_000, 'the batch card counting them');
    await until(() => ready().every((card) => slack.thread(channel, card.ts).some((m) => m.text?.includes('merged PR'))), 60_000, 'the merge posts');
    await until(() => ready().every((card) => JSON.stringify(card.blocks ?? []).includes('*Merged*')), 30_000, 'every card showing its merge');
    say('• alice clicked Merge all ready (3): the runner merged the PRs one at a time, each at the head its card showed, and closed the issues\n');
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
    say('──────── More, as alice sees it ────────\n');
    say(
      plain(more.text ?? '')
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n'),
    );
    say('──────── /director memory, as alice sees it ────────\n');
    say(memory);
    say('──────── end ────────');
    return 0;
  } finally {
    await loop.close();
    done();
    await posthog.close();
  }
}
