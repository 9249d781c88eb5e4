import type { Command } from 'commander';
import type { TenantConfig } from '../../shared/config/tenant';
import { suppressAndAnnounce } from '../../shared/mail/suppress';
import { InvalidAddressError } from '../../shared/mail/unsubscribe';
import type { EventBusPort } from '../../shared/ports';
import { type SuppressionEntry, SuppressionRepository } from '../../shared/store/suppression';
import { type Terminal, UsageError, wiredAction } from './common';
import { pad } from './table';
import { withTargetOptions } from './tenant-target';
import { rootForCli } from './wiring/root';

export const SUPPRESSION_ACTIONS = ['list', 'add', 'remove'] as const;
export type SuppressionAction = (typeof SUPPRESSION_ACTIONS)[number];

export interface SuppressionOptions {
  tenant: string;
  json?: boolean;
  /** Default: the table of the tenant found (tenant-target.ts). */
  table?: string;
  /** Default: the event bus of the tenant found. */
  bus?: string;
  local?: boolean;
  aws?: boolean;
  refresh?: boolean;
}

export interface SuppressionWiring {
  tenant: TenantConfig;
  repository: SuppressionRepository;
  bus: EventBusPort;
}

export { type Terminal, UsageError };

/** The suppression wiring over the CLI's root (wiring/root.ts) for the tenant found. */
export const suppressionWiring = async (
  opts: SuppressionOptions,
): Promise<SuppressionWiring & { destroy(): void }> => {
  const { tenant, root } = await rootForCli(opts);
  return {
    tenant,
    repository: new SuppressionRepository(root.doc(), root.tableName, () => new Date()),
    bus: root.bus(),
    destroy: root.destroy,
  };
};

const line = (e: SuppressionEntry): string =>
  `${pad(e.address, 40)} ${pad(e.reason, 12)} ${e.at}${e.source ? `  ${e.source}` : ''}`;

/** Runs one action; returns the exit code. */
export const runSuppression = async (
  action: string,
  address: string | undefined,
  opts: SuppressionOptions,
  wiring: SuppressionWiring,
  term: Terminal,
): Promise<number> => {
  if (!(SUPPRESSION_ACTIONS as readonly string[]).includes(action)) {
    term.err(`unknown action ${JSON.stringify(action)}: use list, add or remove\n`);
    return 2;
  }
  if (action !== 'list' && !address) {
    term.err(`suppression ${action} needs an address\n`);
    return 2;
  }
  if (action === 'list' && address) {
    term.err('suppression list takes no address\n');
    return 2;
  }
  const print = (json: unknown, text: string) =>
    term.out(opts.json ? `${JSON.stringify(json, null, 2)}\n` : text);
  try {
    if (action === 'list') {
      const entries = await wiring.repository.list();
      print(
        { tenant: wiring.tenant.id, count: entries.length, entries },
        entries.length
          ? `${entries.map(line).join('\n')}\n${entries.length} suppressed\n`
          : `no suppressed addresses for tenant ${wiring.tenant.id}\n`,
      );
      return 0;
    }
    const target = address as string;
    if (action === 'add') {
      const r = await suppressAndAnnounce(
        { tenantId: wiring.tenant.id, suppression: wiring.repository, bus: wiring.bus },
        target,
        'manual',
        { source: 'cli' },
      );
      print(
        r,
        r.added
          ? `suppressed ${r.address}\n`
          : `${r.address} was already suppressed (${r.reason}); nothing changed\n`,
      );
      return 0;
    }
    const r = await wiring.repository.remove(target);
    print(
      { removed: r.removed, ...(r.entry ? { entry: r.entry } : {}) },
      r.removed
        ? `removed ${r.entry?.address} (was ${r.entry?.reason} since ${r.entry?.at}); it may be mailed again\n`
        : `${target.trim().toLowerCase()} was not suppressed; nothing changed\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof InvalidAddressError) {
      term.err(`${JSON.stringify(address ?? '')}: ${err.message}\n`);
      return 2;
    }
    term.err(`suppression ${action} failed: ${(err as Error).message}\n`);
    return 1;
  }
};

export const registerSuppression = (program: Command): void => {
  const cmd = program
    .command('suppression')
    .description("list, add or remove addresses on a tenant's suppression list (never mailed)")
    .argument('<action>', 'list, add or remove')
    .argument('[address]', 'the email address (add, remove)')
    .requiredOption('--tenant <id>', 'tenant id (tenants/<id>.json)')
    .option('--table <name>', "the tenant's DynamoDB table (default: the table of the tenant found)")
    .option('--bus <name>', "the tenant's event bus for contact.suppressed (default: the tenant found's)")
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  npm run quotaflow -- suppression add buyer@example.com --tenant acme',
    );
  withTargetOptions(cmd).action((action: string, address: string | undefined, opts: SuppressionOptions) =>
    wiredAction(suppressionWiring, (o, w, term) => runSuppression(action, address, o, w, term))(opts),
  );
};
