/** Parts per 10,000 a percent is cut into: canary shares down to 0.01%. */
const SCALE = 10_000;

/**
 * Whether a request goes to the canary. With a routing key the answer is sticky: the same key always
 * lands on the same side for a given share (FNV-1a of the key, so a user's requests see one
 * version). Without one, `random` decides.
 */
export function toCanary(percent: number, key: string | null, random: () => number = Math.random): boolean {
  if (percent <= 0) return false;
  if (percent >= 100) return true;
  const cut = Math.round(percent * (SCALE / 100));
  const bucket = key === null ? Math.floor(random() * SCALE) : fnv1a(key) % SCALE;
  return bucket < cut;
}

/** 32-bit FNV-1a over the key's UTF-16 code units: fast, and spreads short keys evenly. */
function fnv1a(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
