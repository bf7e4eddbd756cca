/** Keeps a Map within a size: adding a new key to a full map first drops the oldest one. */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, capacity: number): void {
  if (!map.has(key) && map.size >= capacity) map.delete(map.keys().next().value as K);
  map.set(key, value);
}
