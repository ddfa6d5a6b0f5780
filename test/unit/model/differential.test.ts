/** The compiled model against the naive reference, on seeded random states: every verdict must be identical. */
import { expect } from 'chai';
import { CELL, compileModel, createNaiveModel, podKey, type ClusterState, type Endpoint, type PolicyModel, type Traffic, type Verdict } from '../../../src/model/index.js';
import { createRandom } from '../../support/seeded-random.js';
import { EXTERNAL_IPS, QUERIES, RandomStates } from './random-state.js';

const STATES = 200;

describe('compiled model vs naive reference (differential)', () => {
  it(`agrees on every verdict and explanation of ${STATES} random states`, () => {
    let judged = 0;
    let allowed = 0;
    let undecided = 0;
    let decidedByNetwork = 0;
    let familiesDiffer = 0;
    let noConnection = 0;
    /** NO_CONNECTION cells of the partial tables, by named family (0: none named). */
    const tableNoConnection: number[] = [];
    for (let seed = 1; seed <= STATES; seed += 1) {
      const state = new RandomStates(createRandom(seed)).state();
      const compiled = compileModel(state);
      const naive = createNaiveModel(state);
      const endpoints: Endpoint[] = [
        ...state.pods.map((p): Endpoint => ({ kind: 'pod', namespace: p.namespace, name: p.name })),
        ...EXTERNAL_IPS.map((ip): Endpoint => ({ kind: 'external', ip })),
      ];
      for (const query of QUERIES) {
        for (const source of endpoints) {
          for (const destination of endpoints) {
            const traffic: Traffic = { source, destination, ...query };
            const connections = naive.evaluateFamilies(traffic);
            expect(compiled.evaluateFamilies(traffic), `seed ${seed}: ${JSON.stringify(traffic)}`).to.deep.equal(connections);
            // a single connection, and each family asked by name: the same verdicts, or the same InputError
            for (const family of seed % 4 === 0 ? ([undefined, 4, 6] as const) : []) {
              const asked: Traffic = family === undefined ? traffic : { ...traffic, family };
              const how = family === undefined ? 'evaluate' : `family ${family}`;
              expect(outcome(compiled, asked), `seed ${seed} ${how}: ${JSON.stringify(traffic)}`).to.deep.equal(outcome(naive, asked));
            }
            if (connections.length === 0) noConnection += 1;
            if (connections.length === 2 && connections[0]?.allowed !== connections[1]?.allowed) familiesDiffer += 1;
            for (const expected of connections) {
              judged += 1;
              if (expected.allowed) allowed += 1;
              const ipSides = [expected.egress, expected.ingress].filter((side) => side.dependsOnPeerIp);
              if (ipSides.length > 0) undecided += 1;
              if (admittedByIpBlockWithoutIp(state, traffic, expected)) decidedByNetwork += 1;
            }
          }
        }
        const bulk = compiled.evaluateMatrix(query);
        const reference = naive.evaluateMatrix(query);
        expect(bulk.sources).to.deep.equal(state.pods.map(podKey));
        expect(bulk.cells, `seed ${seed}: matrix ${query.port}/${query.protocol}`).to.deep.equal(reference.cells);
        // tables whose rows and columns differ (as a suite's matrix), each family named or none
        const keys = state.pods.map(podKey);
        const half = Math.ceil(keys.length / 2);
        for (const family of [undefined, 4, 6] as const) {
          const part = { ...query, sources: keys.slice(0, half), destinations: keys.slice(half), ...(family !== undefined ? { family } : {}) };
          const got = compiled.evaluateMatrix(part);
          const want = naive.evaluateMatrix(part);
          expect(got.cells, `seed ${seed}: ${half}x${keys.length - half} matrix, family ${family}`).to.deep.equal(want.cells);
          for (let i = 0; i < got.cells.length; i += 1) {
            if (got.cells[i] === CELL.NO_CONNECTION) tableNoConnection[family ?? 0] = (tableNoConnection[family ?? 0] ?? 0) + 1;
          }
          const width = keys.length - half;
          if (width > 0 && half > 0) expect(got.verdicts(half - 1, width - 1), `seed ${seed} family ${family}: verdicts`).to.deep.equal(want.verdicts(half - 1, width - 1));
        }
      }
    }
    // The generator must produce both outcomes in bulk, or the comparison proves little.
    expect(allowed).to.be.greaterThan(judged * 0.1);
    expect(judged - allowed).to.be.greaterThan(judged * 0.1);
    // ...and pods without an IP, undecided (no pod network or one partly inside a block) and decided by a network
    expect(undecided, 'verdicts that depend on pod IPs').to.be.greaterThan(100);
    expect(decidedByNetwork, 'IP-less pods admitted by an ipBlock peer through the pod network').to.be.greaterThan(0);
    // ...and dual-stack pairs whose IPv4 and IPv6 connections differ, and pairs with no family in common
    expect(familiesDiffer, 'dual-stack pairs whose two connections get different verdicts').to.be.greaterThan(20);
    expect(noConnection, 'pairs that share no address family').to.be.greaterThan(0);
    // ...and tables that name a family some of their pods do not have
    expect(tableNoConnection[4], 'family 4 table cells without a connection').to.be.greaterThan(0);
    expect(tableNoConnection[6], 'family 6 table cells without a connection').to.be.greaterThan(0);
  });

  it('agrees on traffic asked by port name', () => {
    for (let seed = 1000; seed < 1100; seed += 1) {
      const state = new RandomStates(createRandom(seed)).state();
      const compiled = compileModel(state);
      const naive = createNaiveModel(state);
      const from = state.pods[0];
      if (from === undefined) continue;
      for (const portName of ['http', 'dns', 'web']) {
        for (const ip of EXTERNAL_IPS) {
          const traffic: Traffic = { source: { kind: 'pod', namespace: from.namespace, name: from.name }, destination: { kind: 'external', ip }, port: 80, protocol: 'TCP', portName };
          expect(compiled.evaluateFamilies(traffic)).to.deep.equal(naive.evaluateFamilies(traffic));
        }
      }
    }
  });
});

/** The verdict of `evaluate`, or the message of the InputError it throws. */
function outcome(model: PolicyModel, traffic: Traffic): Verdict | string {
  try {
    return model.evaluate(traffic);
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

/** A side admitted the connection by an ipBlock peer although its other end is a pod without an IP. */
function admittedByIpBlockWithoutIp(state: ClusterState, traffic: Traffic, verdict: Verdict): boolean {
  const sides = [
    { side: verdict.egress, other: traffic.destination },
    { side: verdict.ingress, other: traffic.source },
  ];
  return sides.some(({ side, other }) => {
    const ref = side.allowedBy;
    if (!ref || ref.peerIndex === undefined || other.kind !== 'pod') return false;
    if (state.pods.find((p) => p.namespace === other.namespace && p.name === other.name)?.ips !== undefined) return false;
    const policy = state.policies.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === ref.policy);
    const rule = ref.direction === 'Ingress' ? policy?.spec.ingress?.[ref.ruleIndex]?.from : policy?.spec.egress?.[ref.ruleIndex]?.to;
    return rule?.[ref.peerIndex]?.ipBlock !== undefined;
  });
}
