/** Deterministic mutations of request bodies, for fuzzing the decoders. */

/** A small deterministic PRNG, so generated data (and results) are the same on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x12, 0x22, 0x7b, 0x7d, 0x5b, 0x5d, 0x5c];

/** One to four mutations: bit flips, interesting bytes, insertions, deletions, truncation, splices. */
export function mutate(input: Buffer, random: () => number): Buffer {
  let out = Buffer.from(input);
  const count = 1 + Math.floor(random() * 4);
  for (let i = 0; i < count && out.length > 0; i++) {
    const at = Math.floor(random() * out.length);
    switch (Math.floor(random() * 7)) {
      case 0:
        out[at] = out[at]! ^ (1 << Math.floor(random() * 8));
        break;
      case 1:
        out[at] = INTERESTING[Math.floor(random() * INTERESTING.length)]!;
        break;
      case 2:
        out = Buffer.concat([out.subarray(0, at), Buffer.from([Math.floor(random() * 256)]), out.subarray(at)]);
        break;
      case 3:
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + Math.floor(random() * 8))]);
        break;
      case 4:
        out = out.subarray(0, at);
        break;
      case 5: {
        const from = Math.floor(random() * out.length);
        out = Buffer.concat([out.subarray(0, at), out.subarray(from, from + 1 + Math.floor(random() * 32)), out.subarray(at)]);
        break;
      }
      default:
        // A huge varint where a length or tag was.
        out = Buffer.concat([out.subarray(0, at), Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), out.subarray(at + 1)]);
    }
  }
  return out;
}
