// `yawl apiserver`: the Kubernetes-style REST API over any etcd v3 store. Flags carry kube-apiserver's names.
import { Command } from 'commander';

export interface ApiServerFlags {
  etcdServers: string;
  bindAddress: string;
  port: string;
  serviceClusterIpRange: string;
  serviceNodePortRange: string;
  logLevel: string;
}

export function apiserverCommand(): Command {
  return new Command('apiserver')
    .description('serve Kubernetes-style objects over REST (kubectl works), kept in any etcd v3 store')
    .option('--etcd-servers <urls>', 'comma-separated etcd v3 endpoints (yawl store or etcd)', 'http://127.0.0.1:2379')
    .option('--bind-address <ip>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (plain HTTP)', '6443')
    .option('--service-cluster-ip-range <cidr>', 'the range Service ClusterIPs come from', '10.96.0.0/12')
    .option('--service-node-port-range <range>', 'the range NodePorts come from', '30000-32767')
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .action(async (flags: ApiServerFlags) => {
      const { runApiServer } = await import('../apiserver/main.js');
      process.exitCode = await runApiServer(flags);
    });
}
