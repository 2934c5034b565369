// The password a person just typed (on the register page, or on the login page of an unverified
// account), handed to the verify page in memory only: verification sets the account's password from
// whoever holds the code, so the verify page must send it, and should not ask for it twice. Never
// stored anywhere a later script could read it; gone on reload, and once taken.
let pending = null;

export function handOverPassword(email, password) {
  pending = { email: email.trim().toLowerCase(), password };
}

/** The password handed over for this address, if any; it is given out once. */
export function takePassword(email) {
  const found = pending && pending.email === email.trim().toLowerCase() ? pending.password : null;
  pending = null;
  return found;
}
