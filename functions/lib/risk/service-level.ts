import { ConfigurationError } from '../errors';

/**
 * The safety-stock factor z of a service level: the standard normal quantile, P(Z <= z) = level
 * (0.95 -> 1.6449). Acklam's rational approximation of the inverse normal CDF (relative error below 1.2e-9),
 * enough for a factor that multiplies an estimated sigma. Levels outside [0.5, 1) make no sense for safety
 * stock (below 0.5 the "safety" would be negative) and are refused.
 */
export function serviceLevelZ(level: number): number {
  if (!Number.isFinite(level) || level < 0.5 || level >= 1) throw new ConfigurationError(`serviceLevel must be >= 0.5 and < 1, got ${level}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const upperTail = 1 - 0.02425;
  if (level <= upperTail) {
    const q = level - 0.5;
    const r = q * q;
    return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const q = Math.sqrt(-2 * Math.log(1 - level));
  return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
}
