// The two ways a wait is cut short: its own time runs out, or the whole
// change it belongs to is aborted (a -t timeout, a shutdown taking over).

export type Cutoff = "timeout" | "abort";

/** The longest a timer can wait (2^31 - 1 ms, 24.8 days): a longer one fires at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Calls end once, when timeoutMs passes (0: never) or abort fires, whichever
 * comes first; returns the function that cancels both.
 */
export function onCutoff(timeoutMs: number, abort: AbortSignal | undefined, end: (why: Cutoff) => void): () => void {
  if (timeoutMs > MAX_TIMEOUT_MS) throw new RangeError(`${timeoutMs} ms is more than a timer can wait`);
  const onAbort = () => {
    cancel();
    end("abort");
  };
  const timer = timeoutMs > 0 ? setTimeout(() => (cancel(), end("timeout")), timeoutMs) : undefined;
  const cancel = () => {
    clearTimeout(timer);
    abort?.removeEventListener("abort", onAbort);
  };
  if (abort?.aborted) queueMicrotask(onAbort);
  else abort?.addEventListener("abort", onAbort);
  return cancel;
}
