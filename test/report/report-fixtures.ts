/** What the report tests share: hostile strings an admin or a tenant could store, and a CSV reader. */

/** A tenant name with a comma, quotes, a line break, a script and an attribute breakout. */
export const HOSTILE_NAME = 'Contoso, "EMEA" <script>alert(1)</script>\n"onmouseover=alert(2) x=\'';

/** A reason that a spreadsheet would run as a formula, with markup for HTML and Markdown, and a JavaScript line separator. */
export const HOSTILE_REASON = '=HYPERLINK("https://evil.example/x","click") | <script>alert(1)</script>\r\n"onmouseover=alert(3) <img src=x onerror=alert(4)> \u2028 </script><!--';

/** An attester that starts like a spreadsheet function. */
export const HOSTILE_ATTESTER = '@SUM(1+1)*cmd|/C calc';

/** RFC 4180: rows of fields, quoted fields may hold commas, doubled quotes, CR and LF; rows end with CRLF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else if (c === '\n' || c === '\r') throw new Error(`a bare line break outside quotes at ${i}`);
    else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error('the last row does not end with CRLF');
  return rows;
}
