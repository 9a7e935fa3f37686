// The port helpers live with the cluster launcher (chaos/cluster), which `yawl chaos` uses too.
export * from '../../chaos/cluster/ports.js';
