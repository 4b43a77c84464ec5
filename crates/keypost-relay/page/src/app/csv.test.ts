import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import type { EntrySnapshot } from '../crypto/index';
import {
  buildCsv,
  CSV_FORMATS,
  csvFormat,
  entriesFromSnapshots,
  neutraliseFormula,
  originOf,
  type CsvFormatId,
  type ExportEntry,
} from './csv';

/** tests/vectors/csv/: entries.json and what keypost-core's `write_csv` makes of it. */
const GOLDEN_DIR = new URL('../../../../../tests/vectors/csv/', import.meta.url);

/** An entry as keypost-core serialises its `Entry` (entries.json). */
interface GoldenEntry {
  id: string;
  fields: Omit<ExportEntry, 'id' | 'created' | 'modified'>;
  created: string;
  modified: string;
  password_history: unknown[];
}

const golden = JSON.parse(readFileSync(new URL('entries.json', GOLDEN_DIR), 'utf8')) as { entries: GoldenEntry[] };
const goldenEntries: ExportEntry[] = golden.entries.map((entry) => ({
  id: entry.id,
  ...entry.fields,
  created: Date.parse(entry.created),
  modified: Date.parse(entry.modified),
}));
/** `<format id>.csv` and `<format id>.spreadsheet_safe.csv`. */
const goldenFiles = readdirSync(GOLDEN_DIR)
  .filter((file) => file.endsWith('.csv'))
  .sort()
  .map((file) => {
    const [id = '', variant] = file.slice(0, -'.csv'.length).split('.');
    return { file, id, spreadsheetSafe: variant === 'spreadsheet_safe' };
  });

const SENT_AT = '2026-11-20T08:30:15Z';
const SENT_MS = '1795163415000';

const snapshots: EntrySnapshot[] = [
  {
    title: 'Router, "main"',
    username: 'admin',
    password: '=1+2',
    urls: ['https://192.168.1.1:8443/login?a=1', 'http://b.example/x,y'],
    notes: 'line 1\nline 2',
    custom_fields: [
      { name: 'Wi-Fi key', value: 's3cret wifi', hidden: true },
      { name: 'httpRealm', value: 'Router realm', hidden: false },
    ],
    totp: 'otpauth://totp/x?secret=JBSWY3DP',
  },
  {
    title: 'Door code',
    username: '',
    password: '',
    urls: [],
    notes: '1234#',
    custom_fields: [],
    totp: '',
  },
];

const ids = ['6f1c1b7e-3d0a-4b8e-9a51-0d2f5c7e9b11', '0a2b4c6d-8e0f-4a1b-8c2d-3e4f5a6b7c8d'];
const entries = entriesFromSnapshots(snapshots, SENT_AT, (() => {
  let next = 0;
  return () => ids[next++]!;
})());

function csv(id: CsvFormatId, spreadsheetSafe = false): string {
  const format = csvFormat(id);
  if (!format) {
    throw new Error(`no format ${id}`);
  }
  return buildCsv(entries, format, { spreadsheetSafe });
}

describe('CSV export, the same bytes as keypost-core write_csv', () => {
  it('offers exactly the formats core writes golden files for', () => {
    expect(CSV_FORMATS.map((format) => format.id)).toEqual([
      'generic', 'keypost', 'bitwarden', 'chrome', 'keepassxc', '1password', 'lastpass', 'firefox',
    ]);
    expect([...new Set(goldenFiles.map((file) => file.id))].sort()).toEqual(CSV_FORMATS.map((format) => format.id).sort());
    // A received copy carries no password history, so the golden entries have none either.
    expect(golden.entries.every((entry) => entry.password_history.length === 0)).toBe(true);
  });

  it.each(goldenFiles)('$file', ({ file, id, spreadsheetSafe }) => {
    const format = csvFormat(id);
    if (!format) {
      throw new Error(`the page has no exporter for the ${id} format of ${file}`);
    }
    const expected = readFileSync(new URL(file, GOLDEN_DIR), 'utf8');
    expect(buildCsv(goldenEntries, format, { spreadsheetSafe })).toBe(expected);
  });

  it('exports received snapshots as new entries created when sent', () => {
    expect(csv('keypost')).toBe(
      'id,title,username,password,urls,notes,tags,folder,custom_fields,totp,favourite,created,modified\r\n' +
        `${ids[0]},"Router, ""main""",admin,=1+2,"https://192.168.1.1:8443/login?a=1\nhttp://b.example/x,y","line 1\nline 2",,,` +
        '"[{""name"":""Wi-Fi key"",""value"":""s3cret wifi"",""hidden"":true},{""name"":""httpRealm"",""value"":""Router realm"",""hidden"":false}]",' +
        `otpauth://totp/x?secret=JBSWY3DP,false,${SENT_AT},${SENT_AT}\r\n` +
        `${ids[1]},Door code,,,,1234#,,,,,false,${SENT_AT},${SENT_AT}\r\n`,
    );
    expect(csv('firefox').split('\r\n')[1]).toBe(
      `"https://192.168.1.1:8443/login?a=1","admin","=1+2","Router realm","","{${ids[0]}}","${SENT_MS}","${SENT_MS}","${SENT_MS}"`,
    );
  });

  it('spreadsheet-safe prefixes formulas and nothing else', () => {
    expect(csv('chrome', true).split('\r\n')[1]).toBe('"Router, ""main""",https://192.168.1.1:8443/login?a=1,admin,\'=1+2,"line 1\nline 2"');
    for (const [input, expected] of [
      ['=1+2', "'=1+2"], ['+1', "'+1"], ['-1', "'-1"], ['@SUM(A1)', "'@SUM(A1)"], ['\tx', "'\tx"], ['\rx', "'\rx"], ['plain', 'plain'], ['', ''],
    ] as const) {
      expect(neutraliseFormula(input)).toBe(expected);
    }
  });

  it('origins as the Rust exporter computes them', () => {
    expect(originOf('https://a.example:8443/x')).toBe('https://a.example:8443');
    expect(originOf('https://user@example.com/login?x=1')).toBe('https://example.com');
    expect(originOf('not a url')).toBe('');
    expect(originOf('://x')).toBe('');
  });

  it('a received entry has no tags, folder or favourite and a copy of the fields', () => {
    expect(entries[0]).toMatchObject({ tags: [], folder: '', favourite: false, created: Date.parse(SENT_AT) });
    expect(entries[0]!.custom_fields).not.toBe(snapshots[0]!.custom_fields);
  });
});
