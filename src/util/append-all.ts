/**
 * `target.push(...items)` without the spread: a spread passes every item as a call argument, which throws
 * "Maximum call stack size exceeded" above roughly 100k items. Use this wherever `items` is not small by
 * construction (cells, lines of a report, policies of a file).
 */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
