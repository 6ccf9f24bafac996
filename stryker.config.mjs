// Mutation testing (StrykerJS): `npm run mutation` mutates the statistics, the Fusion Indicator
// fits, log|det|, the Hamming kernel, NASWOT, the DAS atoms and the score-file/resume code, and
// runs only the test files that exercise them (each test file is one "test" for Stryker, so a
// mutant runs just the files that cover it). Reports: the per-file table on stdout and
// reports/mutation/mutation.html. While iterating, narrow it:
//   npx stryker run --mutate 'src/stats/**/*.ts'
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// Stryker runs the tests in a copy under .stryker-tmp/, where the package-relative data root
// (../shared/data, see src/data/root.ts) no longer resolves: hand the copy the root found from here.
if (!process.env.ZERONAS_DATA) {
  const shared = path.resolve(here, '..', 'shared', 'data');
  if (fs.existsSync(shared)) process.env.ZERONAS_DATA = shared;
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'tap',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/stats/**/*.ts',
    'src/fusion/**/*.ts',
    'src/linalg/**/*.ts',
    'src/proxies/hamming.ts',
    'src/proxies/naswot.ts',
    'src/proxies/dasAtoms.ts',
    'src/runner/results.ts',
    'src/runner/scoreFile.ts',
    '!src/**/index.ts',
  ],
  tap: {
    testFiles: [
      'test/stats/*.test.ts',
      'test/fusion/*.test.ts',
      'test/linalg/*.test.ts',
      'test/proxies/hamming.test.ts',
      'test/proxies/naswot.test.ts',
      'test/proxies/dasAtoms.test.ts',
      'test/runner/results.test.ts',
      'test/runner/scoreFile.test.ts',
    ],
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap', '-r', '{{hookFile}}', '{{testFile}}'],
  },
  ignorePatterns: ['dist', 'reports', '.cache', 'notebooks', '.jupyter'],
  concurrency: 2,
  timeoutMS: 60000,
  reporters: ['clear-text', 'html', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  disableTypeChecks: 'src/**/*.ts',
};
