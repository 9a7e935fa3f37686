// The lease package: etcd 3.4's lessor (replicated lease table + leader-side expiry), its errors, limits and
// the id generator for grants that leave the id to the server.
export * from './errors.js';
export * from './limits.js';
export { LeaseIdGenerator } from './lease-id-generator.js';
export { Lessor } from './lessor.js';
export type { GrantedLease, LeaseClock, LeaseRecord, LessorOptions } from './lessor.js';
