/** ipBlock against a pod network: how static verify treats pods whose IP it does not know. */
import { expect } from 'chai';
import { ipBlockMatchesNetwork, parseIpBlock, parsePodNetwork } from '../../../src/model/ip-block.js';
import { InputError } from '../../../src/util/errors.js';

describe('ipBlockMatchesNetwork', () => {
  const match = (cidr: string, except: string[], networks: string[]): string =>
    ipBlockMatchesNetwork(parseIpBlock({ cidr, except }, 'test'), networks.map(parsePodNetwork));

  it('all: the block holds every address of every network and no except touches them', () => {
    expect(match('10.0.0.0/8', [], ['10.244.0.0/16'])).to.equal('all');
    expect(match('0.0.0.0/0', ['169.254.169.254/32'], ['10.244.0.0/16', '192.168.0.0/16'])).to.equal('all');
    expect(match('10.244.0.0/16', [], ['10.244.0.0/16'])).to.equal('all');
  });

  it('none: the networks lie outside the block, or inside one except', () => {
    expect(match('203.0.113.0/24', [], ['10.244.0.0/16'])).to.equal('none');
    expect(match('0.0.0.0/0', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], ['10.244.0.0/16', '192.168.0.0/16'])).to.equal('none');
    expect(match('10.0.0.0/8', ['10.244.0.0/16'], ['10.244.1.0/24'])).to.equal('none');
    expect(match('fd00::/8', [], ['10.244.0.0/16']), 'another family').to.equal('none');
  });

  it('some: the pod\'s real IP decides (partial overlap, an except inside the network, networks that differ)', () => {
    expect(match('10.244.1.0/24', [], ['10.244.0.0/16'])).to.equal('some');
    expect(match('10.0.0.0/8', ['10.244.5.0/24'], ['10.244.0.0/16'])).to.equal('some');
    expect(match('10.0.0.0/8', [], ['10.244.0.0/16', '192.168.0.0/16'])).to.equal('some');
    // covered only by two excepts together: conservative, never a wrong 'none'
    expect(match('10.0.0.0/8', ['10.244.0.0/17', '10.244.128.0/17'], ['10.244.0.0/16'])).to.equal('some');
  });

  it('rejects a pod network that is not a CIDR', () => {
    expect(() => parsePodNetwork('10.244.0.0')).to.throw(InputError, /pod network "10.244.0.0" is not an IPv4 or IPv6 CIDR/);
  });
});
