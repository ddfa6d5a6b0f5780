import { expect } from 'chai';
import { cidrContains, cidrContainsIp, isValidCidr, parseCidr, parseIp } from '../../../src/suite/cidr.js';

function cidr(text: string) {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.problem}`);
  return parsed.cidr;
}

describe('suite/cidr', () => {
  it('parses IPv4 and IPv6 addresses', () => {
    expect(parseIp('10.1.2.3')).to.deep.equal({ family: 4, value: 0x0a010203n });
    expect(parseIp('::1')).to.deep.equal({ family: 6, value: 1n });
    expect(parseIp('2001:db8::')?.value).to.equal(0x20010db8n << 96n);
    expect(parseIp('::ffff:10.0.0.1')?.value).to.equal((0xffffn << 32n) | 0x0a000001n);
    expect(parseIp('1:2:3:4:5:6:7:8')?.family).to.equal(6);
  });

  it('rejects malformed addresses', () => {
    for (const bad of ['10.0.0', '10.0.0.256', '010.0.0.1', '1.2.3.4.5', '1::2::3', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', '', '1:2:3:4:5:6:7::8:9']) {
      expect(parseIp(bad), bad).to.equal(undefined);
    }
  });

  it('parses CIDRs, clearing host bits as the API server does', () => {
    expect(cidr('10.1.2.3/8')).to.deep.equal({ family: 4, prefixLength: 8, network: 0x0a000000n });
    expect(cidr('0.0.0.0/0').prefixLength).to.equal(0);
    expect(cidr('2001:db8::/32').family).to.equal(6);
    expect(isValidCidr('::/0')).to.equal(true);
  });

  it('explains why a CIDR is invalid', () => {
    const problem = (text: string) => {
      const parsed = parseCidr(text);
      return parsed.ok ? '' : parsed.problem;
    };
    expect(problem('10.0.0.0/33')).to.contain('0 to 32');
    expect(problem('2001:db8::/129')).to.contain('0 to 128');
    expect(problem('10.0.0.0/08')).to.contain('prefix length');
    expect(problem('10.0.0.1')).to.contain('10.0.0.1/32');
    expect(problem('2001:db8::1')).to.contain('2001:db8::1/128');
    expect(problem('010.0.0.0/8')).to.contain('leading zero');
    expect(problem('10.0.0/8')).to.contain('invalid IP address');
  });

  it('decides containment, never across families', () => {
    expect(cidrContains(cidr('10.0.0.0/8'), cidr('10.1.0.0/16'))).to.equal(true);
    expect(cidrContains(cidr('10.0.0.0/8'), cidr('10.0.0.0/8'))).to.equal(true);
    expect(cidrContains(cidr('10.0.0.0/16'), cidr('10.0.0.0/8'))).to.equal(false);
    expect(cidrContains(cidr('10.0.0.0/8'), cidr('11.0.0.0/16'))).to.equal(false);
    expect(cidrContains(cidr('0.0.0.0/0'), cidr('169.254.169.254/32'))).to.equal(true);
    expect(cidrContains(cidr('::/0'), cidr('10.0.0.0/8'))).to.equal(false);
    expect(cidrContainsIp(cidr('2001:db8::/32'), parseIp('2001:db8:1::5') ?? { family: 4, value: 0n })).to.equal(true);
    expect(cidrContainsIp(cidr('10.0.0.0/8'), parseIp('11.0.0.1') ?? { family: 4, value: 0n })).to.equal(false);
  });
});
