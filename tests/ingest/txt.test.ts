import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/index.js';
import { FIXTURES, SEEDS, seed } from '../helpers/paths.js';

const original = readFileSync(seed(SEEDS.suzhou), 'utf8');

describe('txt ingest: encodings are detected, not assumed', () => {
  it.each([
    ['003-gb18030.txt', 'gb18030'],
    ['003-utf8-bom-crlf.txt', 'utf-8-bom'],
    ['003-utf16le-bom.txt', 'utf-16le'],
    ['003-utf16be-bom.txt', 'utf-16be'],
  ])('%s decodes as %s to the same text as the UTF-8 seed', async (name, enc) => {
    const r = await ingestFile(path.join(FIXTURES, 'encodings', name));
    expect(r.encoding).toBe(enc);
    expect(r.text).toBe(original);
    expect(r.text).toContain('（8）推进普惠托育提质扩面。');
    expect(r.text.includes('\r')).toBe(false);
  });

  it('plain UTF-8 seed', async () => {
    const r = await ingestFile(seed(SEEDS.kunshan));
    expect(r.encoding).toBe('utf-8');
    expect(r.format).toBe('txt');
  });

  it.each([
    ['missing.txt', 'ENOENT', 'no such file'],
    ['bad/empty.txt', 'EMPTY', 'file is empty'],
    ['bad/junk.txt', 'BINARY', 'binary data'],
  ])('%s → %s', async (name, code, msg) => {
    const file = path.join(FIXTURES, name);
    await expect(ingestFile(file)).rejects.toMatchObject({ code, file });
    await expect(ingestFile(file)).rejects.toThrow(msg);
  });
});
