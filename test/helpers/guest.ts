// A test system booted in QEMU through scripts/boot.sh: its console is
// collected as it comes, lines can be typed into it, and the test can wait
// for a pattern or for QEMU's exit.
import { expect } from "bun:test";
import { mkdtempSync, mkdirSync, writeFileSync, chmodSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const ROOT = join(import.meta.dir, "..", "..");

/** The console shell's prompt: the test system is up and takes commands. */
export const PROMPT = /goetia:~# /;

/** Every guest still running, for killGuests. */
const running = new Set<Guest>();

/** Ends every guest a test left running (afterEach). */
export function killGuests(): void {
  for (const guest of running) guest.kill();
}

/** Boots image, waits for the console prompt, and returns the guest. */
export async function bootToPrompt(image: string, kernelArgs: string[] = [], monitor?: string): Promise<Guest> {
  const guest = new Guest(image, kernelArgs, 120, monitor);
  await guest.waitFor(PROMPT);
  return guest;
}

/** Types a command whose answer is printed as KEY=value, and returns the value. */
export async function ask(g: Guest, key: string, command: string): Promise<string> {
  g.type(`echo ${key}=$(${command})`);
  return (await g.waitFor(new RegExp(`\\n${key}=([\\w .:/-]*)\\r?\\n`)))[1];
}

/**
 * A command line for ask, run until it prints something other than 0 or
 * nothing (a daemon exec'd, a log written, a moment after a service is up,
 * under emulation), for up to 15 s.
 */
export const eventually = (command: string) => `for i in $(seq 75); do case "$(${command})" in ""|0) sleep 0.2 ;; *) break ;; esac; done; ${command}`;

/** The other way round: a count run until it is 0 (what was stopped is gone: s6-supervise records a death a moment after it), for up to 15 s. */
export const eventuallyNone = (command: string) => `for i in $(seq 75); do [ "$(${command})" = 0 ] && break; sleep 0.2; done; ${command}`;

export async function powerOff(g: Guest): Promise<void> {
  g.type("goetia poweroff");
  expect(await g.exited).toBe(0);
  expect(g.output).toContain("reboot: Power down");
}

/**
 * Builds an initramfs with overlay files ({ "etc/x": "text" }; a leading
 * "#!", or bytes (a program), make it executable; { link: TARGET } is a
 * symbolic link).
 */
/** checkout: the goetia whose root it packs (another checkout's, for a benchmark's before and after); the image is this one's. */
export function buildImage(name: string, files: Record<string, string | Uint8Array | { link: string }> = {}, checkout = ROOT): string {
  return build("build-initramfs.sh", join(ROOT, "build", `test-${name}.img`), overlay(name, files), checkout);
}

/** Builds a disk image (and the boot initramfs, build/initrd-disk.img) with overlay files, as buildImage does. */
export function buildDisk(name: string, files: Record<string, string | Uint8Array | { link: string }> = {}): string {
  return build("build-disk.sh", join(ROOT, "build", `test-${name}-disk.img`), overlay(name, files));
}

/** Boots from a disk image made by buildDisk, through the boot initramfs, and waits for the console prompt. */
export async function diskToPrompt(disk: string, kernelArgs: string[] = []): Promise<Guest> {
  const guest = new Guest(join(ROOT, "build", "initrd-disk.img"), ["-d", disk, ...kernelArgs]);
  await guest.waitFor(PROMPT);
  return guest;
}

function overlay(name: string, files: Record<string, string | Uint8Array | { link: string }>): string {
  const dir = mkdtempSync(join(tmpdir(), `goetia-${name}-`));
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    if (typeof content === "object" && "link" in content) {
      symlinkSync(content.link, target);
      continue;
    }
    writeFileSync(target, content);
    if (typeof content !== "string" || content.startsWith("#!")) chmodSync(target, 0o755);
  }
  return dir;
}

function build(script: string, image: string, overlayDir: string, checkout = ROOT): string {
  const run = Bun.spawnSync([`scripts/${script}`, "-o", image, overlayDir], { cwd: checkout, stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`${script} failed: ${run.stderr}`);
  return image;
}

export class Guest {
  output = "";
  readonly exited: Promise<number>;
  private readonly process;
  private waiters: (() => void)[] = [];

  /** monitor: a unix socket path for QEMU's monitor (sendkey and friends). */
  constructor(image: string, kernelArgs: string[] = [], timeoutS = 120, monitor?: string) {
    const monitorArgs = monitor ? ["-m", monitor] : [];
    this.process = Bun.spawn(["scripts/boot.sh", "-t", String(timeoutS), "-r", image, ...monitorArgs, ...kernelArgs], {
      cwd: ROOT,
      detached: true, // a process group of its own: kill() ends QEMU too, not only the script
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    const collect = async (stream: ReadableStream<Uint8Array>) => {
      const decoder = new TextDecoder();
      for await (const chunk of stream) {
        this.output += decoder.decode(chunk, { stream: true });
        this.waiters.forEach((wake) => wake());
      }
    };
    const done = Promise.all([collect(this.process.stdout), collect(this.process.stderr)]);
    running.add(this);
    this.exited = done.then(() => this.process.exited).finally(() => running.delete(this));
  }

  /** Resolves with the match once pattern appears on the console (after the first `from` characters); rejects after timeoutMs or on exit. */
  waitFor(pattern: RegExp, timeoutMs = 90_000, from = 0): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.output.slice(from).match(pattern);
        if (!match) return false;
        cleanup();
        resolve(match);
        return true;
      };
      const timer = setTimeout(() => fail(`timed out waiting for ${pattern}`), timeoutMs);
      const fail = (why: string) => {
        cleanup();
        reject(new Error(`${why}\n--- console ---\n${this.output}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== wake);
      };
      const wake = () => void check();
      if (check()) return;
      this.waiters.push(wake);
      this.exited.then(() => check() || fail(`QEMU exited before ${pattern} appeared`));
    });
  }

  /** Types a line on the console, as a person at the serial line would. */
  type(line: string): void {
    this.process.stdin.write(`${line}\n`);
    this.process.stdin.flush();
  }

  /** Pulls the plug: QEMU and the script around it, at once (SIGKILL to their process group). */
  kill(): void {
    try {
      process.kill(-this.process.pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
}
