// The customer guide's flow through a client generated from openapi.yaml: the types come
// from the document alone (`npm run generate`), so a document that misdescribes a request or
// a response fails `tsc` or this run.
//
//   node dist/flow.js register BASE EMAIL        sign up; the activation mail follows
//   node dist/flow.js continue BASE EMAIL TOKEN  activate, accept the terms, subscribe,
//                                                choose the mails, add a delivery address
//
// Prints one JSON object with what it did; exits non-zero on the first surprise.

import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type SessionTokens = components["schemas"]["SessionTokens"];

const PASSWORD = "correct horse battery staple 9";

function fail(what: string, detail: unknown): never {
  throw new Error(`${what}: ${JSON.stringify(detail)}`);
}

async function register(base: string, email: string): Promise<object> {
  const api = createClient<paths>({ baseUrl: base });
  const { response, error } = await api.POST("/api/v1/registrations", {
    body: {
      email,
      password: PASSWORD,
      family_name: "山田",
      given_name: "花子",
      company: "Example株式会社",
      language: "ja",
    },
  });
  if (response.status !== 202) fail("sign-up", error ?? response.status);
  return { registered: email };
}

async function proceed(base: string, email: string, token: string): Promise<object> {
  const anonymous = createClient<paths>({ baseUrl: base });
  const status = await anonymous.GET("/api/v1/registrations/{token}", {
    params: { path: { token } },
  });
  if (!status.data) fail("registration status", status.error);

  const activated = await anonymous.POST("/api/v1/registrations/{token}/activation", {
    params: { path: { token } },
    body: { password: PASSWORD },
  });
  if (!activated.data) fail("activation", activated.error);
  const session: SessionTokens = activated.data;

  const api = createClient<paths>({
    baseUrl: base,
    headers: { Authorization: `Bearer ${session.access_token}` },
  });
  const terms = await api.GET("/api/v1/terms");
  if (!terms.data) fail("terms", terms.error);
  const accepted = await api.POST("/api/v1/me/terms-acceptance", {
    body: { version: terms.data.version },
  });
  if (accepted.response.status !== 204) fail("terms acceptance", accepted.error);

  const catalog = await api.GET("/api/v1/catalog");
  if (!catalog.data) fail("catalog", catalog.error);
  const product = catalog.data.categories
    .flatMap((c) => c.groups)
    .flatMap((g) => g.products)
    .find((p) => p.name_en === "ID Federation");
  if (!product) fail("catalog", "no ID Federation");

  const added = await api.PUT("/api/v1/me/subscriptions/{product}", {
    params: { path: { product: product.slug } },
  });
  if (!added.data) fail("subscribe", added.error);
  const flags = await api.PATCH("/api/v1/me/subscriptions/{product}", {
    params: { path: { product: product.slug } },
    body: { maintenance_mail: true, outage_mail: true },
  });
  if (!flags.data) fail("mail flags", flags.error);

  const address = await api.POST("/api/v1/me/recipients", {
    body: {
      email: `ops.${email}`,
      weekdays: ["mon", "tue", "wed", "thu", "fri"],
      hours: [9, 10, 11, 12, 13, 14, 15, 16, 17],
    },
  });
  if (!address.data) fail("delivery address", address.error);

  const me = await api.GET("/api/v1/me");
  if (!me.data) fail("me", me.error);
  const subscriptions = await api.GET("/api/v1/me/subscriptions");
  if (!subscriptions.data) fail("subscriptions", subscriptions.error);
  const recipients = await api.GET("/api/v1/me/recipients");
  if (!recipients.data) fail("recipients", recipients.error);

  return {
    account: me.data.email,
    subscriptions: subscriptions.data.map((s) => ({
      product: s.product.slug,
      maintenance_mail: s.maintenance_mail,
      outage_mail: s.outage_mail,
    })),
    recipients: recipients.data.map((r) => ({
      email: r.email,
      status: r.status,
      weekdays: r.weekdays,
      hours: r.hours,
    })),
  };
}

const [command, base, email, token] = process.argv.slice(2);
if (!base || !email) fail("usage", "register|continue BASE EMAIL [TOKEN]");
const result =
  command === "register"
    ? await register(base, email)
    : command === "continue" && token
      ? await proceed(base, email, token)
      : fail("usage", command);
console.log(JSON.stringify(result));
