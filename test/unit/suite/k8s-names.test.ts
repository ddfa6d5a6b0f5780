import { expect } from 'chai';
import {
  dns1035LabelProblem,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  dnsNameProblem,
  labelValueProblem,
  portNameProblem,
  qualifiedNameProblem,
} from '../../../src/suite/k8s-names.js';

describe('suite/k8s-names', () => {
  it('accepts DNS-1123 labels and rejects the rest', () => {
    for (const ok of ['a', 'prod', 'a-1', '0abc', 'x'.repeat(63)]) expect(dns1123LabelProblem(ok), ok).to.equal(undefined);
    for (const bad of ['', 'Prod', '-a', 'a-', 'a.b', 'a_b', 'x'.repeat(64)]) expect(dns1123LabelProblem(bad), bad).to.be.a('string');
  });

  it('requires a leading letter for DNS-1035 labels (Service names)', () => {
    expect(dns1035LabelProblem('api')).to.equal(undefined);
    expect(dns1035LabelProblem('1api')).to.contain('starting with a letter');
  });

  it('accepts DNS-1123 subdomains up to 253 characters', () => {
    expect(dns1123SubdomainProblem('allow.dns-egress')).to.equal(undefined);
    expect(dns1123SubdomainProblem('a..b')).to.be.a('string');
    expect(dns1123SubdomainProblem(`${'a'.repeat(63)}.`.repeat(4).slice(0, 254))).to.contain('253');
  });

  it('checks label keys: optional subdomain prefix, name of at most 63 characters', () => {
    for (const ok of ['app', 'app.kubernetes.io/name', 'k8s-app', 'A_b.c', 'example.com/X']) expect(qualifiedNameProblem(ok), ok).to.equal(undefined);
    expect(qualifiedNameProblem('-app')).to.contain('start and end');
    expect(qualifiedNameProblem('/app')).to.contain('empty prefix');
    expect(qualifiedNameProblem('example.com/')).to.contain('empty name');
    expect(qualifiedNameProblem('a/b/c')).to.contain('at most one "/"');
    expect(qualifiedNameProblem('Example.com/app')).to.contain('invalid prefix');
    expect(qualifiedNameProblem('x'.repeat(64))).to.contain('63');
    expect(qualifiedNameProblem(`${'a'.repeat(254)}/x`)).to.contain('253');
  });

  it('checks label values: empty allowed, 63 characters, label charset', () => {
    for (const ok of ['', 'prod', 'v1.2_3-x', 'x'.repeat(63)]) expect(labelValueProblem(ok), ok).to.equal(undefined);
    for (const bad of ['-x', 'x-', 'a b', 'x'.repeat(64), 'a/b']) expect(labelValueProblem(bad), bad).to.be.a('string');
  });

  it('checks IANA_SVC_NAME port names like the API server', () => {
    for (const ok of ['http', 'dns-tcp', 'h2c', 'a'.repeat(15)]) expect(portNameProblem(ok), ok).to.equal(undefined);
    expect(portNameProblem('a'.repeat(16))).to.contain('15');
    expect(portNameProblem('Http')).to.contain('lower-case');
    expect(portNameProblem('8080')).to.contain('without quotes');
    expect(portNameProblem('a--b')).to.contain('consecutive');
    expect(portNameProblem('-ab')).to.contain('start or end');
    expect(portNameProblem('ab-')).to.contain('start or end');
  });

  it('checks names to look up in DNS', () => {
    for (const ok of ['api', 'api.prod.svc.cluster.local', 'example.com.', '_http._tcp.example.com', 'API.Example.com']) {
      expect(dnsNameProblem(ok), ok).to.equal(undefined);
    }
    expect(dnsNameProblem('a..b')).to.contain('empty label');
    expect(dnsNameProblem('.a')).to.contain('empty label');
    expect(dnsNameProblem('a b')).to.contain('invalid label');
    expect(dnsNameProblem('-a.b')).to.contain('invalid label');
    expect(dnsNameProblem(`${'a'.repeat(64)}.com`)).to.contain('63');
    expect(dnsNameProblem('')).to.contain('empty');
  });
});
