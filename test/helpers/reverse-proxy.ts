/**
 * Real reverse proxies for tests: Debian's nginx and Apache, each started in the foreground on a
 * loopback port with the configuration docs/reverse-proxy.md gives to administrators. The
 * configuration is read from that page, not written again here, so the test proves the page:
 * only what a test machine must differ in is replaced (the public TLS port by a loopback port, the
 * instance's port 8080 by the test instance's), and a replacement that no longer finds its text
 * fails, so a changed page cannot silently go untested.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freeLoopbackPort } from './free-port';

const docsPage = path.resolve(import.meta.dirname, '..', '..', 'docs', 'reverse-proxy.md');

/** The binaries Debian's packages install (`nginx`, `apache2`). */
export const proxyBinaries = { nginx: '/usr/sbin/nginx', apache: '/usr/sbin/apache2' } as const;
export type ProxyKind = keyof typeof proxyBinaries;

/** A running proxy. */
export interface ReverseProxy {
  readonly kind: ProxyKind;
  /** The loopback port it listens on. */
  readonly port: number;
  /** The configuration file it runs with (for a failure message). */
  readonly configFile: string;
  /** Everything it wrote to its error log and stderr so far. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** The first fenced block of `language` in docs/reverse-proxy.md. */
export async function documentedBlock(language: ProxyKind): Promise<string> {
  const page = await readFile(docsPage, 'utf8');
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(page);
  if (!match) throw new Error(`docs/reverse-proxy.md has no \`\`\`${language} block any more`);
  return match[1]!;
}

/** `text` with `from` replaced by `to`, failing when `from` is not in it. */
function replaceAllStrict(text: string, from: string | RegExp, to: string): string {
  const found = typeof from === 'string' ? text.includes(from) : from.test(text);
  if (!found) throw new Error(`the documented configuration no longer contains ${String(from)}`);
  return typeof from === 'string' ? text.split(from).join(to) : text.replace(from, to);
}

function nginxConfig(documented: string, dir: string, port: number, coinPort: number): string {
  let site = replaceAllStrict(documented, /listen 443 ssl;/, `listen 127.0.0.1:${port};`);
  site = replaceAllStrict(site, '127.0.0.1:8080', `127.0.0.1:${coinPort}`);
  const temp = (name: string) => path.join(dir, name);
  return [
    'daemon off;',
    'worker_processes 1;',
    `pid ${temp('nginx.pid')};`,
    `error_log ${temp('error.log')} info;`,
    'events { worker_connections 256; }',
    'http {',
    `  access_log ${temp('access.log')};`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
      (kind) => `  ${kind}_temp_path ${temp(`${kind}-temp`)};`,
    ),
    site,
    '}',
    '',
  ].join('\n');
}

const apacheModules = ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_wstunnel'];

function apacheConfig(documented: string, dir: string, port: number, coinPort: number): string {
  let site = replaceAllStrict(documented, '<VirtualHost *:443>', `<VirtualHost 127.0.0.1:${port}>`);
  site = replaceAllStrict(site, /localhost:8080\//g, `localhost:${coinPort}/`);
  return [
    `ServerRoot ${dir}`,
    `PidFile ${path.join(dir, 'apache.pid')}`,
    `ErrorLog ${path.join(dir, 'error.log')}`,
    'LogLevel warn',
    `Listen 127.0.0.1:${port}`,
    'ServerName 127.0.0.1',
    ...apacheModules.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`),
    // Started as root (CI), Apache hands requests to workers of an unprivileged user.
    'User nobody',
    'Group nogroup',
    `Mutex file:${dir} default`,
    site,
    '',
  ].join('\n');
}

function command(kind: ProxyKind, configFile: string, dir: string): string[] {
  return kind === 'nginx'
    ? [proxyBinaries.nginx, '-p', dir, '-c', configFile]
    : [proxyBinaries.apache, '-f', configFile, '-DFOREGROUND'];
}

async function waitUntilAnswering(port: number, child: ChildProcess, log: () => Promise<string>) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the proxy exited with ${child.exitCode}:\n${await log()}`);
    const answered = await fetch(`http://127.0.0.1:${port}/`).then(
      (r) => (r.body?.cancel(), true),
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the proxy did not answer on port ${port} within 15 s:\n${await log()}`);
}

/** Start `kind` in `dir` (created) with the documented configuration in front of `coinPort`. */
export async function startReverseProxy(
  kind: ProxyKind,
  dir: string,
  coinPort: number,
): Promise<ReverseProxy> {
  await mkdir(dir, { recursive: true });
  // Workers run as nobody and must reach their temporary files inside the test's directory.
  for (let d = dir; d !== path.dirname(d) && d.includes('coin-admin-test-'); d = path.dirname(d))
    await chmod(d, 0o755);
  const port = await freeLoopbackPort();
  const documented = await documentedBlock(kind);
  const build = kind === 'nginx' ? nginxConfig : apacheConfig;
  const configFile = path.join(dir, `${kind}.conf`);
  await writeFile(configFile, build(documented, dir, port, coinPort));
  const [binary, ...args] = command(kind, configFile, dir);
  let stderr = '';
  const child = spawn(binary!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const errorLog = path.join(dir, 'error.log');
  const log = async () =>
    stderr + (existsSync(errorLog) ? await readFile(errorLog, 'utf8').catch(() => '') : '');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitUntilAnswering(port, child, log);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  return {
    kind,
    port,
    configFile,
    log,
    stop: async () => {
      // Both stop their workers and then exit on SIGTERM (nginx: fast shutdown).
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
