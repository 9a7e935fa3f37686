import { beforeEach, describe, expect, it } from 'vitest';
import { FAILPOINT_NAMES, FAILPOINTS } from './names.js';
import {
  applyFailpointSpec,
  disableFailpoint,
  enableFailpoint,
  failpoint,
  failpointHits,
  failpointsActive,
  failpointTerm,
  listFailpoints,
  resetFailpoints,
} from './registry.js';
import { FailpointTermError } from './terms.js';

beforeEach(() => resetFailpoints());

describe('the failpoint registry', () => {
  it('starts with nothing armed and the site check false', () => {
    expect(failpointsActive).toBe(false);
    expect(listFailpoints().every((f) => f.term === 'off')).toBe(true);
    expect(failpoint('raftBeforeSave')).toBeUndefined();
    expect(failpointHits('raftBeforeSave')).toBe(0);
  });

  it('lists every known failpoint, sorted', () => {
    expect(listFailpoints().map((f) => f.name)).toEqual([...Object.keys(FAILPOINTS)].sort());
    expect(FAILPOINT_NAMES).toContain('raftBeforeSave');
    expect(FAILPOINT_NAMES).toContain('raftBeforeApplySnap');
  });

  it('turns the site check on while anything is armed (a live binding)', () => {
    enableFailpoint('applyAfterCommit', 'sleep(1)');
    expect(failpointsActive).toBe(true);
    enableFailpoint('raftAfterSave', 'sleep(1)');
    disableFailpoint('applyAfterCommit');
    expect(failpointsActive).toBe(true);
    disableFailpoint('raftAfterSave');
    expect(failpointsActive).toBe(false);
  });

  it('"off" disarms, as DELETE does', () => {
    enableFailpoint('raftBeforeSave', 'panic');
    expect(failpointTerm('raftBeforeSave')).toBe('panic');
    enableFailpoint('raftBeforeSave', 'off');
    expect(failpointTerm('raftBeforeSave')).toBe('off');
    expect(failpointsActive).toBe(false);
    expect(disableFailpoint('raftBeforeSave')).toBe(false);
  });

  it('sleep returns a promise that waits; an unarmed failpoint returns nothing', async () => {
    enableFailpoint('raftBeforeSave', 'sleep(40)');
    const started = performance.now();
    const p = failpoint('raftBeforeSave');
    expect(p).toBeInstanceOf(Promise);
    await p;
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    expect(failpoint('raftAfterSave')).toBeUndefined();
    expect(failpointHits('raftBeforeSave')).toBe(1);
    expect(failpointHits('raftAfterSave')).toBe(0);
  });

  it('N*term runs N times, then the failpoint is off', async () => {
    enableFailpoint('applyBeforeCommit', '2*sleep(0)');
    expect(failpoint('applyBeforeCommit')).toBeInstanceOf(Promise);
    expect(failpointTerm('applyBeforeCommit')).toBe('2*sleep(0)');
    expect(failpoint('applyBeforeCommit')).toBeInstanceOf(Promise);
    expect(failpointTerm('applyBeforeCommit')).toBe('off');
    expect(failpointsActive).toBe(false);
    expect(failpoint('applyBeforeCommit')).toBeUndefined();
    expect(failpointHits('applyBeforeCommit')).toBe(2);
  });

  it('a chain runs its terms in turn: 2*off->sleep skips two hits', () => {
    enableFailpoint('raftAfterSave', '2*off->1*sleep(0)->print(done)');
    expect(failpoint('raftAfterSave')).toBeUndefined();
    expect(failpoint('raftAfterSave')).toBeUndefined();
    expect(failpoint('raftAfterSave')).toBeInstanceOf(Promise);
    expect(failpointHits('raftAfterSave')).toBe(3);
    // The last term has no count: it stays armed.
    expect(failpointTerm('raftAfterSave')).toBe('2*off->1*sleep(0)->print(done)');
  });

  it('P%term lets about P% of hits through', () => {
    enableFailpoint('raftBeforeLeaderSend', '30%sleep(0)');
    let fired = 0;
    for (let i = 0; i < 4000; i++) if (failpoint('raftBeforeLeaderSend') !== undefined) fired++;
    expect(fired).toBeGreaterThan(4000 * 0.3 - 200);
    expect(fired).toBeLessThan(4000 * 0.3 + 200);
    expect(failpointHits('raftBeforeLeaderSend')).toBe(fired);
  });

  it('a probability with a count counts only the hits it lets through', () => {
    enableFailpoint('raftBeforeLeaderSend', '50%3*sleep(0)');
    let fired = 0;
    for (let i = 0; i < 1000; i++) if (failpoint('raftBeforeLeaderSend') !== undefined) fired++;
    expect(fired).toBe(3);
    expect(failpointTerm('raftBeforeLeaderSend')).toBe('off');
  });

  it('re-arming restarts the counts', () => {
    enableFailpoint('raftAfterSave', '1*sleep(0)');
    void failpoint('raftAfterSave');
    expect(failpointTerm('raftAfterSave')).toBe('off');
    enableFailpoint('raftAfterSave', '1*sleep(0)');
    expect(failpoint('raftAfterSave')).toBeInstanceOf(Promise);
  });

  it('refuses unknown names and bad terms, changing nothing', () => {
    enableFailpoint('raftBeforeSave', 'sleep(5)');
    expect(() => enableFailpoint('raftBeforeSav', 'panic')).toThrow(FailpointTermError);
    expect(() => enableFailpoint('raftBeforeSav', 'panic')).toThrow(/unknown failpoint "raftBeforeSav" \(known: .*raftBeforeSave/);
    expect(() => enableFailpoint('raftBeforeSave', 'sleep(forever)')).toThrow(/bad term/);
    expect(() => disableFailpoint('nope')).toThrow(/unknown failpoint "nope"/);
    expect(() => failpointTerm('nope')).toThrow(/unknown failpoint/);
    expect(failpointTerm('raftBeforeSave')).toBe('sleep(5)');
  });

  it('applies a YAWL_FAILPOINTS setting all or nothing', () => {
    expect(applyFailpointSpec('raftBeforeSave=sleep(50);applyAfterCommit=2*panic')).toEqual(['raftBeforeSave', 'applyAfterCommit']);
    expect(failpointTerm('raftBeforeSave')).toBe('sleep(50)');
    expect(failpointTerm('applyAfterCommit')).toBe('2*panic');
    resetFailpoints();
    expect(() => applyFailpointSpec('raftBeforeSave=panic;noSuchPoint=panic')).toThrow(/unknown failpoint "noSuchPoint"/);
    expect(() => applyFailpointSpec('raftBeforeSave=panic;applyAfterCommit=boom')).toThrow(/unknown action "boom"/);
    expect(failpointTerm('raftBeforeSave')).toBe('off');
    expect(failpointsActive).toBe(false);
    // off in a setting disarms.
    enableFailpoint('raftAfterSave', 'panic');
    applyFailpointSpec('raftAfterSave=off');
    expect(failpointsActive).toBe(false);
  });
});
