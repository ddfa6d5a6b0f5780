import { expect } from 'chai';
import { classifyAgnhostConnect } from '../../../src/probe/agnhost-connect-outcome.js';
import { classifyCurl, CURL_EXIT } from '../../../src/probe/curl-outcome.js';
import { classifyNslookup } from '../../../src/probe/nslookup-outcome.js';

describe('probe outcome classification', () => {
  describe('curl', () => {
    it('exit 0 with an HTTP status is connected, with the status as evidence', () => {
      const o = classifyCurl(CURL_EXIT.OK, '200', '');
      expect(o.outcome).to.equal('connected');
      expect(o.detail).to.contain('HTTP 200');
    });
    it('exit 7 is refused (RST or ICMP unreachable)', () => {
      const o = classifyCurl(7, '000', 'curl: (7) Failed to connect to 10.244.0.5 port 80 after 1 ms: Connection refused');
      expect(o.outcome).to.equal('refused');
      expect(o.detail).to.contain('Connection refused');
      expect(o.detail).not.to.contain('HTTP 000');
    });
    it('exit 28 is a timeout', () => {
      expect(classifyCurl(28, '000', 'curl: (28) Connection timed out after 2001 milliseconds').outcome).to.equal('timeout');
    });
    it('exit 6 is a DNS failure, not a block', () => {
      expect(classifyCurl(6, '000', 'curl: (6) Could not resolve host: api').outcome).to.equal('dns-error');
    });
    it('a missing curl (127) and unknown codes are exec errors naming the code', () => {
      expect(classifyCurl(127, '', 'sh: curl: not found').outcome).to.equal('exec-error');
      const other = classifyCurl(52, '000', 'curl: (52) Empty reply from server');
      expect(other.outcome).to.equal('exec-error');
      expect(other.detail).to.contain('exit code 52');
    });
  });

  describe('nslookup', () => {
    it('an answer is resolved', () => {
      const out = 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n';
      expect(classifyNslookup(0, out, '').outcome).to.equal('resolved');
    });
    it('NXDOMAIN is dns-nxdomain', () => {
      const out = 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can\'t find nope.default.svc.cluster.local: NXDOMAIN\n';
      expect(classifyNslookup(1, out, '').outcome).to.equal('dns-nxdomain');
    });
    it('no server reached is dns-unreachable (how a DNS egress deny looks)', () => {
      const out = ';; connection timed out; no servers could be reached\n';
      expect(classifyNslookup(1, out, '').outcome).to.equal('dns-unreachable');
      expect(classifyNslookup(1, '', ';; communications error to 10.96.0.10#53: timed out\n').outcome).to.equal('dns-unreachable');
    });
    it('SERVFAIL is another DNS error, not a block', () => {
      const out = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find example.com: SERVFAIL\n";
      expect(classifyNslookup(1, out, '').outcome).to.equal('dns-error');
    });
    it('exit 0 without an address is not taken as resolved', () => {
      expect(classifyNslookup(0, 'Server: 10.96.0.10', '').outcome).to.equal('dns-error');
    });
    it('a missing nslookup or an unexpected code is an exec error', () => {
      expect(classifyNslookup(127, '', 'sh: nslookup: not found').outcome).to.equal('exec-error');
      expect(classifyNslookup(2, '', 'nslookup: unrecognized option').outcome).to.equal('exec-error');
    });
  });

  describe('agnhost connect', () => {
    it('exit 0 is connected', () => {
      expect(classifyAgnhostConnect(0, '', '').outcome).to.equal('connected');
    });
    it('reads the fixed stderr prefixes', () => {
      expect(classifyAgnhostConnect(1, '', 'TIMEOUT\n').outcome).to.equal('timeout');
      expect(classifyAgnhostConnect(1, '', 'TIMEOUT: read udp 10.244.0.5:4000->10.96.3.4:80: i/o timeout\n').outcome).to.equal('timeout');
      expect(classifyAgnhostConnect(1, '', 'REFUSED: read udp ...: connection refused\n').outcome).to.equal('refused');
      expect(classifyAgnhostConnect(1, '', 'DNS: lookup x: no such host\n').outcome).to.equal('dns-error');
    });
    it('an SCTP association refused (reported as OTHER) is refused; other OTHER errors are exec errors', () => {
      expect(classifyAgnhostConnect(1, '', 'OTHER: connection refused\n').outcome).to.equal('refused');
      const unsupported = classifyAgnhostConnect(1, '', 'OTHER: protocol not supported\n');
      expect(unsupported.outcome).to.equal('exec-error');
      expect(unsupported.detail).to.contain('protocol not supported');
      expect(unsupported.unsupported, 'final: no wait makes it work').to.equal(true);
      expect(classifyAgnhostConnect(1, '', 'OTHER: some other error\n').unsupported).to.equal(undefined);
    });
    it('UNKNOWN (bad arguments) and a missing binary are exec errors', () => {
      expect(classifyAgnhostConnect(1, '', 'UNKNOWN: missing port in address\n').outcome).to.equal('exec-error');
      expect(classifyAgnhostConnect(127, '', 'sh: /agnhost: not found').outcome).to.equal('exec-error');
    });
  });
});
