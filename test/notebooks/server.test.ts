/**
 * `npm run notebook` for real: the notebook server on a loopback port with the project's tslab
 * kernelspec, a session created through Jupyter's REST API, one cell executed over the kernel's
 * websocket (Jupyter messaging protocol 5.3) that imports the built library and computes a value,
 * the reply checked against the same function in Node; the server (and its kernel) stopped by
 * pid in `finally`, also when the test fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import WebSocket from 'ws';
import { jupyterProblems } from '../../src/notebooks/run';
import { NOTEBOOK_SERVER_BIN, startNotebookServer, type NotebookServer } from '../../src/notebooks/server';
import { kendallTauB } from '../../src/stats/correlation';

const problems = [...jupyterProblems(), ...(fs.existsSync(NOTEBOOK_SERVER_BIN) ? [] : [`${NOTEBOOK_SERVER_BIN} not found`])];
const skip = problems.length > 0 && process.env.CI !== 'true' && `Jupyter not set up (${problems.join('; ')}): run bash scripts/install.sh`;
const distReady = fs.existsSync(`${__dirname}/../../dist/stats/correlation.js`);

async function api(s: NotebookServer, method: string, route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${s.baseUrl}${route}`, {
    method,
    headers: { Authorization: `token ${s.token}`, 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

interface JupyterMessage {
  header: { msg_id: string; msg_type: string };
  parent_header: { msg_id?: string };
  content: Record<string, unknown>;
  channel: string;
}

/** Executes `code` on the kernel; resolves with what it printed to stdout, or rejects with the kernel's error. */
function execute(s: NotebookServer, kernelId: string, code: string, timeoutMs: number): Promise<string> {
  const ws = new WebSocket(`${s.baseUrl.replace('http', 'ws')}api/kernels/${kernelId}/channels?token=${s.token}`);
  const msgId = crypto.randomUUID();
  return new Promise<string>((resolve, reject) => {
    let stdout = '';
    let replied = false;
    let idle = false;
    const timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
    const finish = (f: () => void): void => {
      clearTimeout(timer);
      ws.close();
      f();
    };
    ws.on('error', (e) => finish(() => reject(e)));
    ws.on('open', () => {
      ws.send(
        JSON.stringify({
          header: { msg_id: msgId, username: 'test', session: crypto.randomUUID(), msg_type: 'execute_request', version: '5.3', date: new Date().toISOString() },
          parent_header: {},
          metadata: {},
          content: { code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: true },
          channel: 'shell',
          buffers: [],
        }),
      );
    });
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as JupyterMessage;
      if (m.parent_header.msg_id !== msgId) return;
      if (m.header.msg_type === 'stream' && m.content.name === 'stdout') stdout += String(m.content.text);
      if (m.header.msg_type === 'error') finish(() => reject(new Error(`${m.content.ename}: ${m.content.evalue}`)));
      if (m.header.msg_type === 'execute_reply') {
        replied = true;
        if (m.content.status !== 'ok') finish(() => reject(new Error(`execute_reply status ${m.content.status}`)));
      }
      if (m.header.msg_type === 'status' && m.content.execution_state === 'idle') idle = true;
      // output arrives on iopub (closed by 'idle'), the reply on shell: finish when both are in
      if (idle && replied) finish(() => resolve(stdout));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('notebook server: tslab session over REST + websocket runs a cell that imports the library', { skip: skip || (!distReady && 'run npm run build first'), timeout: 300_000 }, async () => {
  const server = await startNotebookServer({ startTimeoutSec: 120 });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/tree\?token=[0-9a-f]{48}$/);
    const specs = (await api(server, 'GET', 'api/kernelspecs')) as { kernelspecs: Record<string, { spec: { display_name: string; argv: string[] } }> };
    assert.ok(specs.kernelspecs.tslab, `tslab kernelspec visible (have: ${Object.keys(specs.kernelspecs).join(', ')})`);
    assert.ok(specs.kernelspecs.tslab.spec.argv.some((a) => a.endsWith('node_modules/tslab/bin/tslab')), 'the project-local tslab');
    const session = (await api(server, 'POST', 'api/sessions', { path: 'server-check.ipynb', type: 'notebook', name: '', kernel: { name: 'tslab' } })) as { id: string; kernel: { id: string; name: string } };
    assert.equal(session.kernel.name, 'tslab');
    // the kernel starts in notebooks/, as with the notebooks themselves
    const text = await execute(server, session.kernel.id, "import { kendallTauB } from '../dist/stats/correlation';\nconsole.log(`tau=${kendallTauB([1, 2, 3, 4, 5], [1, 3, 2, 5, 4])}`);", 180_000);
    assert.equal(text.trim(), `tau=${kendallTauB([1, 2, 3, 4, 5], [1, 3, 2, 5, 4])}`);
    assert.equal(text.trim(), 'tau=0.6');
    await api(server, 'DELETE', `api/sessions/${session.id}`);
  } finally {
    await server.stop();
  }
  assert.equal(alive(server.pid), false, 'server process gone');
  assert.throws(() => process.kill(-server.pid, 0), 'no process left in its group (kernels included)');
});
