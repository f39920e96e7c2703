import { powerCommand } from "./power-command.ts";

export default powerCommand("poweroff");
