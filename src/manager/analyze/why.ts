// Why a service is not up, in words: what its own record and s6 say, and,
// when it was skipped, the chain of dependencies down to the one that
// really failed. A pure function of the states as `goetia status` shows
// them, so it is tested without a tree.
export interface Shown {
  state: string;
  detail: string;
  since: string | null;
}

export interface Why {
  lines: string[];
  /** The service at the root of it (the one that failed, for its log's last lines). */
  cause: string;
}

const SKIPPED = /^dependency (.+) failed$/;

/**
 * Why name is where it is; booted: what the boot brought up (the boot
 * bundle's closure), bundle its name; stoppedBy: who stopped a service last,
 * as the boot record says.
 */
export function explain(name: string, shown: (name: string) => Shown, booted: Set<string>, bundle: string, stoppedBy: (name: string) => string | undefined = () => undefined): Why {
  const lines: string[] = [];
  const seen = new Set<string>();
  let current = name;
  for (;;) {
    seen.add(current);
    const { state, detail, since } = shown(current);
    const when = since ? ` since ${since}` : "";
    const skipped = state === "failed" ? SKIPPED.exec(detail)?.[1] : undefined;
    if (skipped !== undefined && !seen.has(skipped)) {
      lines.push(`${current} did not start: its dependency ${skipped} failed${when}`);
      current = skipped;
      continue;
    }
    if (state === "up") lines.push(`${current} is up${when}`);
    else if (state === "failed") lines.push(`${current} failed${when}: ${detail}`);
    else if (state === "down" && stoppedBy(current)) lines.push(`${current} is down${when}: it was stopped by ${stoppedBy(current)}`);
    else if (state === "down" && !booted.has(current)) lines.push(`${current} is down: the boot did not bring it up (it is not in ${bundle}); goetia start ${current} does`);
    else if (state === "down") lines.push(`${current} is down${when}: it was stopped after the boot brought it up`);
    else lines.push(`${current} is ${state}${when}${detail ? `: ${detail}` : ""}`);
    return { lines, cause: current };
  }
}
