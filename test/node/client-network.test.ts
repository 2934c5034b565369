import { describe, expect, it } from "vitest";
import { clientNetwork } from "../../src/security/client-network";

describe("clientNetwork (what rate limits and lockouts count)", () => {
  it("keeps an IPv4 address as it is", () => {
    expect(clientNetwork("203.0.113.7")).toBe("203.0.113.7");
  });

  it("groups IPv6 by /64, however the address is written", () => {
    const net = "2001:db8:0:1::/64";
    for (const ip of ["2001:db8:0:1::1", "2001:0db8:0000:0001:ffff:ffff:ffff:ffff", "2001:DB8:0:1:a:b:c:d", "2001:db8::1:0:0:0:1", "2001:db8:0:1::1%eth0"]) {
      expect(clientNetwork(ip), ip).toBe(net);
    }
    expect(clientNetwork("2001:db8:0:2::1")).not.toBe(net);
    expect(clientNetwork("::1")).toBe("0:0:0:0::/64");
  });

  it("reads IPv4-mapped IPv6 as the IPv4 address", () => {
    expect(clientNetwork("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(clientNetwork("::ffff:cb00:7107")).toBe("203.0.113.7");
  });

  it("puts anything it cannot read into one shared bucket", () => {
    for (const ip of [null, undefined, "", "not an ip", "1.2.3", "256.1.1.1", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9"]) {
      expect(clientNetwork(ip as string | null)).toBe("unknown");
    }
  });
});
