/**
 * Python's `base64.b64decode(s)` (non-strict), which MLflow uses for page tokens. It is more
 * lenient than Buffer.from(s, 'base64') in some ways (characters outside the alphabet are skipped)
 * and stricter in others (a missing `=` pad is an error), so the rules of CPython's binascii are
 * written out here: a token is refused exactly when MLflow says "could not base64-decode".
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SIX_BITS = new Map([...ALPHABET].map((char, index) => [char, index]));

/** Returns the decoded bytes, or null where Python raises binascii.Error / ValueError. */
export function pyB64Decode(text: string): Uint8Array | null {
  // Python first encodes the str as ASCII; anything else is a ValueError.
  if ([...text].some((char) => char.charCodeAt(0) > 0x7f)) return null;
  const out: number[] = [];
  let quadPos = 0;
  let leftChar = 0;
  let pads = 0;
  for (const char of text) {
    if (char === '=') {
      // Enough padding to end the current quad stops decoding; other `=` are skipped.
      if (quadPos >= 2) {
        pads += 1;
        if (quadPos + pads >= 4) return Uint8Array.from(out);
      }
      continue;
    }
    const bits = SIX_BITS.get(char);
    if (bits === undefined) continue;
    pads = 0;
    switch (quadPos) {
      case 0:
        leftChar = bits;
        break;
      case 1:
        out.push(((leftChar << 2) | (bits >> 4)) & 0xff);
        leftChar = bits & 0x0f;
        break;
      case 2:
        out.push(((leftChar << 4) | (bits >> 2)) & 0xff);
        leftChar = bits & 0x03;
        break;
      default:
        out.push(((leftChar << 6) | bits) & 0xff);
        leftChar = 0;
    }
    quadPos = (quadPos + 1) % 4;
  }
  // A partial quad without its padding: "Incorrect padding" (or an impossible length).
  return quadPos === 0 ? Uint8Array.from(out) : null;
}
