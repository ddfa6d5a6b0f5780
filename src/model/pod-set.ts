/**
 * A set of pods of one compiled state, as a bitset over pod indexes: the compiled model's unit of precomputation
 * (what a selector, a peer or a rule matches).
 */
export type PodSet = Uint32Array;

export function createPodSet(podCount: number): PodSet {
  return new Uint32Array((podCount + 31) >>> 5);
}

export function addPod(set: PodSet, index: number): void {
  set[index >>> 5] = (set[index >>> 5] as number) | (1 << (index & 31));
}

export function hasPod(set: PodSet, index: number): boolean {
  return ((set[index >>> 5] as number) & (1 << (index & 31))) !== 0;
}

/** target |= source */
export function addAll(target: PodSet, source: PodSet): void {
  for (let i = 0; i < target.length; i += 1) target[i] = (target[i] as number) | (source[i] as number);
}

/** target |= a & b */
export function addIntersection(target: PodSet, a: PodSet, b: PodSet): void {
  for (let i = 0; i < target.length; i += 1) target[i] = (target[i] as number) | ((a[i] as number) & (b[i] as number));
}
