import { expect } from 'chai';
import { describePodNetwork } from '../../../src/deploy/pod-network-check.js';

describe('describePodNetwork (live pod IPs against a suite\'s fixture.podNetwork)', () => {
  it('says so when every pod IP is inside, dual-stack pods by either address', () => {
    const ips = new Map([
      ['apps/a', ['10.244.0.7']],
      ['apps/b', ['fd00::7', '10.244.1.9']],
    ]);
    expect(describePodNetwork(['10.0.0.0/8'], ips)).to.equal('declared 10.0.0.0/8: every pod IP is inside');
  });

  it('names the pods outside it and what to do', () => {
    const ips = new Map([
      ['apps/a', ['10.244.0.7']],
      ['apps/b', ['192.168.3.4']],
    ]);
    const text = describePodNetwork(['10.0.0.0/8'], ips);
    expect(text).to.contain('but 1 of 2 pods are outside it (apps/b 192.168.3.4)');
    expect(text).to.contain("set fixture.podNetwork to this cluster's pod CIDR");
  });
});
