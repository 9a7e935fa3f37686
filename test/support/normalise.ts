// Makes the outputs of two different clusters comparable. Ids (cluster, member, lease) differ by construction,
// and so do ports, terms, raft indexes, db sizes and versions; everything else (revisions, values, counts, order,
// error messages and codes) must not. Each distinct id becomes a stable name in order of first appearance (id-1,
// id-2, ...), members and the cluster by their names, so relationships survive: "the lease granted in step 3 is
// the one attached in step 4" reads the same on both sides. One Normaliser serves one whole scripted run.

export interface KnownMember {
  readonly name: string;
  readonly id: bigint;
  readonly endpoint: string; // 127.0.0.1:port (client)
  readonly peerUrl: string; // http://127.0.0.1:port
}

/** Fields whose value is an id: mapped through the id table, in either spelling etcd uses. */
const ID_FIELDS = new Set(['cluster_id', 'member_id', 'ClusterID', 'MemberID', 'ID', 'id', 'lease', 'Lease']);

/** Fields that differ between any two healthy clusters (or between two runs), replaced by a fixed placeholder. */
const PLACEHOLDER_FIELDS: Record<string, string> = {
  raft_term: '<term>',
  raftTerm: '<term>',
  RaftTerm: '<term>',
  raftIndex: '<index>',
  raftAppliedIndex: '<index>',
  dbSize: '<size>',
  dbSizeInUse: '<size>',
  leader: '<leader>',
  took: '<took>',
};

/** Bytes fields in etcdctl's JSON (Go's encoding/json writes []byte as base64). */
const BASE64_FIELDS = new Set(['key', 'value', 'keys', 'range_end']);

/** Go prints uint64 exactly; JSON.parse would round anything above 2^53. Big literals become tagged strings. */
const BIG_PREFIX = '#big#';

export class Normaliser {
  private readonly names = new Map<bigint, string>();
  private readonly ports = new Map<string, string>();
  private anonymous = 0;
  private readonly memberHex: RegExp;

  constructor(members: readonly KnownMember[] = [], clusterId?: bigint) {
    if (clusterId !== undefined) this.names.set(clusterId, 'cluster');
    for (const member of members) {
      this.names.set(member.id, `member-${member.name}`);
      this.ports.set(member.endpoint.split(':')[1]!, `<${member.name}-client>`);
      this.ports.set(new URL(member.peerUrl).port, `<${member.name}-peer>`);
    }
    const hexIds = members.map((m) => m.id.toString(16));
    this.memberHex = hexIds.length > 0 ? new RegExp(`\\b(${hexIds.join('|')})\\b`, 'g') : /$^/g;
  }

  /** The stable name of an id; 0 means "none" (no lease, an unset header) and stays 0. */
  id(value: bigint): string {
    if (value === 0n) return '0';
    let name = this.names.get(value);
    if (name === undefined) {
      name = `id-${++this.anonymous}`;
      this.names.set(value, name);
    }
    return name;
  }

  /** etcdctl output in any -w format, line by line: JSON lines, `"Field" : value` lines, simple text. */
  text(output: string): string {
    return output
      .split('\n')
      .map((line) => this.line(line))
      .join('\n');
  }

  /** A decoded gRPC message or any plain value: bigints, Buffers and ids made comparable. */
  value(input: unknown): unknown {
    return this.walk(input, '', undefined, false);
  }

  /** etcdctl -w json output, parsed without losing 64-bit precision, then normalised. */
  json(output: string): unknown {
    return this.walk(parseExactJson(output), '', undefined, true);
  }

  private line(line: string): string {
    const trimmed = line.trim();
    if (trimmed.startsWith('{"level":')) return this.clientLogLine(trimmed);
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return JSON.stringify(this.json(trimmed));
      } catch {
        // not JSON after all: fall through to the text rules
      }
    }
    const field = /^"(\w+)" : (.*)$/.exec(line);
    if (field) return `"${field[1]}" : ${this.fieldValue(field[1]!, field[2]!)}`;
    return this.plain(line);
  }

  /** `-w fields` prints ids in decimal, one field a line. */
  private fieldValue(field: string, value: string): string {
    if (ID_FIELDS.has(field) && /^\d+$/.test(value)) return this.id(BigInt(value));
    if (field in PLACEHOLDER_FIELDS) return PLACEHOLDER_FIELDS[field]!;
    return this.plain(value);
  }

  /**
   * etcdctl's client logs a zap JSON line for a failed unary call; it carries the gRPC code, which we keep,
   * and a timestamp and a random client id, which we drop.
   */
  private clientLogLine(line: string): string {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string; error?: string };
      return `[etcdctl ${entry.level}] ${entry.msg}: ${this.plain(entry.error ?? '')}`;
    } catch {
      return this.plain(line);
    }
  }

  /** Simple-format text: ports, hex ids (etcdctl prints leases as %016x and members as %x), durations. */
  private plain(text: string): string {
    return text
      .replace(/127\.0\.0\.1:(\d+)/g, (whole, port: string) => this.ports.get(port) ?? whole)
      // Known member ids first, however short their hex: `member list` prints them with %x, unpadded.
      .replace(this.memberHex, (hex) => this.id(BigInt(`0x${hex}`)))
      .replace(/\b[0-9a-f]{12,16}\b/g, (hex) => (/[a-f]/.test(hex) || hex.length === 16 ? this.id(BigInt(`0x${hex}`)) : hex))
      .replace(/took = [0-9.]+[µnm]?s/g, 'took = <took>')
      // Long filler values (the "too large" cases) would drown a diff; their length is what matters.
      .replace(/(.)\1{49,}/g, (run, char: string) => `${char}{x${run.length}}`)
      .replace(/remaining\(\d+s\)/g, 'remaining(<ttl>s)')
      // A lease's keys are a set in etcd (a Go map): timetolive lists them in any order.
      .replace(/attached keys\(\[([^\]]*)\]\)/g, (_, keys: string) => `attached keys([${keys.split(' ').sort().join(' ')}])`);
  }

  /** `fromCtl`: etcdctl's JSON, where keys and values are base64 (in gRPC messages they are Buffers). */
  private walk(input: unknown, field: string, parent: Record<string, unknown> | undefined, fromCtl: boolean): unknown {
    if (typeof input === 'string' && input.startsWith(BIG_PREFIX)) return this.walk(BigInt(input.slice(BIG_PREFIX.length)), field, parent, fromCtl);
    if (ID_FIELDS.has(field) && (typeof input === 'bigint' || typeof input === 'number')) return this.id(BigInt(input));
    if (field in PLACEHOLDER_FIELDS && input !== null && typeof input !== 'object') return PLACEHOLDER_FIELDS[field];
    // The remaining TTL of a live lease ticks down while we look; -1 (expired or unknown) is exact.
    if (isRemainingTtl(field, parent) && Number(input) !== -1) return '<remaining>';
    if (field === 'version' && typeof input === 'string') return '<version>';
    if (typeof input === 'bigint') return Number.isSafeInteger(Number(input)) ? Number(input) : input.toString();
    if (typeof input === 'string') return this.plain(fromCtl && BASE64_FIELDS.has(field) ? fromBase64(input) : input);
    if (Buffer.isBuffer(input) || input instanceof Uint8Array) return bytesText(Buffer.from(input));
    if (Array.isArray(input)) {
      const items = input.map((item) => this.walk(item, field, parent, fromCtl));
      // A lease's attached keys come out of a Go map, in any order.
      return field === 'keys' ? items.sort() : items;
    }
    if (input !== null && typeof input === 'object') {
      const record = input as Record<string, unknown>;
      return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, this.walk(value, key, record, fromCtl)]));
    }
    return input;
  }
}

/** etcdctl timetolive -w json: {ttl, granted-ttl}; gRPC LeaseTimeToLiveResponse: {TTL, grantedTTL}. */
function isRemainingTtl(field: string, parent: Record<string, unknown> | undefined): boolean {
  if (!parent) return false;
  return (field === 'ttl' && 'granted-ttl' in parent) || (field === 'TTL' && 'grantedTTL' in parent);
}

/** JSON.parse, except that integer literals too long for a double come back as BIG_PREFIX strings. */
export function parseExactJson(text: string): unknown {
  const tagged = text.replace(/"(?:[^"\\]|\\.)*"|-?\d{16,}/g, (token) => (token.startsWith('"') ? token : `"${BIG_PREFIX}${token}"`));
  return JSON.parse(tagged);
}

/** etcdctl -w json prints keys and values as base64; text reads better in a diff, so decode when printable. */
function fromBase64(text: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return text;
  return bytesText(Buffer.from(text, 'base64'));
}

function bytesText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return /^[\x20-\x7e]*$/.test(text) ? text : `hex:${bytes.toString('hex')}`;
}

/**
 * etcdctl -w json output for assertions: every id (cluster, member, leader, lease) as a bigint whatever its size,
 * so a test can compare it with what gRPC decoded; everything else as JSON.parse gives it.
 */
export function parseCtlJson<T = any>(text: string): T {
  const revive = (value: unknown, field: string): unknown => {
    if (typeof value === 'string' && value.startsWith(BIG_PREFIX)) return BigInt(value.slice(BIG_PREFIX.length));
    if (typeof value === 'number' && (ID_FIELDS.has(field) || field === 'leader')) return BigInt(value);
    if (Array.isArray(value)) return value.map((item) => revive(item, field));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, revive(item, key)]));
    }
    return value;
  };
  return revive(parseExactJson(text), '') as T;
}
