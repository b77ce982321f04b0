/**
 * Splits `items` into consecutive groups, in their order, each of at most `maxCount` items and at most `maxWeight`
 * in all (by `weight`); an item heavier than `maxWeight` makes a group alone. Greedy: a group closes when the next
 * item would not fit.
 */
export function packInOrder<T>(items: Iterable<T>, weight: (item: T) => number, maxWeight: number, maxCount = Infinity): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let total = 0;
  for (const item of items) {
    const w = weight(item);
    if (current.length > 0 && (current.length >= maxCount || total + w > maxWeight)) {
      groups.push(current);
      current = [];
      total = 0;
    }
    current.push(item);
    total += w;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
