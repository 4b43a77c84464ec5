import { describe, expect, it } from 'vitest';

import type { EntrySnapshot } from '../crypto/index';
import { buildCsv, CSV_FORMATS, csvFormat, entriesFromSnapshots, neutraliseFormula, originOf, type CsvFormatId } from './csv';

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
  it('lists the formats of features.md with their exact headers', () => {
    expect(CSV_FORMATS.map((format) => format.id)).toEqual([
      'generic', 'keypost', 'bitwarden', 'chrome', 'keepassxc', '1password', 'lastpass', 'firefox',
    ]);
    const headerLine = (id: CsvFormatId) => csv(id).split('\r\n')[0];
    expect(headerLine('bitwarden')).toBe('folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp');
    expect(headerLine('chrome')).toBe('name,url,username,password,note');
    expect(headerLine('keepassxc')).toBe('"Group","Title","Username","Password","URL","Notes","TOTP","Icon","Last Modified","Created"');
    expect(headerLine('1password')).toBe('Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes');
    expect(headerLine('lastpass')).toBe('url,username,password,totp,extra,name,grouping,fav');
    expect(headerLine('firefox')).toBe('"url","username","password","httpRealm","formActionOrigin","guid","timeCreated","timeLastUsed","timePasswordChanged"');
  });

  it('generic', () => {
    expect(csv('generic')).toBe(
      'title,username,password,url,notes,tags,folder,totp\r\n' +
        '"Router, ""main""",admin,=1+2,"https://192.168.1.1:8443/login?a=1\nhttp://b.example/x,y","line 1\nline 2",,,otpauth://totp/x?secret=JBSWY3DP\r\n' +
        'Door code,,,,1234#,,,\r\n',
    );
  });

  it('keypost keeps custom fields as JSON and the time of sending', () => {
    expect(csv('keypost')).toBe(
      'id,title,username,password,urls,notes,tags,folder,custom_fields,totp,favourite,created,modified\r\n' +
        `${ids[0]},"Router, ""main""",admin,=1+2,"https://192.168.1.1:8443/login?a=1\nhttp://b.example/x,y","line 1\nline 2",,,` +
        '"[{""name"":""Wi-Fi key"",""value"":""s3cret wifi"",""hidden"":true},{""name"":""httpRealm"",""value"":""Router realm"",""hidden"":false}]",' +
        `otpauth://totp/x?secret=JBSWY3DP,false,${SENT_AT},${SENT_AT}\r\n` +
        `${ids[1]},Door code,,,,1234#,,,,,false,${SENT_AT},${SENT_AT}\r\n`,
    );
  });

  it('bitwarden: name: value fields, quoted URI list, a note without login columns', () => {
    expect(csv('bitwarden')).toBe(
      'folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\r\n' +
        ',,login,"Router, ""main""","line 1\nline 2","Wi-Fi key: s3cret wifi\nhttpRealm: Router realm",0,' +
        '"https://192.168.1.1:8443/login?a=1,""http://b.example/x,y""",admin,=1+2,otpauth://totp/x?secret=JBSWY3DP\r\n' +
        ',,note,Door code,1234#,,0,,,,\r\n',
    );
  });

  it('chrome keeps the first URL', () => {
    expect(csv('chrome')).toBe(
      'name,url,username,password,note\r\n' +
        '"Router, ""main""",https://192.168.1.1:8443/login?a=1,admin,=1+2,"line 1\nline 2"\r\n' +
        'Door code,,,,1234#\r\n',
    );
  });

  it('keepassxc quotes everything, Root group, ISO dates', () => {
    expect(csv('keepassxc')).toBe(
      '"Group","Title","Username","Password","URL","Notes","TOTP","Icon","Last Modified","Created"\r\n' +
        `"Root","Router, ""main""","admin","=1+2","https://192.168.1.1:8443/login?a=1","line 1\nline 2","otpauth://totp/x?secret=JBSWY3DP","0","${SENT_AT}","${SENT_AT}"\r\n` +
        `"Root","Door code","","","","1234#","","0","${SENT_AT}","${SENT_AT}"\r\n`,
    );
  });

  it('1password', () => {
    expect(csv('1password')).toBe(
      'Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes\r\n' +
        '"Router, ""main""",https://192.168.1.1:8443/login?a=1,admin,=1+2,otpauth://totp/x?secret=JBSWY3DP,false,false,,"line 1\nline 2"\r\n' +
        'Door code,,,,,false,false,,1234#\r\n',
    );
  });

  it('lastpass marks a note with http://sn', () => {
    expect(csv('lastpass')).toBe(
      'url,username,password,totp,extra,name,grouping,fav\r\n' +
        'https://192.168.1.1:8443/login?a=1,admin,=1+2,otpauth://totp/x?secret=JBSWY3DP,"line 1\nline 2","Router, ""main""",,0\r\n' +
        'http://sn,,,,1234#,Door code,,0\r\n',
    );
  });

  it('firefox: realm from the custom field, origin only without a realm, millisecond times', () => {
    expect(csv('firefox')).toBe(
      '"url","username","password","httpRealm","formActionOrigin","guid","timeCreated","timeLastUsed","timePasswordChanged"\r\n' +
        `"https://192.168.1.1:8443/login?a=1","admin","=1+2","Router realm","","{${ids[0]}}","${SENT_MS}","${SENT_MS}","${SENT_MS}"\r\n` +
        `"","","","","","{${ids[1]}}","${SENT_MS}","${SENT_MS}","${SENT_MS}"\r\n`,
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
