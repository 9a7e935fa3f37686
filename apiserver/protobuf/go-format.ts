// How Go's encoding/json prints the few Kubernetes types that are not plain structs: metav1.Time, metav1.MicroTime
// and metav1.Duration (time.Duration.String()).

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** RFC 3339 in UTC; `fractionDigits` 0 for metav1.Time (seconds only), 6 for metav1.MicroTime (always 6 digits). */
export function formatRfc3339(seconds: number, nanos: number, fractionDigits: 0 | 6): string {
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) throw new RangeError(`time out of range: ${seconds}s`);
  const year = date.getUTCFullYear();
  const head =
    `${year < 0 ? '-' : ''}${pad(Math.abs(year), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
  if (fractionDigits === 0) return `${head}Z`;
  return `${head}.${pad(Math.floor(nanos / 1000), 6)}Z`;
}

/** Go's time.Duration.String(): "0s", "1.5s", "1h0m0s", "300ms", "2µs", "-1m30s". */
export function formatGoDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return '0s';
  const negative = nanoseconds < 0n;
  let u = negative ? -nanoseconds : nanoseconds;
  const sign = negative ? '-' : '';
  const fraction = (value: bigint, unit: bigint, digits: number): string => {
    const whole = value / unit;
    const rest = value % unit;
    if (rest === 0n) return String(whole);
    const frac = rest.toString().padStart(digits, '0').replace(/0+$/, '');
    return `${whole}.${frac}`;
  };
  if (u < 1_000_000_000n) {
    if (u < 1_000n) return `${sign}${u}ns`;
    if (u < 1_000_000n) return `${sign}${fraction(u, 1_000n, 3)}µs`;
    return `${sign}${fraction(u, 1_000_000n, 6)}ms`;
  }
  const hours = u / 3_600_000_000_000n;
  u -= hours * 3_600_000_000_000n;
  const minutes = u / 60_000_000_000n;
  u -= minutes * 60_000_000_000n;
  const secs = fraction(u, 1_000_000_000n, 9);
  if (hours > 0n) return `${sign}${hours}h${minutes}m${secs}s`;
  if (minutes > 0n) return `${sign}${minutes}m${secs}s`;
  return `${sign}${secs}s`;
}
