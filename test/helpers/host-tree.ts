// A real supervision tree on the host, in a temporary directory: Debian's
// s6-svscan on its own scandir, and goetia's command line pointed at it
// through GOETIA_CONFDIR / GOETIA_RUNDIR / GOETIA_LOGDIR. No QEMU, no mocks.
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Subprocess } from "bun";
import { pollUntil } from "../../src/lib/poll.ts";
import { isScanned } from "../../src/s6/svscan.ts";
import { ROOT } from "./guest.ts";

export interface Run {
  code: number;
  /** Standard output and error, in that order. */
  out: string;
  /** Standard output alone: the command's answer. */
  stdout: string;
}

export class HostTree {
  readonly conf: string;
  readonly run: string;
  readonly scandir: string;
  /** A file the test services append their events to. */
  readonly events: string;
  private svscan?: Subprocess;

  // In /dev/shm when there is one: a tree's run directory is a tmpfs on a real machine too.
  constructor(readonly dir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "goetia-tree-"))) {
    this.conf = join(dir, "conf");
    this.run = join(dir, "run");
    this.scandir = join(this.run, "service");
    this.events = join(dir, "events");
    mkdirSync(join(this.conf, "src"), { recursive: true });
    mkdirSync(this.scandir, { recursive: true });
    writeFileSync(this.events, "");
    // mark NAME PHASE SECONDS [EXIT]: logs PHASE-start and PHASE-end around a sleep.
    this.file("bin/mark", `#!/bin/sh\necho "$1 $2-start $(date +%s%N)" >> ${this.events}\nsleep "$3"\necho "$1 $2-end $(date +%s%N)" >> ${this.events}\nexit "\${4:-0}"\n`);
    // goetia as the tree's services find it on their PATH (a restart policy's give-up runs it, a oneshot may), acting on this tree.
    const env = Object.entries(this.env).filter(([name]) => name.startsWith("GOETIA_")).map(([name, value]) => `${name}=${value}`);
    this.file("bin/goetia", `#!/bin/sh\nexec env ${env.join(" ")} ${process.execPath} ${join(ROOT, "src/main.ts")} "$@"\n`);
  }

  /** Writes a file under the tree's directory; text starting with #! is made executable. */
  file(path: string, text: string): string {
    const target = join(this.dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    if (text.startsWith("#!")) chmodSync(target, 0o755);
    return target;
  }

  /** Creates a service source directory: conf/src/test/NAME with the given files. */
  service(name: string, files: Record<string, string>): void {
    for (const [file, text] of Object.entries(files)) this.file(`conf/src/test/${name}/${file}`, text);
  }

  /** A systemd unit in the tree's unit folders (units/lib, as a package installs it), enabled (units/etc/multi-user.target.wants, as deb-systemd-helper links it); the default target made first. */
  unit(name: string, text: string): void {
    const lib = join(this.dir, "units", "lib");
    if (!existsSync(join(lib, "multi-user.target"))) {
      this.file("units/lib/multi-user.target", "[Unit]\nDescription=Multi-User System\n");
      symlinkSync("multi-user.target", join(lib, "default.target"));
    }
    this.file(`units/lib/${name}`, text);
    const wants = join(this.dir, "units", "etc", "multi-user.target.wants");
    mkdirSync(wants, { recursive: true });
    symlinkSync(join(lib, name), join(wants, name));
  }

  /**
   * The logins' trees as a PAM machine has them: the system service
   * sessions (an s6-svscan of their own, as the Debian set's) and the
   * template user-tree@, whose run and finish the session hook copies; and
   * the hook's environment, pointed at this tree.
   */
  sessions(): { scandir: string; env: Record<string, string> } {
    const scandir = join(this.run, "sessions");
    this.service("sessions", { type: "longrun\n", "no-log": "", run: `#!/bin/sh\nmkdir -p ${scandir} || exit 111\nexec s6-svscan ${scandir}\n` });
    cpSync(join(ROOT, "initramfs/install/etc/goetia/system/src/base/user-tree@"), join(this.conf, "src/base/user-tree@"), { recursive: true });
    const env = { ...this.env, PATH: `${join(this.dir, "bin")}:${process.env.PATH}`, GOETIA_USER_RUNDIR: join(this.dir, "user"), GOETIA_LINGERDIR: join(this.dir, "linger") };
    return { scandir, env };
  }

  /** A oneshot that marks its up (and down) in the event log, sleeping a little. */
  oneshot(name: string, { deps = [] as string[], seconds = 0.1, exit = 0, extra = {} as Record<string, string> } = {}): void {
    const mark = join(this.dir, "bin/mark");
    this.service(name, {
      type: "oneshot\n",
      up: `${mark} ${name} up ${seconds} ${exit}\n`,
      down: `${mark} ${name} down ${seconds}\n`,
      ...(deps.length ? { dependencies: `${deps.join("\n")}\n` } : {}),
      ...extra,
    });
  }

  /** Starts s6-svscan on the scandir; maxServices raises its limit (-c, default 500). */
  async start(maxServices = 500): Promise<this> {
    const env = { ...process.env, PATH: `${join(this.dir, "bin")}:${process.env.PATH}` };
    this.svscan = Bun.spawn(["s6-svscan", `-c${maxServices}`, this.scandir], { env, stdout: "ignore", stderr: "ignore" });
    if (!(await pollUntil(() => isScanned(this.scandir), 10_000))) throw new Error("s6-svscan did not start");
    return this;
  }

  /** Ends the tree; throws, once they are killed, where processes of the tree's outlived it (a test that leaks them). */
  async stop(): Promise<void> {
    Bun.spawnSync(["s6-svscanctl", "-q", this.scandir]);
    await this.svscan?.exited;
    const left = await pollUntil(() => this.processesLeft().length === 0, 5000) ? [] : this.processesLeft();
    for (const { pid } of left) Bun.spawnSync(["kill", "-KILL", String(pid)]);
    rmSync(this.dir, { recursive: true, force: true });
    if (left.length > 0) throw new Error(`processes outlived the tree ${this.dir}: ${left.map(({ pid, command }) => `${pid} ${command}`).join("; ")}`);
  }

  /** The processes still working in the tree's folder (their working directory in it). */
  private processesLeft(): { pid: number; command: string }[] {
    return readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .flatMap((entry) => {
        try {
          if (!readlinkSync(`/proc/${entry}/cwd`).startsWith(`${this.dir}/`)) return [];
          return [{ pid: Number(entry), command: readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").trim() }];
        } catch {
          return []; // gone meanwhile, or not ours to look at
        }
      });
  }

  get env(): Record<string, string> {
    return { ...process.env, GOETIA_CONFDIR: this.conf, GOETIA_RUNDIR: this.run, GOETIA_LOGDIR: join(this.dir, "log"), GOETIA_SVDIR: this.dir, GOETIA_UNITDIRS: `${join(this.dir, "units", "etc")}:${join(this.dir, "units", "lib")}`, GOETIA_LIBDIR: join(ROOT, "build") } as Record<string, string>;
  }

  spawn(...args: string[]) {
    return Bun.spawn([process.execPath, join(ROOT, "src/main.ts"), ...args], { env: this.env, stdout: "pipe", stderr: "pipe" });
  }

  async goetia(...args: string[]): Promise<Run> {
    const child = this.spawn(...args);
    const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    return { code, out: out + err, stdout: out };
  }

  /** Event log entries as { name, event, ns }. */
  eventLog(): { name: string; event: string; ns: bigint }[] {
    return readFileSync(this.events, "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [name, event, ns] = line.split(" ");
        return { name, event, ns: BigInt(ns) };
      });
  }

  /** When NAME logged EVENT (ns); throws if it never did. */
  when(name: string, event: string): bigint {
    const entry = this.eventLog().find((e) => e.name === name && e.event === event);
    if (!entry) throw new Error(`${name} never logged ${event}; log:\n${readFileSync(this.events, "utf8")}`);
    return entry.ns;
  }

  /** How many times NAME logged EVENT. */
  count(name: string, event: string): number {
    return this.eventLog().filter((e) => e.name === name && e.event === event).length;
  }

  /** `goetia status --json`, parsed. */
  async statusRows(): Promise<{ name: string; state: string; detail: string; pid: number | null }[]> {
    return JSON.parse((await this.goetia("status", "--json")).stdout);
  }

  /** NAME's state once it is the one wanted, or the last one seen when timeoutMs passed. */
  async stateOnceIs(name: string, wanted: string, timeoutMs = 30_000): Promise<string | undefined> {
    let state: string | undefined;
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline && state !== wanted; await Bun.sleep(100)) {
      state = (await this.statusRows()).find((row) => row.name === name)?.state;
    }
    return state;
  }

  happened(name: string, event: string): boolean {
    return this.eventLog().some((e) => e.name === name && e.event === event);
  }
}
