/**
 * NDS (Radosavovic et al., "On Network Design Spaces for Visual Recognition", ICCV 2019) is not
 * supported: the workbench has no reader for its JSON files and no builder for its networks. This
 * module only *finds* files that look like NDS data (the design-space files `<Space>.json` and
 * `<Space>_in.json` of the NDS release, directly under a data root or under `<root>/nds/`), so
 * that a report can say plainly that they exist and were not read, instead of staying silent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataRoots } from './root';

/** Design spaces of the NDS release (file stems, case-insensitive, optional `_in` for ImageNet). */
export const NDS_SPACES = ['Amoeba', 'DARTS', 'ENAS', 'NASNet', 'PNAS', 'ResNet', 'ResNeXt-A', 'ResNeXt-B', 'Vanilla', 'DARTS_fix-w-d', 'ENAS_fix-w-d', 'DARTS_lr-wd', 'ENAS_lr-wd'] as const;

const NDS_FILE = new RegExp(`^(${NDS_SPACES.map((s) => s.replace(/[-]/g, '\\-')).join('|')})(_in)?\\.json$`, 'i');

/** Whether a file name is one of the NDS release's design-space files. */
export function isNdsFileName(name: string): boolean {
  return NDS_FILE.test(name);
}

/** Absolute paths of NDS-looking files under the data roots (`roots` default: `dataRoots()`), sorted. */
export function findNdsFiles(roots: readonly string[] = dataRoots().map((r) => r.dir)): string[] {
  const found = new Set<string>();
  for (const root of roots) {
    for (const dir of [root, path.join(root, 'nds')]) {
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue; // folder absent
      }
      for (const f of names) if (isNdsFileName(f)) found.add(path.join(dir, f));
    }
  }
  return [...found].sort();
}
