// Measuring tools for the browser benchmarks (self-test: measure.check.mjs).
//
// mainThreadTasks: the exact duration of every task the page's renderer main
//   thread ran while `run()` was awaited, from a Chromium trace.
// browserPssMb / startPssSampler: the proportional set size of every process
//   of one Chromium instance (browser, zygotes, GPU, utilities, renderers);
//   browserPid / browserProcesses: which processes those are.
// Tracing costs the browser process memory (its trace buffer: tens of MB a
// minute on a busy page) and starts a tracing-service process: measure
// memory and tasks in separate runs.
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

// ---------------------------------------------------------------- tasks --

// One category only: 'disabled-by-default-devtools.timeline' holds the
// top-level 'RunTask' of every thread (what DevTools draws as a "Task"), the
// 'TracingStartedInBrowser' / 'FrameCommittedInBrowser' records that name the
// page's renderer process, and little else (a few paint and counter events).
// A page's DevTools session records only its own renderers, the browser
// process and the GPU process. 'toplevel' has the same tasks (as
// 'ThreadControllerImpl::RunTask', with source-location args) plus mojo and
// epoll events: 3.6 times the bytes on a busy page.
const CATEGORIES = ['disabled-by-default-devtools.timeline'];

// Splits a Chromium JSON trace, arriving in chunks, into its events (the
// objects directly inside "traceEvents": [...] or a top-level array),
// whatever the line breaks, and calls onEvent for each parsed one.
function eventSplitter(onEvent) {
  let buf = '';
  let pos = 0; // scanned up to here
  const stack = []; // open { and [ (char codes)
  let inString = false;
  let escaped = false;
  let start = -1; // where the event being scanned starts
  return (chunk) => {
    buf += chunk;
    for (; pos < buf.length; pos++) {
      const c = buf.charCodeAt(pos);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true; // backslash
        else if (c === 34) inString = false;
      } else if (c === 34) inString = true;
      else if (c === 123 || c === 91) { // { [
        if (c === 123 && start < 0 && stack.length <= 2 && stack[stack.length - 1] === 91) start = pos;
        stack.push(c);
      } else if (c === 125 || c === 93) { // } ]
        stack.pop();
        if (c === 125 && start >= 0 && stack.length <= 2 && stack[stack.length - 1] === 91) {
          onEvent(JSON.parse(buf.slice(start, pos + 1)));
          start = -1;
        }
      }
    }
    // Keep only the unfinished event.
    if (start >= 0) { buf = buf.slice(start); pos -= start; start = 0; } else { buf = ''; pos = 0; }
  };
}

// Records a trace while `await run()` executes and returns the tasks of the
// page's renderer main thread (of each renderer its main frame used, if it
// navigated to another process):
//   longestMs, over50 (tasks > 50 ms), count, totalMs (their sum),
//   nested (tasks run inside another, e.g. while paused in the debugger:
//           left out of all the rest),
//   top: [[startMs, durMs], ...] the 10 longest, startMs counted from the
//        start of tracing (just before run() is called),
//   tasks: every task, in order, the same way (only with { all: true }),
//   rendererPids, traceMb (JSON read), stopMs (Chromium's export, our read),
//   value: what run() returned.
// Durations are wall-clock, as Chromium's trace records them (µs, rounded
// here to 0.1 ms). A task nested in another counts once (the outermost).
// Throws if Chromium reports lost trace data (raise bufferMb). `browser` is
// not used (the page's own DevTools session records the trace); tracing is
// one at a time per browser. The trace is read and parsed in 4 MB pieces,
// never whole: about 25 MB a minute for the app at 600 requests a minute.
export async function mainThreadTasks(browser, page, run, { bufferMb = 512, all = false } = {}) {
  // A Playwright page, or launchBare's (its own session).
  const cdp = page.session ?? await page.context().newCDPSession(page);
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  try {
    await cdp.send('Tracing.start', {
      transferMode: 'ReturnAsStream',
      streamFormat: 'json',
      traceConfig: {
        recordMode: 'recordUntilFull',
        traceBufferSizeInKb: bufferMb * 1024,
        includedCategories: CATEGORIES,
        excludedCategories: ['*'],
      },
    });
  } catch (e) {
    await cdp.detach().catch(() => {});
    throw e; // e.g. another trace is being recorded
  }
  let value;
  let failure;
  try {
    value = await run();
  } catch (e) {
    failure = e;
  }
  // Always end the trace (a second Tracing.start would fail otherwise).
  const tEnd = Date.now();
  await cdp.send('Tracing.end');
  const { stream, dataLossOccurred } = await complete;
  const tRead = Date.now();

  const threadNames = new Map(); // "pid:tid" -> name
  const tasks = []; // [pid, tid, ts, dur] in µs
  const open = new Map(); // "pid:tid" -> stack of B timestamps
  let origin = Infinity;
  let started = null; // TracingStartedInBrowser data
  const commits = []; // { frame, processId } of later commits
  let bytes = 0;
  const feed = eventSplitter((e) => {
    if (e.ph === 'M') {
      if (e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args?.name);
      return;
    }
    if (e.name === 'RunTask') {
      // Threads named before their tasks (the usual order) are sorted out
      // now: keep only renderer main threads' tasks.
      const name = threadNames.get(`${e.pid}:${e.tid}`);
      if (name && name !== 'CrRendererMain') return;
      if (e.ph === 'X') tasks.push([e.pid, e.tid, e.ts, e.dur || 0]);
      else if (e.ph === 'B') {
        const k = `${e.pid}:${e.tid}`;
        if (!open.has(k)) open.set(k, []);
        open.get(k).push(e.ts);
      } else if (e.ph === 'E') {
        const b = open.get(`${e.pid}:${e.tid}`)?.pop();
        if (b !== undefined) tasks.push([e.pid, e.tid, b, e.ts - b]);
      }
    } else if (e.name === 'TracingStartedInBrowser') {
      started = e.args?.data;
      origin = Math.min(origin, e.ts);
    } else if (e.name === 'FrameCommittedInBrowser' || e.name === 'ProcessReadyInBrowser') {
      // (The second comes when a commit's new process had no pid yet.)
      if (e.args?.data) commits.push(e.args.data);
    }
  });
  // Read and parse it a piece at a time: never the whole trace in memory.
  // (Chromium's own gzip of the stream is far slower than the transfer.)
  const decoder = new StringDecoder('utf8');
  try {
    for (;;) {
      const { data, base64Encoded, eof } = await cdp.send('IO.read', { handle: stream, size: 4 << 20 });
      if (base64Encoded) {
        const buf = Buffer.from(data, 'base64');
        bytes += buf.length;
        feed(decoder.write(buf));
      } else {
        bytes += data.length; // (JSON text: nearly all ASCII)
        feed(data);
      }
      if (eof) break;
    }
  } finally {
    await cdp.send('IO.close', { handle: stream }).catch(() => {});
    await cdp.detach().catch(() => {});
  }
  const tParsed = Date.now();
  if (failure) throw failure;
  if (dataLossOccurred) throw new Error(`the trace lost data (${(bytes / 1e6).toFixed(0)} MB of JSON): raise bufferMb`);

  // The page's renderer processes: its main frame's, at the start and after
  // each commit (a navigation may move it to a new process).
  const mainFrames = new Set();
  const pids = new Set();
  for (const f of started?.frames || []) {
    if (f.isOutermostMainFrame ?? !f.parent) {
      mainFrames.add(f.frame);
      if (f.processId) pids.add(f.processId);
    }
  }
  for (const c of commits) {
    if (mainFrames.has(c.frame) && c.processId) pids.add(c.processId);
  }
  const isMain = (pid, tid) => {
    const name = threadNames.get(`${pid}:${tid}`);
    return name ? name === 'CrRendererMain' : pid === tid;
  };
  if (pids.size === 0) {
    // No frame records: take the renderer main thread that was busiest.
    const busy = new Map();
    for (const [pid, tid, , dur] of tasks) {
      if (threadNames.get(`${pid}:${tid}`) === 'CrRendererMain') busy.set(pid, (busy.get(pid) || 0) + dur);
    }
    const best = [...busy].sort((a, b) => b[1] - a[1])[0];
    if (best) pids.add(best[0]);
  }

  // The outermost tasks of those threads.
  const byThread = new Map();
  for (const t of tasks) {
    if (!pids.has(t[0]) || !isMain(t[0], t[1])) continue;
    const k = `${t[0]}:${t[1]}`;
    if (!byThread.has(k)) byThread.set(k, []);
    byThread.get(k).push(t);
  }
  const outer = [];
  let nested = 0;
  for (const list of byThread.values()) {
    list.sort((a, b) => a[2] - b[2] || b[3] - a[3]);
    let end = -Infinity;
    for (const t of list) {
      if (t[2] < end) { nested++; end = Math.max(end, t[2] + t[3]); continue; }
      outer.push(t);
      end = t[2] + t[3];
    }
  }
  if (origin === Infinity) origin = outer.reduce((a, t) => Math.min(a, t[2]), Infinity);
  const ms = (us) => Math.round(us / 100) / 10;
  const sorted = [...outer].sort((a, b) => b[3] - a[3]);
  return {
    longestMs: sorted.length ? ms(sorted[0][3]) : 0,
    over50: outer.filter((t) => t[3] > 50_000).length,
    count: outer.length,
    top: sorted.slice(0, 10).map((t) => [ms(t[2] - origin), ms(t[3])]),
    totalMs: ms(outer.reduce((a, t) => a + t[3], 0)),
    nested,
    rendererPids: [...pids],
    originUs: origin, // the trace clock's µs that startMs counts from
    traceMb: Math.round(bytes / 1e5) / 10,
    stopMs: { end: tRead - tEnd, read: tParsed - tRead },
    value,
    ...(all ? { tasks: outer.sort((a, b) => a[2] - b[2]).map((t) => [ms(t[2] - origin), ms(t[3])]) } : {}),
  };
}

// --------------------------------------------------------------- memory --

const browserPids = new WeakMap();

// The pid of this Chromium's browser process, asked of Chromium itself
// (SystemInfo.getProcessInfo), and remembered for browserPssMb.
export async function browserPid(browser) {
  if (browserPids.has(browser)) return browserPids.get(browser);
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    const pid = processInfo.find((p) => p.type === 'browser')?.id;
    if (!pid) throw new Error('SystemInfo.getProcessInfo named no browser process');
    browserPids.set(browser, pid);
    return pid;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

const read = (f) => { try { return fs.readFileSync(f, 'utf8'); } catch { return null; } };
const parentOf = (pid) => {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return null;
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]); // after "pid (comm) S"
};
// Chromium rewrites its children's argv into one space-separated string.
const cmdline = (pid) => (read(`/proc/${pid}/cmdline`) || '').replaceAll('\0', ' ');
const typeOf = (cmd) => /--type=(\S+)/.exec(cmd)?.[1];
const procs = () => fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number);

// Without asking Chromium: the one Chromium browser process (no --type=)
// that this Node process started. Ambiguous with several browsers open.
function guessBrowserPid() {
  const found = procs().filter((pid) => {
    if (parentOf(pid) !== process.pid) return false;
    const cmd = cmdline(pid);
    return /chrom/i.test(cmd.split(' ')[0]) && !typeOf(cmd);
  });
  if (found.length !== 1) {
    throw new Error(`${found.length} Chromium browser processes are children of this process: call \`await browserPid(browser)\` once first`);
  }
  return found[0];
}

// Every live process of this Chromium instance, browser process first:
// [{ pid, type, pssKb, anonKb }]. Processes that vanish while being read are
// left out. anonKb (Pss_Anon + Pss_Shmem; null before Linux 5.14) is the part
// of pssKb that is this instance's own: the file-backed rest (the Chromium
// binary, libraries, fonts) is split with every other process mapping those
// files, other Chromium instances on the machine included, and so shrinks
// and grows as they come and go.
export function browserProcesses(browser) {
  // A Playwright browser (its pid asked or guessed), or launchBare's ({ pid }).
  let root = typeof browser.pid === 'number' ? browser.pid : browserPids.get(browser);
  if (root === undefined) { root = guessBrowserPid(); browserPids.set(browser, root); }
  if (!read(`/proc/${root}/smaps_rollup`)) throw new Error(`the browser process (${root}) is gone`);
  const children = new Map();
  for (const pid of procs()) {
    const ppid = parentOf(pid);
    if (ppid === null) continue;
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  const out = [];
  const todo = [root];
  while (todo.length) {
    const pid = todo.shift();
    const rollup = read(`/proc/${pid}/smaps_rollup`);
    const kb = (field) => { const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup); return m ? Number(m[1]) : null; };
    const pss = rollup ? kb('Pss') : null; // null: gone (or a zombie)
    if (pss !== null) {
      const cmd = cmdline(pid);
      const type = pid === root ? 'browser' : typeOf(cmd) === 'utility' ? /--utility-sub-type=(\S+)/.exec(cmd)?.[1] || 'utility' : typeOf(cmd) || '?';
      const anon = kb('Pss_Anon');
      out.push({ pid, type, pssKb: pss, anonKb: anon === null ? null : anon + (kb('Pss_Shmem') || 0) });
    }
    todo.push(...(children.get(pid) || []));
  }
  return out;
}

// The summed proportional set size of this Chromium's processes, MB.
export function browserPssMb(browser) {
  return browserProcesses(browser).reduce((a, p) => a + p.pssKb, 0) / 1024;
}

// Samples browserPssMb every `everyMs` (and once at once) until stop():
// { peakMb, peakAnonMb, samples: [[msSinceStart, pssMb, anonMb], ...] }.
// A sample blocks Node for the kernel's walk of the processes' page tables:
// about 3 ms plus 3 ms per 100 MB of Chromium's memory (25-30 ms for an idle
// browser plus a 300 MB renderer on the 2-CPU test machine), so sampling
// every 250 ms costs some 10 % of a CPU; it also briefly holds each
// process's memory-map lock. Time tasks in a run without it.
export function startPssSampler(browser, everyMs = 250) {
  const t0 = Date.now();
  const samples = [];
  const mb = (kb) => Math.round(kb / 102.4) / 10;
  const sample = () => {
    const list = browserProcesses(browser);
    samples.push([Date.now() - t0, mb(list.reduce((a, p) => a + p.pssKb, 0)), mb(list.reduce((a, p) => a + (p.anonKb ?? NaN), 0))]);
  };
  sample();
  const timer = setInterval(() => { try { sample(); } catch { /* browser gone */ } }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      try { sample(); } catch { /* browser gone */ }
      return { peakMb: Math.max(...samples.map((s) => s[1])), peakAnonMb: Math.max(...samples.map((s) => s[2])), samples };
    },
  };
}
