import { defineCommand } from "citty";
import { UsageError } from "../../lib/errors.ts";
import { recordBoot, recordWayDown } from "../../shutdown/login-records.ts";

export default defineCommand({
  meta: { name: "utmp", description: "Record the boot (boot) or the way down under way (down) in /run/utmp and /var/log/wtmp" },
  args: {
    when: { type: "positional", description: "boot or down", required: true },
  },
  run({ args }) {
    if (args.when === "boot") return recordBoot();
    if (args.when === "down") return void recordWayDown();
    throw new UsageError(`utmp: "${args.when}": say boot or down`);
  },
});
