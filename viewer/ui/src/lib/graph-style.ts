/**
 * How the dependency map encodes its data: node size by request rate (a service's
 * requests served, an external peer's calls in), edge width by calls (both on a log
 * scale, so one busy edge does not flatten the rest), colour by error rate.
 */
export function errorColor(errorRate: number): string {
  if (errorRate >= 0.05) return '#d93838';
  if (errorRate >= 0.01) return '#f0a020';
  return '#59a14f';
}

export function scaleLog(value: number, max: number, min: number, maxOut: number): number {
  if (max <= 0) return min;
  return min + (Math.log1p(value) / Math.log1p(max)) * (maxOut - min);
}
