// What the API says about this deployment (GET /client-config), asked once per page load: whether codes
// are mailed, where a local stack's mail can be read, and the roles an account can have.
import { request } from "./api.js";

let config = null;

export function clientConfig() {
  config ??= request("GET", "/client-config").catch((err) => {
    config = null; // a failed read is asked again next time
    throw err;
  });
  return config;
}
