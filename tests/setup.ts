// Preloaded by bun test (bunfig.toml). Native tests spawn children; give them room.
import { setDefaultTimeout } from "bun:test";

setDefaultTimeout(60_000);
