import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, settingNames, withSettingsFile } from '../../src/config.js';
import { nearestCodes } from '../../src/core/suggest.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-settings-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the settings file', () => {
  it('knows every variable the configuration reads, so none is refused as unknown', () => {
    const source = fs.readFileSync(path.join(import.meta.dirname, '../../src/config.ts'), 'utf8');
    const read = new Set([...source.matchAll(/env\.([A-Z][A-Z0-9_]+)|'(TESSERA_[A-Z0-9_]+|PORT)'/g)].map((m) => m[1] ?? m[2]));
    read.delete('TESSERA_CONFIG');
    for (const name of read) expect(settingNames, name!).toContain(name);
  });

  it('resolves relative paths from its own folder; the environment wins; without a file nothing changes', () => {
    fs.writeFileSync(path.join(dir, 'tessera.env'), 'TESSERA_DATA_DIR=state\nPORT=9191\nLOG_LEVEL="warn"\n');
    const config = loadConfig(withSettingsFile({}, dir));
    expect(config.dataDir).toBe(path.join(dir, 'state'));
    expect(config.port).toBe(9191);
    expect(config.logLevel).toBe('warn');
    expect(config.settingsFile).toBe(path.join(dir, 'tessera.env'));
    expect(loadConfig(withSettingsFile({ PORT: '7000' }, dir)).port).toBe(7000);
    const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
    expect(withSettingsFile({ PORT: '1' }, empty)).toEqual({ PORT: '1' });
  });
});

describe('nearest codes', () => {
  it.each([
    ['PHQ9', ['phq9']],
    ['phq-9', ['phq9']],
    ['heartrate', ['heart-rate']],
    ['wembws', ['wemwbs']],
    ['gad', ['gad7']],
    ['astrology', []],
  ])('%s → %j', (input, expected) => {
    expect(nearestCodes(input, ['phq9', 'gad7', 'wemwbs', 'swemwbs', 'heart-rate', 'note', 'goal'])).toEqual(expected);
  });
});
