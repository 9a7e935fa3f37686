// `yawl store`: one store member, started with etcd's own flags (or ETCD_* environment variables), so that a
// command line that starts an etcd member starts a yawl member when `etcd` is replaced by `yawl store`.
import { Command, Option } from 'commander';
import { pino } from 'pino';
import { ETCD_DEFAULTS, validateStoreConfig, type RawStoreFlags } from '../store/server/config.js';
import { hexId } from '../store/server/ids.js';
import { snapshotCommand } from './snapshot-command.js';

/** Flags etcd has and yawl accepts, by their etcd names, with the camelCase key commander gives them. */
const FLAGS: [flag: string, key: keyof RawStoreFlags, help: string][] = [
  ['name', 'name', 'human-readable name for this member'],
  ['data-dir', 'dataDir', 'path to the data directory (default: ${name}.etcd)'],
  ['listen-client-urls', 'listenClientUrls', 'URLs to listen on for client traffic'],
  ['advertise-client-urls', 'advertiseClientUrls', "this member's client URLs to advertise to the cluster"],
  ['listen-peer-urls', 'listenPeerUrls', 'URLs to listen on for peer traffic'],
  ['initial-advertise-peer-urls', 'initialAdvertisePeerUrls', "this member's peer URLs to advertise to the cluster"],
  ['initial-cluster', 'initialCluster', 'initial cluster configuration for bootstrapping (name=peerURL,...)'],
  ['initial-cluster-state', 'initialClusterState', 'initial cluster state ("new" or "existing")'],
  ['initial-cluster-token', 'initialClusterToken', 'initial cluster token, mixed into member and cluster IDs'],
  ['heartbeat-interval', 'heartbeatInterval', 'time (in milliseconds) of a heartbeat interval'],
  ['election-timeout', 'electionTimeout', 'time (in milliseconds) for an election to timeout'],
  ['snapshot-count', 'snapshotCount', 'number of committed transactions to trigger a snapshot to disk'],
  ['experimental-snapshot-catchup-entries', 'experimentalSnapshotCatchupEntries', 'number of entries kept behind a snapshot for slow followers'],
  ['max-request-bytes', 'maxRequestBytes', 'maximum client request size in bytes the server will accept'],
  ['max-txn-ops', 'maxTxnOps', 'maximum number of operations permitted in a transaction'],
  ['quota-backend-bytes', 'quotaBackendBytes', 'raise alarms when backend size exceeds the given quota (0 defaults to low space quota)'],
  ['log-level', 'logLevel', 'configures log level: debug, info, warn, error, panic, or fatal'],
  ['auto-compaction-mode', 'autoCompactionMode', 'interpret auto-compaction-retention as a duration ("periodic") or a number of revisions ("revision")'],
  ['auto-compaction-retention', 'autoCompactionRetention', 'auto compaction retention (0 disables): 1h / 30m for periodic (a bare number is hours), 1000 for revision'],
];

/** etcd flags that change nothing here, accepted so that existing command lines keep working. */
const IGNORED_FLAGS = ['logger', 'log-outputs', 'enable-v2', 'enable-pprof', 'pre-vote', 'strict-reconfig-check', 'experimental-initial-corrupt-check', 'metrics'];

function envName(flag: string): string {
  return `ETCD_${flag.toUpperCase().replace(/-/g, '_')}`;
}

/** Go's flag package accepts -name as well as --name; so does this command. */
export function normaliseEtcdArgs(argv: string[]): string[] {
  const known = new Set([...FLAGS.map(([f]) => f), ...IGNORED_FLAGS]);
  return argv.map((a) => {
    const m = /^-([a-z][a-z0-9-]*)(=.*)?$/.exec(a);
    return m && known.has(m[1]!) ? `-${a}` : a;
  });
}

export function storeCommand(): Command {
  const cmd = new Command('store').description('run one etcd-compatible store member (takes etcd\'s flags and ETCD_* variables)');
  for (const [flag, key, help] of FLAGS) {
    const opt = new Option(`--${flag} <value>`, help).env(envName(flag));
    const def = ETCD_DEFAULTS[key];
    if (def !== undefined) opt.default(def);
    cmd.addOption(opt);
  }
  for (const flag of IGNORED_FLAGS) cmd.addOption(new Option(`--${flag} [value]`).env(envName(flag)).hideHelp());
  // `yawl store snapshot restore --data-dir D` has flags of the same names as the member's: they belong to the
  // subcommand when they follow it.
  cmd.enablePositionalOptions();
  cmd.addCommand(snapshotCommand());
  cmd.action(async (opts: RawStoreFlags & Record<string, unknown>) => {
    const cfg = validateStoreConfig(opts);
    const logger = pino({ level: cfg.logLevel === 'panic' ? 'fatal' : cfg.logLevel, base: { member: cfg.name } });
    for (const flag of IGNORED_FLAGS) {
      const key = flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      if (opts[key] !== undefined) logger.warn({ flag }, 'flag accepted for etcd compatibility and ignored');
    }
    // Failpoints (store/failpoints): armed before the member opens its data, so that none of it runs unarmed.
    if (process.env.YAWL_FAILPOINTS || process.env.YAWL_FAILPOINTS_HTTP) {
      const { startFailpointsFromEnv } = await import('../store/failpoints/env.js');
      const fp = await startFailpointsFromEnv(process.env, (name, term) => logger.warn({ failpoint: name, term }, 'failpoint set through the control endpoint'));
      if (fp.armed.length > 0) logger.warn({ failpoints: fp.armed }, 'failpoints armed from YAWL_FAILPOINTS');
      if (fp.http) logger.warn({ url: fp.http.url }, 'failpoint control endpoint listening (YAWL_FAILPOINTS_HTTP)');
    }
    // Loaded here so that other subcommands never load the store.
    const { Member } = await import('../store/server/member.js');
    const { ClientServer } = await import('../store/grpc/client-server.js');
    const { publishAttributes } = await import('../store/server/publish.js');
    const member = await Member.start(cfg, logger);
    const server = new ClientServer(member, logger);
    await server.listen(cfg.listenClientUrls);
    logger.info({ id: hexId(member.id), cluster: hexId(member.clusterId), clientUrls: cfg.advertiseClientUrls }, 'ready to serve client requests');
    const stopPublishing = publishAttributes(member, cfg, logger);
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping');
      stopPublishing();
      await server.stop();
      await member.stop();
      logger.info('stopped');
      process.exit(0);
    };
    member.onRemoved = () => void shutdown('removed from the cluster');
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
  });
  return cmd;
}
