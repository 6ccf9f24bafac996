import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inNotebook, showFigure, showHtml, showMarkdown, showTable } from '../../src/viz/display';
import { scatter } from '../../src/viz/plotly';

function captureLog(fn: () => void): string[] {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.map(String).join(' '));
  try {
    fn();
  } finally {
    console.log = orig;
  }
  return lines;
}

test('display outside tslab: short text fallbacks, tslab never loaded', () => {
  assert.equal(inNotebook(), false);
  const lines = captureLog(() => {
    showFigure(scatter([1, 2], [3, 4], { title: 'fig' }));
    showTable([{ a: 1 }], { caption: 'tab' });
    showHtml('<p>hello <b>world</b></p><script>var x = 1;</script>');
    showMarkdown('# md');
  });
  assert.deepEqual(lines, ['[figure "fig": scatter(2)]', 'tab\na\n-\n1', '[html] hello world', '# md']);
  assert.ok(!Object.keys(require.cache).some((k) => /[\\/]node_modules[\\/]tslab[\\/]/.test(k)), 'tslab not required');
});
