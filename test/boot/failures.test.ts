// When booting goes wrong, the machine must say why and give a shell,
// never a kernel panic; and the boot script must tell a hang or a panic
// from a clean power-off.
import { afterEach, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { buildImage, Guest, killGuests, ROOT } from "../helpers/guest.ts";

// A TCG boot takes 6-10 s, more on a loaded machine: be generous.
setDefaultTimeout(180_000);

afterEach(killGuests);

/** Proves the shell answers by having it compute something. */
async function expectWorkingShell(g: Guest): Promise<void> {
  g.type("echo SHELL=$((6 * 7))");
  await g.waitFor(/SHELL=42/);
}

describe("emergency shell", () => {
  test("/init cannot exec goetia: it says why and starts a shell", async () => {
    const guest = new Guest(buildImage("no-goetia", { "usr/sbin/goetia": "not a program\n" }));
    await guest.waitFor(/init: cannot exec \/sbin\/goetia: Permission denied/);
    await guest.waitFor(/init: starting an emergency shell/);
    await expectWorkingShell(guest);
    guest.type("busybox poweroff -f");
    expect(await guest.exited).toBe(0);
    expect(guest.output).not.toContain("Kernel panic");
  });

  test("stage 1 cannot exec s6-svscan: it says why and starts a shell; reboot -f works there", async () => {
    const guest = new Guest(buildImage("no-svscan", { "usr/bin/s6-svscan": "not a program\n" }));
    await guest.waitFor(/goetia: fatal: stage 1 failed: execve \/usr\/bin\/s6-svscan: Permission denied/);
    await guest.waitFor(/goetia: error: stage 1 could not hand over to s6-svscan: starting an emergency shell/);
    await expectWorkingShell(guest);
    guest.type("reboot -f");
    expect(await guest.exited).toBe(0);
    expect(guest.output).toContain("reboot: Restarting system");
    expect(guest.output).not.toContain("Kernel panic");
  });
});

describe("scripts/boot.sh", () => {
  let image: string;
  beforeAll(() => {
    image = buildImage("boot-script");
  });
  const boot = (...args: string[]) => Bun.spawnSync(["scripts/boot.sh", "-r", image, ...args], { cwd: ROOT, stdin: "ignore" });

  test("exits 3 when the guest kernel panics", () => {
    const run = boot("-t", "120", "rdinit=/nonexistent");
    expect(run.stdout.toString()).toContain("Kernel panic");
    expect(run.exitCode).toBe(3);
  });

  test("exits 124 when the guest does not power off in time", () => {
    const run = boot("-t", "4");
    expect(run.stderr.toString()).toContain("no power-off after 4 s");
    expect(run.exitCode).toBe(124);
  });
});
