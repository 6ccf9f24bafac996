import { showHtml } from '../viz/display';
import { projectExploreTables } from './fromFiles';
import { explorerFragment } from './page';
import type { ProjectScoreTableName } from '../runner/projectTables';
import type { ExploreTable } from './table';

/**
 * Shows the explorer in a notebook output (and so in its HTML write-up) on committed project
 * score tables (by name) or on tables built with `exploreTableFromScores`.
 */
export function showExplorer(tables: readonly (ProjectScoreTableName | ExploreTable)[]): void {
  const built = tables.map((t) => (typeof t === 'string' ? projectExploreTables([t])[0] : t));
  showHtml(explorerFragment(built));
}
