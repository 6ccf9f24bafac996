/**
 * The indicator explorer: a browser page that refits fusions, judges rules and simulates searches
 * on an embedded score table with the library's own code (bundled for the browser).
 */
export { type ExploreTable, encodeTables, decodeTables, exploreTableFromScores, validateExploreTable } from './table';
export { type Selection, type ExploreFit, type ExploreTransform, EXPLORE_FITS, EXPLORE_TRANSFORMS, EXPLORE_PROTOCOL, defaultSelection, selectionToFragment, selectionFromFragment, libraryCall, ruleSpec } from './selection';
export { computeFusion, computeRule, ruleColumns, fusionOptions, type FusionFigures, type RuleFigures, type SearchFigures, type Outcome } from './compute';
export { fusionFigureTexts, ruleFigureTexts } from './figures';
export { exploreTableFromScoreFile, projectExploreTables } from './fromFiles';
export { explorerFragment, explorerPage, explorerScript } from './page';
export { showExplorer } from './show';
