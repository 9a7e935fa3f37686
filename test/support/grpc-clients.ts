export * from '../../chaos/cluster/clients.js';
