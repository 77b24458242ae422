/**
 * The production guard: real money moves on the production gateway, so a run against it needs
 * `--allow-production`. Hosts are compared after normalization, so no spelling of the same host
 * (letter case, a trailing dot, a port, percent-encoding, full-width dots, another IP literal form)
 * slips through.
 */

/** The gateway's production hosts (and their subdomains). */
export const PRODUCTION_HOSTS: readonly string[] = ["gateway.pay-cross.com"];

/**
 * One spelling per host. The WHATWG URL parser already lowercases, percent-decodes, maps IDNA dots
 * and rewrites IPv4 forms (`0x7f.1`, `2130706433`) to dotted quads; what it keeps is undone here:
 * trailing dots, IPv6 brackets, IPv4-mapped IPv6.
 */
export function normalizeHost(hostname: string): string {
  let host = hostname.toLowerCase().replace(/\.+$/, "");
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const hi = Number.parseInt(mapped[1]!, 16);
    const lo = Number.parseInt(mapped[2]!, 16);
    host = [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
  }
  const dotted = /^::ffff:([0-9.]+)$/.exec(host);
  if (dotted) host = dotted[1]!;
  return host;
}

/** A host given in a list (a name or an IP literal in any form) in its normalized spelling. */
function normalizeListed(host: string): string {
  try {
    return normalizeHost(
      new URL(`http://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}/`).hostname,
    );
  } catch {
    return normalizeHost(host);
  }
}

/** Whether a URL points at a production host or one of its subdomains. */
export function isProductionUrl(url: URL, hosts: readonly string[] = PRODUCTION_HOSTS): boolean {
  const host = normalizeHost(url.hostname);
  return hosts.map(normalizeListed).some((p) => host === p || host.endsWith(`.${p}`));
}
