import { expect } from 'chai';
import { externalAddressScope } from '../../../src/suite/index.js';

describe('external target addresses', () => {
  it('documentation ranges are fine', () => {
    for (const ip of ['192.0.2.1', '198.51.100.20', '203.0.113.10', '2001:db8::1', '3fff::10']) expect(externalAddressScope(ip), ip).to.equal('documentation');
  });

  it('private, shared, benchmarking and link-local ranges are fine', () => {
    for (const ip of ['10.20.30.40', '172.31.255.1', '192.168.1.1', '100.64.0.1', '198.19.0.1', '169.254.169.254', 'fd00::1', 'fe80::1']) {
      expect(externalAddressScope(ip), ip).to.equal('private');
    }
  });

  it('real public addresses need an opt-in (and nothing unparsable counts as safe)', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '203.0.114.1', '2606:4700:4700::1111', '2001:db9::1', 'not-an-ip']) {
      expect(externalAddressScope(ip), ip).to.equal('public');
    }
  });
});
