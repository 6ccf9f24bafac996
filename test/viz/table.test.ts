import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, formatCell, formatNumber, tableColumns, tableHtml, tableText } from '../../src/viz/table';

test('formatNumber / formatCell', () => {
  assert.equal(formatNumber(3), '3');
  assert.equal(formatNumber(0.123456), '0.1235');
  assert.equal(formatNumber(0.123456, 2), '0.12');
  assert.equal(formatNumber(1e-7), '1.000e-7');
  assert.equal(formatNumber(NaN), 'NaN');
  assert.equal(formatNumber(-Infinity), '−∞');
  assert.equal(formatCell(null), '');
  assert.equal(formatCell(true), 'true');
  assert.equal(formatCell([1, 0.5]), '1, 0.5000');
  assert.equal(formatCell({ a: 1 }), '{"a":1}');
});

test('tableHtml: columns in first-appearance order, escaped, numbers right-aligned', () => {
  const rows = [{ proxy: 'naswot', tau: 0.61234 }, { proxy: '<das>', tau: 0.5, n: 100 }];
  assert.deepEqual(tableColumns(rows), ['proxy', 'tau', 'n']);
  const html = tableHtml(rows, { caption: 'Kendall & co', digits: 3 });
  assert.ok(html.startsWith('<table'));
  assert.ok(html.includes('<caption'));
  assert.ok(html.includes('Kendall &amp; co'));
  assert.ok(html.includes('&lt;das&gt;'));
  assert.ok(!html.includes('<das>'));
  assert.ok(html.includes('0.612'));
  assert.ok(html.includes('text-align:right;">100<'));
  assert.equal((html.match(/<tr>/g) ?? []).length, 3);
  const limited = tableHtml(rows, { maxRows: 1, columns: ['tau'] });
  assert.ok(limited.includes('1 more rows'));
  assert.ok(!limited.includes('naswot'));
  assert.equal(escapeHtml(`"'`), '&quot;&#39;');
});

test('tableText: aligned plain text', () => {
  const txt = tableText([{ a: 1, b: 'xy' }, { a: 22.5, b: 'z' }], { digits: 1, caption: 'cap' });
  assert.deepEqual(txt.split('\n'), ['cap', 'a     b', '----  --', '1     xy', '22.5  z']);
});
