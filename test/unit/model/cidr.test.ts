import { expect } from 'chai';
import {
  cidrContains,
  cidrWithin,
  describeCidrProblem,
  formatCidr,
  formatIp,
  hostCidr,
  isValidCidr,
  isValidIp,
  networkOf,
  parseCidr,
  parseIp,
  tryParseCidr,
} from '../../../src/model/index.js';
import { InputError } from '../../../src/util/errors.js';

describe('cidr', () => {
  describe('parseIp', () => {
    it('parses dotted-decimal IPv4', () => {
      expect(parseIp('10.244.1.11')).to.deep.equal({ family: 4, value: 0x0af4010bn });
      expect(parseIp('0.0.0.0')).to.deep.equal({ family: 4, value: 0n });
      expect(parseIp('255.255.255.255')).to.deep.equal({ family: 4, value: 0xffffffffn });
      expect(parseIp('10.1.2.3')).to.deep.equal({ family: 4, value: 0x0a010203n });
    });

    it('rejects malformed IPv4 (range, leading zeros, missing octets, junk)', () => {
      for (const bad of ['256.0.0.1', '10.0.0.256', '10.0.0', '10.0.0.1.2', '010.0.0.1', '1.2.3.-4', '1.2.3.4 ', 'a.b.c.d', '']) {
        expect(isValidIp(bad), bad).to.equal(false);
        expect(parseIp(bad), bad).to.equal(undefined);
      }
    });

    it('parses IPv6 with compression and an embedded IPv4 tail', () => {
      expect(parseIp('::')?.value).to.equal(0n);
      expect(parseIp('::1')).to.deep.equal({ family: 6, value: 1n });
      expect(parseIp('2001:db8::')?.value).to.equal(0x20010db8n << 96n);
      expect(parseIp('fd00::1')).to.deep.equal({ family: 6, value: (0xfd00n << 112n) | 1n });
      expect(parseIp('2001:DB8:0:0:0:0:0:1')?.value).to.equal(parseIp('2001:db8::1')?.value);
      expect(parseIp('::ffff:10.0.0.1')?.value).to.equal((0xffffn << 32n) | 0x0a000001n);
      expect(parseIp('1:2:3:4:5:6:7:8')?.family).to.equal(6);
    });

    it('rejects malformed IPv6', () => {
      for (const bad of ['1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'fe80::1%eth0', ':1', '1:2:3:4:5:6:7::8', '1:2:3:4:5:6:7::8:9', 'g::1']) {
        expect(isValidIp(bad), bad).to.equal(false);
        expect(parseIp(bad), bad).to.equal(undefined);
      }
    });

    it('formats addresses canonically (RFC 5952 for IPv6)', () => {
      expect(formatIp(parseIp('10.0.0.1')!)).to.equal('10.0.0.1');
      expect(formatIp(parseIp('2001:0DB8:0000:0000:0000:0000:0000:0001')!)).to.equal('2001:db8::1');
      expect(formatIp(parseIp('2001:db8:0:1:0:0:0:1')!)).to.equal('2001:db8:0:1::1');
      expect(formatIp(parseIp('2001:db8:0:1:1:1:1:1')!)).to.equal('2001:db8:0:1:1:1:1:1');
      expect(formatIp(parseIp('::')!)).to.equal('::');
    });
  });

  describe('parseCidr and cidrContains', () => {
    it('accepts valid IPv4 and IPv6 CIDRs and rejects invalid ones', () => {
      for (const good of ['10.0.0.0/8', '0.0.0.0/0', '10.0.0.1/32', 'fd00::/8', '::/0', '2001:db8::1/128', '10.0.0.1/24']) {
        expect(isValidCidr(good), good).to.equal(true);
      }
      for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/08', 'fd00::/129', '10.0.0.0/8/8', '/8', 'x/8']) {
        expect(isValidCidr(bad), bad).to.equal(false);
      }
    });

    it('reads a CIDR as its network, clearing host bits as the API server does', () => {
      expect(tryParseCidr('10.1.2.3/8')).to.deep.equal({ family: 4, prefixLength: 8, network: 0x0a000000n, text: '10.1.2.3/8' });
      expect(tryParseCidr('0.0.0.0/0')?.prefixLength).to.equal(0);
      expect(tryParseCidr('2001:db8::/32')?.family).to.equal(6);
      expect(tryParseCidr('10.0.0.0/33')).to.equal(undefined);
    });

    it('explains precisely why a CIDR is invalid, and has nothing to say about a valid one', () => {
      expect(describeCidrProblem('10.0.0.0/33')).to.equal('has an invalid prefix length "/33"; expected 0 to 32 for IPv4');
      expect(describeCidrProblem('2001:db8::/129')).to.equal('has an invalid prefix length "/129"; expected 0 to 128 for IPv6');
      expect(describeCidrProblem('10.0.0.0/08')).to.contain('prefix length');
      expect(describeCidrProblem('10.0.0.0/8/8')).to.contain('prefix length');
      expect(describeCidrProblem('10.0.0.1')).to.equal('must be a CIDR (address/prefix-length); for a single address write 10.0.0.1/32');
      expect(describeCidrProblem('2001:db8::1')).to.contain('2001:db8::1/128');
      expect(describeCidrProblem('x')).to.equal('must be a CIDR (address/prefix-length)');
      expect(describeCidrProblem('010.0.0.0/8')).to.equal(
        'has an IPv4 address with a leading zero ("010.0.0.0"), which is ambiguous; write the octets without leading zeros',
      );
      expect(describeCidrProblem('10.0.0/8')).to.equal('has an invalid IP address "10.0.0"');
      for (const good of ['10.0.0.0/8', '::/0', '10.0.0.1/24', 'fd00::/64']) expect(describeCidrProblem(good), good).to.equal(undefined);
      for (const bad of ['10.0.0.0', '10.0.0.0/-1', '/8', 'x/8', 'fe80::1%eth0/64']) expect(describeCidrProblem(bad), bad).to.be.a('string');
    });

    it('throws an InputError that shows a valid form', () => {
      expect(() => parseCidr('10.0.0.0/33')).to.throw(InputError, /CIDR "10\.0\.0\.0\/33" is not valid: expected .*10\.0\.0\.0\/16/);
    });

    it('reads a non-canonical CIDR as its network', () => {
      const c = parseCidr('10.0.0.1/24');
      expect(formatCidr(c)).to.equal('10.0.0.0/24');
      expect(c.text).to.equal('10.0.0.1/24');
      expect(cidrContains(c, '10.0.0.200')).to.equal(true);
      expect(cidrContains(c, '10.0.1.0')).to.equal(false);
      expect(formatCidr(parseCidr('10.244.1.10/4'))).to.equal('0.0.0.0/4');
    });

    it('tests IPv4 membership at the block boundaries', () => {
      expect(cidrContains('192.168.0.0/16', '192.168.0.0')).to.equal(true);
      expect(cidrContains('192.168.0.0/16', '192.168.255.255')).to.equal(true);
      expect(cidrContains('192.168.0.0/16', '192.169.0.0')).to.equal(false);
      expect(cidrContains('192.168.0.0/16', '192.167.255.255')).to.equal(false);
      expect(cidrContains('0.0.0.0/0', '255.255.255.255')).to.equal(true);
      expect(cidrContains('10.1.2.3/32', '10.1.2.3')).to.equal(true);
      expect(cidrContains('10.1.2.3/32', '10.1.2.4')).to.equal(false);
    });

    it('tests IPv6 membership at the block boundaries', () => {
      expect(cidrContains('fd00:10::/64', 'fd00:10::ffff:ffff:ffff:ffff')).to.equal(true);
      expect(cidrContains('fd00:10::/64', 'fd00:10:0:1::')).to.equal(false);
      expect(cidrContains('::/0', '2001:db8::1')).to.equal(true);
      expect(cidrContains('2001:db8::/32', '2001:db9::')).to.equal(false);
      expect(cidrContains('2001:db8::1/127', '2001:db8::')).to.equal(true);
    });

    it('never puts an address of one family in a block of the other', () => {
      expect(cidrContains('0.0.0.0/0', '::1')).to.equal(false);
      expect(cidrContains('::/0', '10.0.0.1')).to.equal(false);
      expect(cidrContains('::ffff:0:0/96', '10.0.0.1')).to.equal(false);
    });
  });

  describe('cidrWithin (an except inside its cidr)', () => {
    it('decides whether one block lies inside another, equal blocks included, never across families', () => {
      const cases: [outer: string, inner: string, within: boolean][] = [
        ['10.0.0.0/8', '10.1.0.0/16', true],
        ['10.0.0.0/8', '10.0.0.0/8', true],
        ['10.0.0.0/8', '10.255.255.255/32', true],
        ['10.0.0.1/8', '10.9.0.0/16', true],
        ['0.0.0.0/0', '169.254.169.254/32', true],
        ['10.0.0.0/16', '10.0.0.0/8', false],
        ['10.0.0.0/8', '11.0.0.0/16', false],
        ['2001:db8::/32', '2001:db9::/48', false],
        ['::/0', '10.0.0.0/8', false],
        ['0.0.0.0/0', 'fd00::/64', false],
      ];
      for (const [outer, inner, within] of cases) expect(cidrWithin(outer, inner), `${inner} within ${outer}`).to.equal(within);
      expect(cidrWithin(parseCidr('2001:db8::/32'), parseCidr('2001:db8:1::/48'))).to.equal(true);
    });

    it('tests addresses against parsed blocks too', () => {
      expect(cidrContains(parseCidr('2001:db8::/32'), parseIp('2001:db8:1::5') ?? '::')).to.equal(true);
      expect(cidrContains(parseCidr('10.0.0.0/8'), parseIp('11.0.0.1') ?? '0.0.0.0')).to.equal(false);
    });
  });

  describe('networkOf and hostCidr (rebuilding CIDRs from live pod IPs)', () => {
    it('masks an address to a network', () => {
      expect(networkOf('10.244.1.11', 4)).to.equal('0.0.0.0/4');
      expect(networkOf('172.18.0.5', 12)).to.equal('172.16.0.0/12');
      expect(networkOf('fd00:10:244:1::b', 64)).to.equal('fd00:10:244:1::/64');
      expect(() => networkOf('10.0.0.1', 33)).to.throw(InputError, 'prefix length 33');
    });

    it('gives the single-address block of an address', () => {
      expect(hostCidr('10.244.2.11')).to.equal('10.244.2.11/32');
      expect(hostCidr('fd00::b')).to.equal('fd00::b/128');
    });
  });
});
