// The runner's measurements, each against a baseline taken in the same call:
//   items: N work items running `true` through the whole runner vs spawning `true` N times (from
//          a fresh Node process: spawnTime in bench-instance.mjs)
//   reuse: a second integration of an unchanged module vs the first
//   log:   a command printing MB megabytes of lines through the runner (to the log store and a
//          following WebSocket viewer) vs the same command into a file
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { commit, integrate, moduleConfig, spawnTime, startInstance, step } from './bench-instance.mjs';

const seconds = (from, to) => (Date.parse(to) - Date.parse(from)) / 1000;

/** The instance's own time for a task: accepted to finished (no CLI start-up in it). */
const taskSeconds = (task) => seconds(task.created, task.finished);

function platformConfigs(root, count) {
  const configs = Array.from({ length: count }, (_, i) => `c${String(i).padStart(4, '0')}`);
  const dir = path.join(root, `platform-configs-${count}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'bench.yaml'),
    `Version: 2\nConfigurations:\n${configs
      .map(
        (id) =>
          `- Id: '${id}'\n  Template: 'qtci-linux-Debian-12-x86_64-0'\n  Compiler: 'GCC'\n  Features: []\n`,
      )
      .join('')}`,
  );
  return { dir, configs };
}

/** `count` trivial work items (a build and a test on count/2 configurations). */
export async function items(root, count, attempt = 0) {
  const { dir, configs } = platformConfigs(root, count / 2);
  const repo = path.join(root, `bench/trivial-${count}-${attempt}`);
  commit(repo, { 'coin/module_config.yaml': moduleConfig(step('true'), step('true')) });
  const work = path.join(root, `work-items-${count}-${attempt}`);
  const instance = await startInstance(work, ['--platform-configs', dir]);
  try {
    const run = await integrate(
      repo,
      work,
      configs.flatMap((c) => ['--config', c]),
    );
    if (run.task.state !== 'Passed') throw new Error(`the ${count}-item task ended ${run.task.state}`);
    const baseline = spawnTime(['true'], count);
    const runner = taskSeconds(run.task);
    return {
      count: run.task.workItems.length,
      runner,
      cli: run.seconds,
      baseline,
      ratio: runner / baseline,
      rssMb: instance.peakRssMb(),
    };
  } finally {
    await instance.stop();
  }
}

/** A module whose build compiles a 4,000-function C file at -O2, integrated twice. */
export async function reuse(root) {
  const lines = Array.from(
    { length: 4000 },
    (_, i) => `int f${i}(int x) { return x * ${i} + ${i % 7}; }`,
  ).join('\n');
  const repo = path.join(root, 'bench/compiled');
  commit(repo, {
    'big.c': `${lines}\nint main(void) { return f1(0); }\n`,
    'coin/module_config.yaml': moduleConfig(
      `    - type: MakeDirectory\n      directory: "{{.BuildDir}}"\n${step('cc -O2 -o {{.BuildDir}}/big {{.SourceDir}}/big.c')}`,
      step('true'),
    ),
  });
  const work = path.join(root, 'work-reuse');
  const instance = await startInstance(work);
  try {
    const first = await integrate(repo, work);
    const second = await integrate(repo, work);
    const reused = second.task.workItems.filter((w) => w.reused).map((w) => w.kind);
    if (!reused.includes('build')) throw new Error('the second integration rebuilt the unchanged module');
    const [a, b] = [taskSeconds(first.task), taskSeconds(second.task)];
    return { first: a, second: b, firstCli: first.seconds, secondCli: second.seconds, reused, ratio: b / a };
  } finally {
    await instance.stop();
  }
}

/**
 * A WebSocket client following every log line of the instance as the dashboard does (binary
 * frames, `binary=1`); counts the lines it receives.
 */
function follow(port) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/coin/websocket?logs=all&binary=1`);
  const viewer = { lines: 0, dropped: false, skipped: false, close: () => socket.terminate() };
  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      // 0x4f, the id's length (uint16), the id, then complete lines
      for (let at = data.indexOf(10, 3 + data.readUInt16BE(1)); at !== -1; at = data.indexOf(10, at + 1))
        viewer.lines++;
      return;
    }
    const message = JSON.parse(String(data));
    // output left out while the viewer fell behind (it would read that part by range)
    if (message.kind === 'log' && message.skipped) viewer.skipped = true;
    else if (message.kind === 'log') viewer.lines += message.lines?.length ?? 0;
  });
  socket.on('close', () => (viewer.dropped = true));
  viewer.opened = new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return viewer;
}

/** `mb` megabytes of 71-byte lines through a build work item, with a viewer following. */
export async function log(root, mb, attempt = 0) {
  const bytes = mb * 1_000_000;
  const produce = `yes 0123456789012345678901234567890123456789012345678901234567890123456789 | head -c ${bytes}`;
  const repo = path.join(root, `bench/chatty-${mb}-${attempt}`);
  commit(repo, { 'coin/module_config.yaml': moduleConfig(step(`sh -c '${produce}'`), step('true')) });
  const work = path.join(root, `work-log-${mb}-${attempt}`);
  const instance = await startInstance(work);
  const viewer = follow(instance.port);
  try {
    await viewer.opened;
    const run = await integrate(repo, work);
    // The viewer may still be reading what was pushed; give it a moment, then count.
    const deadline = Date.now() + 10_000;
    while (
      viewer.lines < Math.floor(bytes / 71) &&
      !viewer.dropped &&
      !viewer.skipped &&
      Date.now() < deadline
    )
      await new Promise((resolve) => setTimeout(resolve, 50));
    const direct = spawnTime(['sh', '-c', `${produce} > ${path.join(root, `direct-${mb}-${attempt}.log`)}`]);
    const build = run.task.workItems.find((w) => w.kind === 'build');
    const runner = seconds(build.started, build.finished);
    return {
      mb,
      runner,
      baseline: direct,
      ratio: runner / direct,
      viewerLines: viewer.lines,
      viewerDropped: viewer.dropped,
      viewerSkipped: viewer.skipped,
      expectedLines: Math.floor(bytes / 71),
      rssMb: instance.peakRssMb(),
    };
  } finally {
    viewer.close();
    await instance.stop();
  }
}
