/** The production guard recognises every spelling of a production host, and only those. */
import { describe, expect, it } from "vitest";
import { isProductionUrl, normalizeHost } from "../src/index.js";

describe("production guard: every spelling of the host is the host", () => {
  const production = [
    ["plain", "https://gateway.pay-cross.com/"],
    ["upper case", "https://GATEWAY.Pay-Cross.COM/"],
    ["trailing dot", "https://gateway.pay-cross.com./"],
    ["two trailing dots", "https://gateway.pay-cross.com../"],
    ["a port", "https://gateway.pay-cross.com:8443/"],
    ["trailing dot and port", "https://gateway.pay-cross.com.:443/transactions"],
    ["credentials in the URL", "https://user:pw@gateway.pay-cross.com/"],
    ["percent-encoded dot", "https://gateway%2Epay-cross%2ecom/"],
    ["full-width dots", "https://gateway\u3002pay-cross\uFF0Ecom/"],
    ["a subdomain", "https://api.gateway.pay-cross.com/"],
  ] as const;
  it.each(production)("%s: %s is refused", (_name, url) => {
    expect(isProductionUrl(new URL(url))).toBe(true);
  });

  const elsewhere = [
    "https://sandbox.example/",
    "https://gateway.pay-cross.com.evil.example/",
    "https://notgateway.pay-cross.com/",
    "http://127.0.0.1:4010/",
  ];
  it.each(elsewhere)("%s is not production", (url) => {
    expect(isProductionUrl(new URL(url))).toBe(false);
  });

  // IP literal forms, against a production list that holds an address.
  const listed = ["203.0.113.7"];
  const n = (203 << 24) + (113 << 8) + 7;
  const ipForms = [
    ["dotted quad", "http://203.0.113.7/"],
    ["one decimal number", `http://${n >>> 0}/`],
    ["hex parts", "http://0xcb.0x0.0x71.0x7/"],
    ["octal parts", "http://0313.0.0161.07/"],
    ["short form", "http://203.0.28935/"],
    ["IPv4-mapped IPv6, dotted", "http://[::ffff:203.0.113.7]/"],
    ["IPv4-mapped IPv6, hex", "http://[::ffff:cb00:7107]/"],
    ["IPv4-mapped IPv6, long form", "http://[0:0:0:0:0:ffff:cb00:7107]/"],
    ["trailing dot on an address", "http://203.0.113.7./"],
  ] as const;
  it.each(ipForms)("IP literal, %s: %s is refused", (_name, url) => {
    expect(isProductionUrl(new URL(url), listed)).toBe(true);
  });
  it("another address is not", () => {
    expect(isProductionUrl(new URL("http://203.0.113.8/"), listed)).toBe(false);
    expect(normalizeHost("[::1]")).toBe("::1");
  });
});
