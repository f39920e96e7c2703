// A real Debian bookworm machine (scripts/build-debian.sh) booted in QEMU
// the way Debian boots: its own kernel and initramfs-tools' initrd, the
// root by UUID, read-only until the system remounts it; reached from the
// host by ssh through QEMU's user network, as a person would reach it.
import { join } from "node:path";
import { Guest, ROOT } from "./guest.ts";

const UUID = "0f6b3a4e-7c1d-4e55-9a1b-6d2c8e9f1a20";
const KEY = join(ROOT, "build/debian/ssh-key");
/** A machine made anew each time: its host key is not worth remembering, nor worth a warning. */
const SSH_OPTIONS = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"];

/** Builds a Debian disk image; systemd: the machine as Debian left it, without goetia. */
export function buildDebian(name: string, { systemd = false } = {}): string {
  const image = join(ROOT, "build/debian", `test-${name}.img`);
  const run = Bun.spawnSync(["scripts/build-debian.sh", ...(systemd ? ["-s"] : []), "-o", image], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`build-debian.sh failed: ${run.stdout}${run.stderr}`);
  return image;
}

/** A port on 127.0.0.1 nobody listens on, for the guest's ssh. */
function freePort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

export interface SshRun {
  code: number;
  out: string;
}

export class DebianMachine {
  readonly guest: Guest;
  readonly port = freePort();

  /** Boots image; kernelArgs after Debian's own (init=/sbin/init.distrib boots the distribution's init). */
  constructor(image: string, kernelArgs: string[] = [], monitor?: string) {
    this.guest = new Guest(join(ROOT, "build/debian/initrd.img"), ["-k", "build/debian", "-d", image, "-n", String(this.port), "-M", "768", `root=UUID=${UUID}`, "ro", ...kernelArgs], 900, monitor);
  }

  /** ssh's arguments, up to the command, to log in as user. */
  sshArgs(user: string): string[] {
    return [...SSH_OPTIONS, "-o", "BatchMode=yes", "-o", "ConnectTimeout=60", "-p", String(this.port), "-i", KEY, `${user}@127.0.0.1`];
  }

  /** Runs command as user on the machine, over ssh. */
  async ssh(user: string, command: string, timeoutMs = 120_000): Promise<SshRun> {
    const ssh = Bun.spawn(["ssh", ...this.sshArgs(user), command], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    const timer = setTimeout(() => ssh.kill(), timeoutMs);
    const [out, err, code] = await Promise.all([new Response(ssh.stdout).text(), new Response(ssh.stderr).text(), ssh.exited]);
    clearTimeout(timer);
    return { code, out: out + err };
  }

  /** Copies a file from the host to the machine as root (scp), returning its exit code. */
  scp(file: string, to: string): number {
    return Bun.spawnSync(["scp", ...SSH_OPTIONS, "-P", String(this.port), "-i", KEY, file, `root@127.0.0.1:${to}`]).exitCode;
  }

  /** Runs command over ssh until it succeeds and prints what wanted matches, for up to timeoutMs; returns the last run. */
  async sshUntil(user: string, command: string, wanted: RegExp, timeoutMs: number): Promise<SshRun> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await this.ssh(user, command);
      if ((run.code === 0 && wanted.test(run.out)) || Date.now() > deadline) return run;
      await Bun.sleep(2000);
    }
  }
}
