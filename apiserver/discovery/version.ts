// GET /version: version.Info. gitVersion is "v1.32.0+yawl": kubectl reads major/minor for its skew warning,
// and build metadata ("+yawl", as k3s writes "v1.32.4+k3s1") keeps semver precedence equal to v1.32.0,
// where a pre-release tag ("-yawl") would sort below v1.32.0 and fail clients' ">= 1.32.0" checks.

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export interface VersionOptions {
  readonly gitCommit?: string;
  readonly gitTreeState?: 'clean' | 'dirty' | '';
  readonly buildDate?: string;
}

const GO_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };

export const KUBERNETES_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0+yawl' } as const;

/** The version.Info document. goVersion and compiler name the runtime that actually runs the server. */
export function versionInfo(opts: VersionOptions = {}): VersionInfo {
  return {
    ...KUBERNETES_VERSION,
    gitCommit: opts.gitCommit ?? '0000000000000000000000000000000000000000',
    gitTreeState: opts.gitTreeState ?? 'clean',
    buildDate: opts.buildDate ?? '1970-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${GO_ARCH[process.arch] ?? process.arch}`,
  };
}
