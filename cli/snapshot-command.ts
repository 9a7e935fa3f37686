// `yawl store snapshot status|restore`: etcdctl's `snapshot status` and `snapshot restore`, with its flags and
// output, for the backup files `etcdctl snapshot save` writes from a yawl member. (Saving is etcdctl's job, or
// any client's: the file is exactly what the Maintenance.Snapshot RPC streams.)
import { Command, Option } from 'commander';

/** etcdctl's exit codes: ExitError for failures, ExitBadFeature for an output format it cannot print. */
const EXIT_ERROR = 1;
const EXIT_BAD_FEATURE = 4;

export function snapshotCommand(): Command {
  const cmd = new Command('snapshot').description('inspect and restore store backups (files written by `etcdctl snapshot save`)');

  cmd
    .command('status')
    .description('print the hash, revision, total keys and size of a backup file, after checking its SHA-256')
    .argument('<filename>', 'the backup file')
    .addOption(new Option('-w, --write-out <format>', 'set the output format (fields, json, simple, table)').default('simple'))
    .action(async (file: string, opts: { writeOut: string }) => {
      // Loaded here so that other subcommands never load the store.
      const { formatStatus, isStatusFormat, snapshotFileStatus } = await import('../store/snapshot/index.js');
      if (!isStatusFormat(opts.writeOut)) {
        fail(opts.writeOut === 'protobuf' ? 'protobuf not supported as output format' : 'unsupported output format', EXIT_BAD_FEATURE);
        return;
      }
      try {
        process.stdout.write(formatStatus(await snapshotFileStatus(file), opts.writeOut));
      } catch (e) {
        fail(message(e), EXIT_ERROR);
      }
    });

  cmd
    .command('restore')
    .description('build the data directory of a member of a new cluster from a backup file')
    .argument('<filename>', 'the backup file')
    .option('--data-dir <dir>', 'path to the data directory (default: ${name}.etcd)')
    .option('--name <name>', 'human-readable name for this member', 'default')
    .option('--initial-cluster <config>', 'initial cluster configuration for restore bootstrap', 'default=http://localhost:2380')
    .option('--initial-cluster-token <token>', 'initial cluster token for the cluster during restore bootstrap', 'etcd-cluster')
    .option('--initial-advertise-peer-urls <urls>', "list of this member's peer URLs to advertise to the rest of the cluster", 'http://localhost:2380')
    .option('--skip-hash-check', 'ignore the snapshot integrity hash value', false)
    .action(async (file: string, opts: RestoreFlags) => {
      const { restoreSnapshot } = await import('../store/snapshot/index.js');
      const { hexId } = await import('../store/server/ids.js');
      try {
        const restored = await restoreSnapshot({
          snapshotPath: file,
          name: opts.name,
          dataDir: opts.dataDir,
          initialCluster: opts.initialCluster,
          initialClusterToken: opts.initialClusterToken,
          initialAdvertisePeerUrls: opts.initialAdvertisePeerUrls,
          skipHashCheck: opts.skipHashCheck,
        });
        const members = restored.members.map((m) => `${m.name}=${hexId(m.id)}`).join(',');
        // On stderr, where etcdctl logs its restore: stdout stays empty, as etcdctl's does.
        console.error(
          `restored snapshot ${file} into ${restored.dataDir}: member ${hexId(restored.memberId)} of new cluster ${hexId(restored.clusterId)} (${members}), revision ${restored.revision}, ${restored.records} keys`,
        );
      } catch (e) {
        fail(message(e), EXIT_ERROR);
      }
    });

  return cmd;
}

interface RestoreFlags {
  dataDir?: string;
  name: string;
  initialCluster: string;
  initialClusterToken: string;
  initialAdvertisePeerUrls: string;
  skipHashCheck: boolean;
}

function fail(text: string, code: number): void {
  console.error(`Error: ${text}`);
  process.exitCode = code;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
