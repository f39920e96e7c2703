import { defineCommand } from "citty";
import { userInit } from "../../user/init.ts";

export default defineCommand({
  meta: {
    name: "user-init",
    description: "Start USER's supervision tree USERTREE (both from the environment) and become its s6-svscan; GOETIABUNDLE names its first bundle",
  },
  run() {
    return userInit();
  },
});
