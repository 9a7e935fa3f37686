// Scripted interaction tests in the style of etcd-io/raft's testdata: each block is a command, a `----` line
// and the expected output (Readies handled, messages delivered, state shown). A failing block prints the
// difference; REWRITE=1 regenerates the expected output for review in a diff.
import { decodeConfChange } from './confchange.js';
import type { ConfChangeType, Entry, Message, NodeId, Ready } from './types.js';
import { TestNetwork, TestNode } from './test-network.js';

export interface Block {
  command: string;
  expected: string;
}

export function parseScript(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) {
      i++;
      continue;
    }
    const command = line.trim();
    i++;
    if (lines[i] !== '----') throw new Error(`line ${i + 1}: expected ---- after "${command}"`);
    i++;
    const out: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '') out.push(lines[i++]!);
    blocks.push({ command, expected: out.join('\n') });
  }
  return blocks;
}

export function formatScript(blocks: Block[]): string {
  return blocks.map((b) => `${b.command}\n----\n${b.expected}\n`).join('\n');
}

const text = (d: Uint8Array) => new TextDecoder().decode(d);

function fmtEntry(e: Entry): string {
  if (e.type === 'confChange') {
    const cc = decodeConfChange(e.data);
    return `${e.term}/${e.index} ConfChange ${cc.type} ${cc.nodeId}`;
  }
  return `${e.term}/${e.index} ${e.data.byteLength === 0 ? 'Empty' : JSON.stringify(text(e.data))}`;
}

export function fmtMessage(m: Message): string {
  const head = `${m.from}->${m.to} ${m.type} Term:${m.term}`;
  switch (m.type) {
    case 'app':
      return `${head} Log:${m.logTerm}/${m.index} Commit:${m.commit}${m.entries.length ? ` Entries:[${m.entries.map(fmtEntry).join(', ')}]` : ''}`;
    case 'appResp':
      return `${head} Index:${m.index}${m.reject ? ` Rejected (Hint: ${m.rejectHint}/${m.logTerm})` : ''}`;
    case 'vote':
    case 'preVote':
      return `${head} Log:${m.logTerm}/${m.index}${m.force ? ' Force' : ''}`;
    case 'voteResp':
    case 'preVoteResp':
      return `${head}${m.reject ? ' Rejected' : ''}`;
    case 'heartbeat':
      return `${head} Commit:${m.commit}${m.context.byteLength ? ` Ctx:${text(m.context)}` : ''}`;
    case 'heartbeatResp':
      return `${head}${m.context.byteLength ? ` Ctx:${text(m.context)}` : ''}`;
    case 'snap':
      return `${head} Snapshot: Index:${m.snapshot.metadata.index} Term:${m.snapshot.metadata.term} Voters:[${m.snapshot.metadata.confState.voters}] Learners:[${m.snapshot.metadata.confState.learners}]`;
    case 'prop':
      return `${head} Entries:[${m.entries.map(fmtEntry).join(', ')}]`;
    case 'readIndex':
      return `${head} Ctx:${text(m.context)}`;
    case 'readIndexResp':
      return `${head} Index:${m.index} Ctx:${text(m.context)}`;
    case 'transferLeader':
      return `${head} Transferee:${m.transferee}`;
    case 'timeoutNow':
      return head;
  }
}

function fmtReady(id: NodeId, rd: Ready): string[] {
  const out = [`> ${id} handling Ready`];
  if (rd.softState) out.push(`  Lead:${rd.softState.lead} State:${rd.softState.state}`);
  if (rd.hardState) out.push(`  HardState Term:${rd.hardState.term} Vote:${rd.hardState.vote} Commit:${rd.hardState.commit}`);
  if (rd.entries.length) out.push(`  Entries:`, ...rd.entries.map((e) => `  ${fmtEntry(e)}`));
  if (rd.snapshot) out.push(`  Snapshot Index:${rd.snapshot.metadata.index} Term:${rd.snapshot.metadata.term}`);
  if (rd.committedEntries.length) out.push(`  CommittedEntries:`, ...rd.committedEntries.map((e) => `  ${fmtEntry(e)}`));
  if (rd.messages.length) out.push(`  Messages:`, ...rd.messages.map((m) => `  ${fmtMessage(m)}`));
  if (rd.readStates.length) out.push(`  ReadStates:`, ...rd.readStates.map((r) => `  Index:${r.index} Ctx:${text(r.requestCtx)}`));
  return out;
}

/** Runs commands against a TestNetwork and returns each command's output. */
export class InteractionEnv {
  net = new TestNetwork([]);

  private ids(): NodeId[] {
    return [...this.net.nodes.keys()].sort((a, b) => a - b);
  }

  private processReady(id: NodeId, out: string[]): boolean {
    const n = this.net.get(id);
    if (!n.node.hasReady()) return false;
    this.net.flushReadiesOf(id, (rd) => out.push(...fmtReady(id, rd)));
    return true;
  }

  private deliverTo(id: NodeId, out: string[]): number {
    const msgs = this.net.mailbox.filter((m) => m.to === id);
    if (msgs.length === 0) return 0;
    out.push(`> ${id} receiving messages`);
    for (const m of msgs) out.push(`  ${fmtMessage(m)}`);
    return this.net.deliver((m) => m.to === id);
  }

  run(command: string): string {
    const [cmd, ...args] = command.split(/\s+/);
    const num = (i: number) => {
      const v = Number(args[i]);
      if (!Number.isInteger(v)) throw new Error(`${cmd}: argument ${i + 1} must be a number`);
      return v;
    };
    const out: string[] = [];
    switch (cmd) {
      case 'add-nodes': {
        // add-nodes N [pre-vote] [check-quorum]
        const n = num(0);
        const opts = { preVote: args.includes('pre-vote'), checkQuorum: args.includes('check-quorum') };
        this.net = new TestNetwork(Array.from({ length: n }, (_, i) => i + 1), opts);
        return `${n} nodes: voters [${this.ids()}]${opts.preVote ? ' pre-vote' : ''}${opts.checkQuorum ? ' check-quorum' : ''}`;
      }
      case 'add-empty-node':
        this.net.add(new TestNode(num(0), [], {}));
        return 'ok';
      case 'campaign':
        this.net.get(num(0)).node.campaign();
        return 'ok';
      case 'propose':
        this.net.propose(num(0), args[1] ?? '');
        return 'ok';
      case 'propose-conf-change':
        this.net.get(num(0)).node.proposeConfChange({ type: args[1] as ConfChangeType, nodeId: num(2) });
        return 'ok';
      case 'read-index':
        this.net.get(num(0)).node.readIndex(new TextEncoder().encode(args[1] ?? ''));
        return 'ok';
      case 'transfer-leadership':
        this.net.get(num(0)).node.transferLeadership(num(1));
        return 'ok';
      case 'tick':
        this.net.tick(num(0), args[1] ? num(1) : 1);
        return 'ok';
      case 'isolate':
        this.net.isolate(num(0));
        return 'ok';
      case 'heal':
        this.net.heal();
        return 'ok';
      case 'process-ready':
        this.processReady(num(0), out);
        return out.join('\n') || 'no Ready';
      case 'deliver-msgs':
        this.deliverTo(num(0), out);
        return out.join('\n') || 'no messages';
      case 'drop-msgs':
        return `dropped ${this.net.deliver(() => false) + this.dropAll()}`;
      case 'stabilize': {
        for (let round = 0; round < 100; round++) {
          let progress = false;
          for (const id of this.ids()) progress = this.processReady(id, out) || progress;
          for (const id of this.ids()) progress = this.deliverTo(id, out) > 0 || progress;
          if (!progress) break;
        }
        return out.join('\n') || 'nothing to do';
      }
      case 'snapshot':
        return `snapshot at ${this.net.snapshot(num(0))}`;
      case 'status': {
        for (const id of args.length ? args.map(Number) : this.ids()) {
          const s = this.net.get(id).node.status();
          out.push(`${id}: ${s.state} term=${s.term} lead=${s.lead} commit=${s.commit} applied=${s.applied}${Object.keys(s.progress).length ? ' ' + Object.entries(s.progress).map(([k, v]) => `[${k}: ${v}]`).join(' ') : ''}`);
        }
        return out.join('\n');
      }
      case 'raft-log': {
        const r = this.net.get(num(0)).raft;
        return r.log.allEntries().map(fmtEntry).join('\n') || 'empty';
      }
      case 'applied':
        return JSON.stringify(this.net.get(num(0)).applied);
      default:
        throw new Error(`unknown command ${cmd}`);
    }
  }

  private dropAll(): number {
    const n = this.net.mailbox.length;
    this.net.mailbox = [];
    return n;
  }
}
