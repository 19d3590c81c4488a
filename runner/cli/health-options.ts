/**
 * `coin run`'s health options: how often the instance runs its health checks on itself and which
 * extra web servers they ask (docs/maintenance.md, "Monitoring with history").
 */
import type { Command } from 'commander';
import { defaultHealthIntervalMinutes, type HealthOptions } from '../node/instance/health-monitor';
import type { CliIo } from './cli-io';

export interface HealthCliOptions {
  healthInterval: string;
  healthWebServer: string[];
}

/** Adds --health-interval and --health-web-server to a command. */
export function addHealthOptions(command: Command): Command {
  return command
    .option(
      '--health-interval <minutes>',
      'minutes between the health checks the instance runs and stores (0: off)',
      String(defaultHealthIntervalMinutes),
    )
    .option(
      '--health-web-server <url>',
      'an extra web server the health checks ask (HTTP GET; repeat for several)',
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    );
}

/** The instance's health options; a usage error for a bad interval or URL. */
export function healthInstanceOptions(opts: HealthCliOptions, io: CliIo): HealthOptions {
  const minutes = Number(opts.healthInterval);
  if (!Number.isFinite(minutes) || minutes < 0 || minutes > 24 * 60)
    throw io.usageError(`--health-interval must be minutes from 0 to 1440, got '${opts.healthInterval}'`);
  for (const url of opts.healthWebServer) {
    let protocol = '';
    try {
      protocol = new URL(url).protocol;
    } catch {
      // reported below
    }
    if (protocol !== 'http:' && protocol !== 'https:')
      throw io.usageError(`--health-web-server takes an http:// or https:// URL, got '${url}'`);
  }
  return { intervalMinutes: minutes, webServers: opts.healthWebServer };
}
