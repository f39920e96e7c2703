/** Checks condition every few milliseconds until it holds or timeoutMs passes; returns the last answer. */
export async function pollUntil(condition: () => boolean, timeoutMs: number, intervalMs = 5): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await Bun.sleep(intervalMs)) {
    if (condition()) return true;
  }
  return condition();
}

/** Polls, in one loop, until still(item) is false for every item or timeoutMs passes; returns the items left. */
export async function pollEach<T>(items: T[], still: (item: T) => boolean, timeoutMs: number): Promise<T[]> {
  let left = items;
  await pollUntil(() => (left = left.filter(still)).length === 0, timeoutMs);
  return left;
}
