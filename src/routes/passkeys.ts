import { OpenAPIHono } from "@hono/zod-openapi";
import * as z from "../schemas/zod";
import { apiRoute } from "../http/api-route";
import type { AppEnv } from "../http/app-env";
import { clientInfo } from "../http/client-info";
import { toPasskeyOut, toTokenResponse } from "../http/presenters";
import { setRefreshCookie } from "../http/refresh-cookie";
import { validationHook } from "../http/validation";
import { PresentedPassword, Uuid, VisibleText } from "../schemas/fields";
import { documented, json, jsonBody, REAUTHENTICATION_PROBLEMS, TokenResponse } from "../schemas/responses";
import {
  deleteOwnPasskey,
  finishPasskeyRegistration,
  finishPasskeySignIn,
  listOwnPasskeys,
  MAX_PASSKEYS_PER_USER,
  renameOwnPasskey,
  startPasskeyRegistration,
  startPasskeySignIn,
  type Reauthentication,
} from "../services/passkey-service";

const Base64Url = z.string().min(1).max(8192).regex(/^[A-Za-z0-9_-]+$/, "must be base64url (no padding)");
const CredentialId = Base64Url.max(1400);
const Attachment = z.enum(["platform", "cross-platform"]).nullable().optional();
const ExtensionResults = z.record(z.string(), z.unknown()).optional();
const JSON_FORM =
  "as `PublicKeyCredential.toJSON()` (or @simplewebauthn/browser) gives it. Fields browsers add beyond these are ignored.";

const RegistrationCredential = z
  .object({
    id: CredentialId,
    rawId: CredentialId,
    type: z.literal("public-key"),
    response: z.object({
      clientDataJSON: Base64Url,
      attestationObject: Base64Url,
      transports: z.array(z.string().max(32)).max(10).optional(),
    }),
    clientExtensionResults: ExtensionResults,
    authenticatorAttachment: Attachment,
  })
  .openapi("RegistrationCredential", { description: `What navigator.credentials.create() answered, ${JSON_FORM}` });

const AuthenticationCredentialFields = z.object({
    id: CredentialId,
    rawId: CredentialId,
    type: z.literal("public-key"),
    response: z.object({
      clientDataJSON: Base64Url,
      authenticatorData: Base64Url,
      signature: Base64Url.max(1024),
      userHandle: Base64Url.max(128).nullable().optional(),
    }),
    clientExtensionResults: ExtensionResults,
    authenticatorAttachment: Attachment,
  });
const AuthenticationCredential = AuthenticationCredentialFields.openapi("AuthenticationCredential", {
  description: `What navigator.credentials.get() answered, ${JSON_FORM}`,
});

const PasskeyName = VisibleText(64).openapi({
  example: "Work laptop",
  description: "What the user calls it: 1 to 64 characters, not all spaces, no control characters; surrounding spaces are dropped.",
});

// Exactly one of the two (additionalProperties is false, so min/maxProperties 1 says so in the document).
const PasskeyReauthentication = z
  .strictObject({
    password: PresentedPassword.optional().openapi({ description: "The account's password." }),
    // The fields, not the named component: an optional use of a component would be generated as the
    // component itself, with its required fields dropped.
    credential: AuthenticationCredentialFields.optional(),
  })
  .refine((body) => (body.password === undefined) !== (body.credential === undefined), {
    message: "Send the password or a passkey's answer (credential): one of them.",
    path: ["password"],
  })
  .openapi("PasskeyReauthentication", {
    minProperties: 1,
    maxProperties: 1,
    description: "The account's `password`, or a `credential`: one of the account's passkeys answering a challenge from POST /auth/passkey/options.",
  });

const PasskeyRegistrationIn = z.strictObject({ credential: RegistrationCredential, name: PasskeyName.optional() }).openapi("PasskeyRegistrationIn");
const PasskeyRename = z.strictObject({ name: PasskeyName }).openapi("PasskeyRename");
const PasskeySignInIn = z.strictObject({ credential: AuthenticationCredential }).openapi("PasskeySignInIn");

const Descriptor = documented(() => z.object({ type: z.literal("public-key"), id: z.string(), transports: z.array(z.string()) }));

const CreationOptions = documented(() =>
  z
    .object({
      challenge: z.string(),
      rp: z.object({ id: z.string(), name: z.string() }),
      user: z.object({ id: z.string().openapi({ description: "base64url of the account's id (the passkey's user handle)." }), name: z.string(), displayName: z.string() }),
      pubKeyCredParams: z.array(z.object({ type: z.literal("public-key"), alg: z.number().int() })),
      timeout: z.number().int(),
      attestation: z.literal("none"),
      excludeCredentials: z.array(Descriptor()),
      authenticatorSelection: z.object({ residentKey: z.literal("required"), requireResidentKey: z.literal(true), userVerification: z.literal("required") }),
    })
    .openapi("PasskeyCreationOptions", {
      description: "PublicKeyCredentialCreationOptionsJSON: pass it to `PublicKeyCredential.parseCreationOptionsFromJSON()` or @simplewebauthn/browser's `startRegistration({ optionsJSON })`.",
    }),
);

const RequestOptions = documented(() =>
  z
    .object({
      challenge: z.string(),
      rpId: z.string(),
      timeout: z.number().int(),
      userVerification: z.literal("required"),
      allowCredentials: z.array(Descriptor()).openapi({ description: "Empty: the browser offers whichever passkeys it has for this site." }),
    })
    .openapi("PasskeyRequestOptions", {
      description: "PublicKeyCredentialRequestOptionsJSON: pass it to `PublicKeyCredential.parseRequestOptionsFromJSON()` or @simplewebauthn/browser's `startAuthentication({ optionsJSON })`.",
    }),
);

const PasskeyOut = documented(() =>
  z
    .object({
      id: z.string().uuid(),
      name: z.string(),
      created_at: z.string().datetime(),
      last_used_at: z.string().datetime().nullable(),
      backed_up: z.boolean().openapi({ description: "Whether the authenticator said the passkey is synced to a backup (e.g. a cloud keychain)." }),
      transports: z.array(z.string()),
    })
    .openapi("PasskeyOut"),
);

const PasskeyId = z.object({ id: Uuid.openapi({ param: { name: "id", in: "path" } }) });

const own = { tag: "users", access: "bearer" } as const;

const registrationOptionsRoute = apiRoute({
  ...own,
  method: "post",
  path: "/users/me/passkeys/options",
  operationId: "startPasskeyRegistration",
  summary: "Start adding a passkey: the password again (or an existing passkey), then options for navigator.credentials.create()",
  description: `The challenge is good once, for 5 minutes, for this session. At most ${MAX_PASSKEYS_PER_USER} passkeys per account.`,
  rateLimit: "password",
  request: { body: jsonBody(PasskeyReauthentication) },
  problems: [...REAUTHENTICATION_PROBLEMS, "invalid_passkey_proof", "invalid_passkey_challenge", "too_many_passkeys"],
  responses: () => ({ 200: json(CreationOptions(), "Options for the browser.") }),
});

const registerRoute = apiRoute({
  ...own,
  method: "post",
  path: "/users/me/passkeys",
  operationId: "addPasskey",
  summary: "Add a passkey: the browser's answer to the options",
  description: "Checked against the challenge, the origins and the relying party this service is configured with; attestation is not asked for.",
  request: { body: jsonBody(PasskeyRegistrationIn) },
  problems: ["passkey_rejected", "invalid_passkey_challenge", "passkey_already_registered", "too_many_passkeys"],
  responses: () => ({ 201: json(PasskeyOut(), "Added.") }),
});

const listRoute = apiRoute({
  ...own,
  method: "get",
  path: "/users/me/passkeys",
  operationId: "listPasskeys",
  summary: "The user's passkeys, newest first",
  responses: () => ({ 200: json(z.object({ items: z.array(PasskeyOut()) }), "Passkeys.") }),
});

const renameRoute = apiRoute({
  ...own,
  method: "patch",
  path: "/users/me/passkeys/{id}",
  operationId: "renamePasskey",
  summary: "Rename a passkey",
  request: { params: PasskeyId, body: jsonBody(PasskeyRename) },
  problems: ["passkey_not_found"],
  responses: () => ({ 200: json(PasskeyOut(), "Renamed.") }),
});

const deleteRoute = apiRoute({
  ...own,
  method: "delete",
  path: "/users/me/passkeys/{id}",
  operationId: "deletePasskey",
  summary: "Remove a passkey; it signs in no more",
  request: { params: PasskeyId },
  problems: ["passkey_not_found"],
  responses: () => ({ 204: { description: "Removed." } }),
});

const signInOptionsRoute = apiRoute({
  method: "post",
  path: "/auth/passkey/options",
  operationId: "startPasskeySignIn",
  tag: "auth",
  access: "public",
  summary: "Start signing in with a passkey: options for navigator.credentials.get()",
  description: "No email asked: the passkey says whose it is. The challenge is good once, for 5 minutes.",
  rateLimit: "passkey",
  responses: () => ({ 200: json(RequestOptions(), "Options for the browser.") }),
});

const signInRoute = apiRoute({
  method: "post",
  path: "/auth/passkey",
  operationId: "signInWithPasskey",
  tag: "auth",
  access: "public",
  summary: "Sign in with a passkey: the browser's answer to the options",
  description:
    "Two round trips. The same token response and refresh cookie as a password sign-in; the tokens carry `amr: [\"hwk\", \"mfa\"]` (the authenticator verified the user), so two-factor authentication does not ask for a code. A sign counter that goes backwards (a cloned authenticator) is refused and logged.",
  rateLimit: "passkey",
  request: { body: jsonBody(PasskeySignInIn) },
  problems: ["invalid_passkey", "invalid_passkey_challenge"],
  responses: () => ({ 200: json(TokenResponse(), "Signed in; a session was opened.") }),
});

const reauthenticationOf = (body: z.infer<typeof PasskeyReauthentication>): Reauthentication =>
  body.password !== undefined ? { password: body.password } : { credential: body.credential! };

export const passkeyRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

passkeyRoutes.openapi(registrationOptionsRoute, async (c) =>
  c.json(await startPasskeyRegistration(c.get("deps"), c.get("caller"), reauthenticationOf(c.req.valid("json")), clientInfo(c)), 200),
);

passkeyRoutes.openapi(registerRoute, async (c) => {
  const body = c.req.valid("json");
  const passkey = await finishPasskeyRegistration(c.get("deps"), c.get("caller"), { response: body.credential, name: body.name });
  return c.json(toPasskeyOut(passkey), 201);
});

passkeyRoutes.openapi(listRoute, async (c) => c.json({ items: (await listOwnPasskeys(c.get("deps"), c.get("caller"))).map(toPasskeyOut) }, 200));

passkeyRoutes.openapi(renameRoute, async (c) =>
  c.json(toPasskeyOut(await renameOwnPasskey(c.get("deps"), c.get("caller"), c.req.valid("param").id, c.req.valid("json").name)), 200),
);

passkeyRoutes.openapi(deleteRoute, async (c) => {
  await deleteOwnPasskey(c.get("deps"), c.get("caller"), c.req.valid("param").id);
  return c.body(null, 204);
});

passkeyRoutes.openapi(signInOptionsRoute, async (c) => c.json(await startPasskeySignIn(c.get("deps")), 200));

passkeyRoutes.openapi(signInRoute, async (c) => {
  const tokens = await finishPasskeySignIn(c.get("deps"), c.req.valid("json").credential, clientInfo(c));
  setRefreshCookie(c, tokens);
  return c.json(toTokenResponse(tokens), 200);
});
