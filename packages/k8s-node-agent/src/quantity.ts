const suffixes: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * Parses a Kubernetes resource quantity (`500m`, `2`, `64Mi`, `1G`, `1.5Gi`, `1e9`) into a plain
 * number of base units (cores, bytes). Throws on anything else, so a bad limit is reported, not
 * silently dropped.
 */
export function parseQuantity(quantity: string): number {
  const match = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]{0,2})$/.exec(quantity.trim());
  const multiplier = match === null ? undefined : suffixes[match[2] ?? ''];
  if (match === null || multiplier === undefined || Number.isNaN(Number(match[1]))) {
    throw new Error(`not a resource quantity: "${quantity}"`);
  }
  return Number(match[1]) * multiplier;
}
