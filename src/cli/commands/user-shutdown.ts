import { defineCommand } from "citty";
import { userShutdown } from "../../user/shutdown.ts";

export default defineCommand({
  meta: { name: "user-shutdown", description: "Bring USER's tree USERTREE (both from the environment) down, in reverse order, and end its s6-svscan" },
  run() {
    return userShutdown();
  },
});
