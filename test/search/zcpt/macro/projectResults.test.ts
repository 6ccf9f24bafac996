/**
 * The committed Zero-Cost-PT Macro searches, read through the project loader, are listed among the
 * committed tables a write-up's manifest shows (settings with the seeds, the command).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tablesRead } from '../../../../src/runner/tablesRead';
import { hasProjectMacroZcpt, loadProjectMacroZcpt, PROJECT_MACRO_ZCPT } from '../../../../src/search/zcpt/macro/report';

test('loading the committed Macro searches records the table read, with its seeds and command', { skip: !hasProjectMacroZcpt() && 'no committed Macro searches' }, () => {
  const { records } = loadProjectMacroZcpt();
  const read = tablesRead().find((t) => t.path.endsWith(PROJECT_MACRO_ZCPT.file));
  assert.ok(read, `${PROJECT_MACRO_ZCPT.file} is not among the tables read`);
  assert.equal(read.name, PROJECT_MACRO_ZCPT.name);
  assert.equal(read.command, PROJECT_MACRO_ZCPT.command);
  const settings = read.settings as { seeds: number[]; seed?: number };
  assert.deepEqual(settings.seeds, records.map((r) => r.settings.seed));
  assert.equal(settings.seed, undefined, 'one entry for all seeds');
});
