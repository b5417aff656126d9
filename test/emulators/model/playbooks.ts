import type { Playbook } from '../../../emulators/model/types.ts';

/** Plan, overwrite an existing file, a failing command, a final message: the same script for both CLIs. */
export const TIDY_README: Playbook = {
  turns: [
    {
      steps: [
        { plan: ['Read the readme', 'Rewrite it'] },
        { writeFile: { path: 'README.md', content: '# New\n' } },
        { shell: 'echo oops >&2; exit 3' },
        { message: 'Tidied' },
      ],
    },
  ],
};
