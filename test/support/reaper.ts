export * from '../../chaos/cluster/reaper.js';
