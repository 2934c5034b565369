import { version } from "../package.json";

// Only the version: a default import would put all of package.json (scripts, dependencies) in the bundle.
export const VERSION: string = version;
