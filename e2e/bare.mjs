// A Chromium driven over its DevTools pipe with nothing enabled but what a
// caller asks for: no Network, Page or Log domains. Playwright enables the
// Network domain on every page it drives, and Chromium's DevTools then keeps
// a copy of every response body the page fetches (up to hundreds of MB), in
// the page's renderer: the memory a coordinator's own browser does not have.
// Benchmarks of a page's memory use this one.
//   const b = await launchBare({ args });  b.pid
//   const page = await b.open(url);        await page.evaluate('1 + 1')
//   await page.waitFor('document.title', 10_000);  await b.close()
import { spawn } from 'node:child_process';
import { CHROMIUM, ARGS } from './support.mjs';

export async function launchBare({ args = [], userDataDir } = {}) {
  const child = spawn(CHROMIUM, [...ARGS, ...args, '--remote-debugging-pipe', `--user-data-dir=${userDataDir}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
  });
  const [toBrowser, fromBrowser] = [child.stdio[3], child.stdio[4]];
  let next = 1;
  const waiting = new Map();
  const listeners = new Set();
  let buf = '';
  fromBrowser.setEncoding('utf8');
  fromBrowser.on('data', (chunk) => {
    let from = buf.length; // (a message's end is in what came since)
    buf += chunk;
    for (let end; (end = buf.indexOf('\0', from)) >= 0; from = 0) {
      const msg = JSON.parse(buf.slice(0, end));
      buf = buf.slice(end + 1);
      if (msg.id && waiting.has(msg.id)) {
        const { resolve, reject, method } = waiting.get(msg.id);
        waiting.delete(msg.id);
        if (msg.error) reject(new Error(`${method}: ${msg.error.message}`));
        else resolve(msg.result);
      } else for (const l of listeners) l(msg);
    }
  });
  // Gone: every request waiting, and every later one, fails (never hangs).
  let gone = null;
  const fail = (why) => {
    gone ??= why;
    for (const { reject, method } of waiting.values()) reject(new Error(`${method}: ${gone}`));
    waiting.clear();
  };
  const exited = new Promise((r) => child.once('exit', (code, signal) => { fail(`Chromium exited (${code ?? signal})`); r(); }));
  child.once('error', (e) => fail(`Chromium did not start: ${e.message}`));
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    if (gone) return reject(new Error(`${method}: ${gone}`));
    const id = next++;
    waiting.set(id, { resolve, reject, method, sessionId });
    toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
  });
  const on = (f) => { listeners.add(f); return () => listeners.delete(f); };
  await send('Browser.getVersion');

  // A tab at `url`, the only one (the start-up blank tab is closed: its
  // renderer would count in the browser's memory). Uncaught exceptions and
  // console errors of the page go to `errors`.
  async function open(url, errors = []) {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
    for (const t of (await send('Target.getTargets')).targetInfos) {
      if (t.type === 'page' && t.targetId !== targetId) await send('Target.closeTarget', { targetId: t.targetId });
    }
    on((m) => {
      // The tab crashed or went: its requests fail.
      if ((m.method === 'Target.detachedFromTarget' && m.params.sessionId === sessionId) || (m.sessionId === sessionId && m.method === 'Inspector.targetCrashed')) {
        for (const [id, w] of waiting) if (w.sessionId === sessionId) { waiting.delete(id); w.reject(new Error(`${w.method}: the tab crashed or closed`)); }
      }
      if (m.sessionId !== sessionId) return;
      if (m.method === 'Runtime.exceptionThrown') errors.push(m.params.exceptionDetails.exception?.description ?? m.params.exceptionDetails.text);
      if (m.method === 'Runtime.consoleAPICalled' && m.params.type === 'error') errors.push(m.params.args.map((a) => a.value ?? a.description).join(' '));
    });
    await send('Runtime.enable', {}, sessionId);
    await send('Page.navigate', { url }, sessionId);
    const evaluate = async (expression) => {
      const r = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
      if (r.exceptionDetails) throw new Error(`${expression.slice(0, 80)}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
      return r.result.value;
    };
    const waitFor = async (expression, timeoutMs, everyMs = 100) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        let v;
        try { v = await evaluate(expression); } catch (e) {
          if (/crashed or closed|Chromium exited|did not start/.test(e.message)) throw e;
          v = undefined; // navigating
        }
        if (v) return v;
        if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`);
        await new Promise((r) => setTimeout(r, everyMs));
      }
    };
    // The page's own DevTools session, as measure.mjs's tracing uses it.
    const session = {
      send: (m, p) => send(m, p, sessionId),
      once: (event, f) => { const off = on((m) => { if (m.sessionId === sessionId && m.method === event) { off(); f(m.params); } }); },
      detach: async () => {},
    };
    return { targetId, sessionId, session, evaluate, waitFor, close: () => send('Target.closeTarget', { targetId }) };
  }

  return {
    pid: child.pid, send, on, open,
    async close() {
      send('Browser.close').catch(() => {});
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      child.kill('SIGKILL');
    },
  };
}
