import { describe, expect, it } from 'vitest';
import { clip, cutBytes, cutMrkdwn, escapeMrkdwn, firstLine, shorten, slackLink, tail } from '../../shared/text.ts';

const NOTE = '… _(cut to fit Slack)_';

describe('cutting text', () => {
  it('never splits an emoji, a flag or a family', () => {
    const family = '👨‍👩‍👧‍👦'; // 11 UTF-16 units joined by ZWJ
    const text = `ab${family}cd`;
    for (let max = 2; max < 2 + family.length; max++) expect(clip(text, max)).toBe('ab');
    expect(clip(text, 2 + family.length)).toBe(`ab${family}`);
    expect(clip('x🇩🇪y', 3)).toBe('x');
    expect(shorten('ok 👍🏽 fine', 5)).toBe('ok …');
    expect(cutBytes(`a${family}`, 10)).toBe('a…');
    expect(tail(`${family}end`, 5)).toBe('…end');
  });

  it('keeps short text as it is and marks what it cuts', () => {
    expect(shorten('short', 10)).toBe('short');
    expect(shorten('a longer line', 6)).toBe('a lon…');
    expect(firstLine('  first line\nsecond', 50)).toBe('first line');
  });
});

describe('cutting mrkdwn for Slack', () => {
  const filler = (n: number) => 'x'.repeat(n);

  it('leaves text within the limit untouched', () => {
    expect(cutMrkdwn('fine <https://example.com|link> &amp; more', 100)).toBe('fine <https://example.com|link> &amp; more');
  });

  it('cuts before a link or mention it would split, never leaving a live half', () => {
    const text = `${filler(60)} <https://github.com/acme/demo/pull/12|Draft pull request> and <!channel> ${filler(200)}`;
    for (let max = 70; max < 160; max += 3) {
      const cut = cutMrkdwn(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.endsWith(NOTE)).toBe(true);
      const kept = cut.slice(0, -NOTE.length);
      expect(kept.split('<').length, `at ${max}: ${kept}`).toBe(kept.split('>').length);
    }
  });

  it('cuts before an entity it would split', () => {
    const text = `${filler(40)} &amp;&lt;&gt; ${filler(200)}`;
    for (let max = 62; max < 80; max++) {
      const kept = cutMrkdwn(text, max).slice(0, -NOTE.length);
      expect(kept, `at ${max}`).toMatch(/(?:&amp;|&lt;|&gt;|x| )$/);
    }
  });

  it('closes a code fence it cut open, and never leaves half a fence', () => {
    const text = `Failing tests:\n\`\`\`${filler(400)}\`\`\`\nafter`;
    const cut = cutMrkdwn(text, 120);
    expect(cut.length).toBeLessThanOrEqual(120);
    expect(cut.split('```').length - 1).toBe(2);
    for (let max = 50; max < 60; max++) expect(cutMrkdwn(`${filler(20)} \`\`\`${filler(200)}`, max).split('```').length % 2).toBe(1);
  });

  it('does not split an emoji at the cut', () => {
    const cut = cutMrkdwn(`${filler(80)}${'🎉'.repeat(100)}`, 120);
    expect(cut.slice(0, -NOTE.length)).toMatch(/^(?:x|🎉)+$/u);
  });

  it('escapes what would become a mention, a link or the end of a code block', () => {
    expect(escapeMrkdwn('<!channel> & `rm -rf`')).toBe("&lt;!channel&gt; &amp; 'rm -rf'");
  });

  it('links only http(s) URLs, and nothing in a URL can close the link or add a mention', () => {
    expect(slackLink('https://github.com/acme/demo/pull/3', 'PR')).toBe('<https://github.com/acme/demo/pull/3|PR>');
    const forged = slackLink('https://evil.example/login|Draft pull request> <!channel', 'Draft pull request');
    expect(forged.startsWith('<https://evil.example/login%7C')).toBe(true);
    expect(forged.match(/[<>|]/g)).toEqual(['<', '|', '>']);
    expect(slackLink('javascript:alert(1)', 'PR')).toBe('PR');
    expect(slackLink(null, '<!here> #3')).toBe('&lt;!here&gt; #3');
  });
});
