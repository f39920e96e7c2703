// What `goetia status` says of each line the health check's loop writes.
import { expect, test } from "bun:test";
import { describeCheckResult } from "../../src/manager/health-check.ts";

const check = { intervalMs: 1000, failures: 3, timeoutMs: 5000 };

test("each outcome the loop writes, aged on the kernel's uptime", () => {
  expect(describeCheckResult("ok 10000\n", 22_400, check)).toBe("last check passed 12s ago");
  expect(describeCheckResult("failed 10000 2 1\n", 10_000, check)).toBe("last check failed 0s ago (exited 1), 2 of 3 in a row");
  expect(describeCheckResult("failed 10000 1 137\n", 11_000, check)).toBe("last check failed 1s ago (killed after 5000 ms), 1 of 3 in a row");
  expect(describeCheckResult("restarted 10000 3 4\n", 13_000, check)).toBe("restarted 3s ago: its check failed 3 times in a row, the last one exited 4");
});

test("a line half written, or not the loop's, says nothing", () => {
  expect(describeCheckResult("", 1000, check)).toBeUndefined();
  expect(describeCheckResult("ok", 1000, check)).toBeUndefined();
  expect(describeCheckResult("maybe 1000", 1000, check)).toBeUndefined();
});
