import { describe, expect, it } from 'vitest';
import { htmlText, httpUrl, markdownText, MAX_TEXT_LENGTH, plainText, slackText } from '../../../src/alerts/channels/escaping.js';
import { HOSTILE } from './alert-fixtures.js';

/** Whether every `char` in `text` is escaped by an odd number of backslashes. */
function allEscaped(text: string, char: string): boolean {
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) {
    let slashes = 0;
    for (let j = i - 1; j >= 0 && text[j] === '\\'; j -= 1) slashes += 1;
    if (slashes % 2 === 0) return false;
  }
  return true;
}

describe('plainText', () => {
  it.each([
    ['keeps ordinary text', 'Finance Prod (EU)', 'Finance Prod (EU)'],
    ['drops a right-to-left override', HOSTILE.rtl, 'invoicegnp.exe'],
    ['drops bidi embeddings and isolates', 'a\u202Ab\u2066c\u2069d\u200Fe', 'abcde'],
    ['drops zero-width spaces and the BOM', HOSTILE.zeroWidth, 'Finance'],
    ['keeps the zero-width joiner of an emoji sequence', HOSTILE.zwj, HOSTILE.zwj],
    ['keeps the zero-width non-joiner of Persian', 'می\u200Cخواهم', 'می\u200Cخواهم'],
    ['turns line breaks and tabs into one space', 'a\r\n\tb\u2028c\u2029d', 'a b c d'],
    ['drops C0 and C1 controls', 'a\u0000b\u0007c\u0085d\u009Be', 'a b c d e'],
    ['collapses and trims white space', '  a \u00A0  b  ', 'a b'],
    ['replaces a lone surrogate', 'x\uD800y', 'x\uFFFDy'],
  ])('%s', (_name, input, expected) => {
    expect(plainText(input)).toBe(expected);
  });

  it('caps a 5,000-character name at 200 characters with an ellipsis', () => {
    const out = plainText(HOSTILE.long);
    expect(out).toBe(`${'A'.repeat(MAX_TEXT_LENGTH - 1)}…`);
    expect(out).toHaveLength(MAX_TEXT_LENGTH);
  });

  it('cuts long text at a grapheme boundary, never inside an emoji sequence', () => {
    const family = '👩\u200D👩\u200D👧';
    const out = plainText(family.repeat(300), 10);
    expect(out).toBe(`${family.repeat(9)}…`);
  });

  it('leaves text at the limit whole', () => {
    expect(plainText('B'.repeat(MAX_TEXT_LENGTH))).toBe('B'.repeat(MAX_TEXT_LENGTH));
  });
});

describe('markdownText (Adaptive Cards)', () => {
  it.each([
    ['a link', HOSTILE.click, '\\[click\\](http://evil)'],
    ['bold', HOSTILE.strong, '\\*\\*x\\*\\*'],
    ['italic with asterisks', HOSTILE.bold, '\\*bold\\*'],
    ['italic with underscores', 'snake_case_name', 'snake\\_case\\_name'],
    ['an entity, kept literal', HOSTILE.entity, '\\&amp;'],
    ['a numeric entity', '&#x41;&#65;', '\\&#x41;\\&#65;'],
    ['a bare ampersand, kept', 'R&D Prod', 'R&D Prod'],
    ['HTML', HOSTILE.script, '\\<script\\>alert(1)\\</script\\>'],
    ['a backslash', 'C:\\temp', 'C:\\\\temp'],
    ['a bullet at the start', '- item', '\\- item'],
    ['a numbered list at the start', '1. first', '1\\. first'],
    ['a heading at the start', '# Title', '\\# Title'],
    ['a date function', '{{DATE(2017-02-14T06:08:00Z, SHORT)}}', '\\{\\{DATE(2017-02-14T06:08:00Z, SHORT)\\}\\}'],
    ['code and strike', '`x` ~~y~~', '\\`x\\` \\~\\~y\\~\\~'],
    ['parentheses and dots, kept', 'Finance (Prod) v1.2', 'Finance (Prod) v1.2'],
  ])('escapes %s', (_name, input, expected) => {
    expect(markdownText(input)).toBe(expected);
  });

  it('leaves no Markdown control unescaped in any hostile string', () => {
    for (const value of Object.values(HOSTILE)) {
      const out = markdownText(value);
      for (const char of ['[', ']', '*', '_', '<', '>', '`', '~']) expect(allEscaped(out, char), `${char} in ${out}`).toBe(true);
    }
  });
});

describe('slackText', () => {
  it.each([
    ['a mention', '<!channel>', '&lt;!channel&gt;'],
    ['a link', HOSTILE.slackLink, '&lt;http://evil|click&gt;'],
    ['an entity, kept literal', HOSTILE.entity, '&amp;amp;'],
    ['HTML', HOSTILE.script, '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['a right-to-left override', HOSTILE.rtl, 'invoicegnp.exe'],
  ])('escapes %s', (_name, input, expected) => {
    expect(slackText(input)).toBe(expected);
  });
});

describe('htmlText', () => {
  it.each([
    ['a script', HOSTILE.script, '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['quotes', `"a" 'b'`, '&quot;a&quot; &#39;b&#39;'],
    ['an entity, kept literal', HOSTILE.entity, '&amp;amp;'],
    ['a link', HOSTILE.link, '[x](http://evil)'],
  ])('escapes %s', (_name, input, expected) => {
    expect(htmlText(input)).toBe(expected);
  });
});

describe('httpUrl', () => {
  it.each([
    ['https://ppmat.contoso.com/scans/1', 'https://ppmat.contoso.com/scans/1'],
    ['http://127.0.0.1:3000/scans/1', 'http://127.0.0.1:3000/scans/1'],
    ['javascript:alert(1)', undefined],
    ['data:text/html,<script>', undefined],
    ['not a url', undefined],
    [undefined, undefined],
  ])('%s gives %s', (input, expected) => {
    expect(httpUrl(input)).toBe(expected);
  });
});
