/** Checks condition every few milliseconds until it holds or timeoutMs passes; returns the last answer. */
export async function pollUntil(condition: () => boolean, timeoutMs: number, intervalMs = 5): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await Bun.sleep(intervalMs)) {
    if (condition()) return true;
  }
  return condition();
}
