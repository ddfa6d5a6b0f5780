/**
 * Policy files are decoded as kubectl decodes them. kubectl turns YAML into JSON with sigs.k8s.io/yaml, which
 * unmarshals with its fork of go-yaml v2 into interface{} and marshals the result to JSON. The expectations below
 * are what that pipeline produces, decided from go-yaml v2's resolve.go (the resolve table: a plain scalar is
 * looked up in the bool/null/float map when it starts with one of "yYnNtTfFoO~.", parsed as a number when it
 * starts with a digit or a sign: strconv.ParseInt(s, 0, 64) after removing "_", then the yamlStyleFloat regexp,
 * never base 60) and from decode.go (a timestamp decoded into interface{} stays a string; !!binary is base64-
 * decoded into a string; tags on mappings are not special, so !!set {a, b} is a map of nulls), and from
 * sigs.k8s.io/yaml's convertToJSONableObject (map keys become strings: true, 8, 1.5; a null key is an error).
 *
 * Where the `yaml` package's own 'yaml-1.1' schema differs (0o10, 0X1F, 1:30, timestamps, !!set, !!binary), the
 * go-yaml v2 value is expected: that is what reaches the API server.
 */
import { expect } from 'chai';
import { parseDocument } from 'yaml';
import { KUBECTL_YAML_OPTIONS } from '../../../src/util/yaml/index.js';
import { fixedLocator, IssueList } from '../../../src/util/yaml/index.js';
import { parseYamlDocuments } from '../../../src/util/yaml/yaml-documents.js';

function kubectl(text: string): unknown {
  const issues = IssueList.create(fixedLocator({ file: 'p.yaml', line: 1, column: 1 }));
  const [document] = parseYamlDocuments(text, 'p.yaml', issues, { reading: 'kubectl' });
  expect(issues.issues, JSON.stringify(issues.issues)).to.deep.equal([]);
  return document?.value;
}

function suiteReading(text: string): unknown {
  const issues = IssueList.create(fixedLocator({ file: 's.yaml', line: 1, column: 1 }));
  return parseYamlDocuments(text, 's.yaml', issues)[0]?.value;
}

/** [plain scalar, what kubectl sends (JSON value), why] */
const SCALARS: [string, unknown, string][] = [
  ['010', 8, 'ParseInt base 0: a leading 0 is octal'],
  ['0_10', 8, 'underscores are removed first'],
  ['0o10', 8, 'Go >= 1.13 ParseInt accepts 0o (the yaml package 1.1 schema reads a string)'],
  ['0O10', 8, 'ParseInt accepts the prefix in capitals'],
  ['0x1F', 31, 'hex'],
  ['0X1F', 31, 'hex, capital prefix (a string for the yaml package 1.1 schema)'],
  ['0b101', 5, 'binary'],
  ['0B11', 3, 'binary, capital prefix'],
  ['1_000', 1000, 'underscores are removed'],
  ['-0x10', -16, 'a sign before the prefix'],
  ['+8', 8, 'a plus sign'],
  ['08', 8, 'not octal: ParseInt fails, the float regexp reads 8'],
  ['089', 89, 'not octal: read as a decimal float'],
  ['1e3', 1000, 'yamlStyleFloat allows an exponent without a dot'],
  ['+.5', 0.5, 'a signed float'],
  ['.5', 0.5, "'.' starts a float"],
  ['3.0', 3, 'a float; JSON 3'],
  ['y', true, 'YAML 1.1 bool'],
  ['Y', true, 'YAML 1.1 bool'],
  ['yes', true, 'YAML 1.1 bool'],
  ['Yes', true, 'YAML 1.1 bool'],
  ['on', true, 'YAML 1.1 bool'],
  ['ON', true, 'YAML 1.1 bool'],
  ['true', true, 'bool'],
  ['n', false, 'YAML 1.1 bool'],
  ['No', false, 'YAML 1.1 bool'],
  ['off', false, 'YAML 1.1 bool'],
  ['FALSE', false, 'bool'],
  ['~', null, 'null'],
  ['Null', null, 'null'],
  ['', null, 'an empty value is null'],
  ['1:30', '1:30', 'base 60 is "purposefully unsupported" by go-yaml v2 (the yaml package 1.1 schema reads 90)'],
  ['2001-12-14', '2001-12-14', 'a timestamp decoded into interface{} stays a string (the yaml package reads a Date)'],
  ['0x', '0x', 'no digits after the prefix: a string'],
  ['yess', 'yess', 'not in the bool map'],
  ['-_1', -1, 'the sign hint, underscores removed'],
  ['"010"', '010', 'quoted: always a string'],
  ['!!str 010', '010', 'explicit !!str'],
];

describe('util/yaml: reading policy files as kubectl does (go-yaml v2 via sigs.k8s.io/yaml)', () => {
  for (const [scalar, sent, why] of SCALARS) {
    it(`${JSON.stringify(scalar)} is sent as ${JSON.stringify(sent)} (${why})`, () => {
      expect((kubectl(`v: ${scalar}\n`) as { v: unknown }).v).to.deep.equal(sent);
    });
  }

  it('suites keep YAML 1.2: yes, on and 010 are "yes", "on" and 10 there (docs/suite-format.md)', () => {
    expect(suiteReading('a: yes\nb: on\nc: 010\nd: 0o10\ne: 1_000\n')).to.deep.equal({ a: 'yes', b: 'on', c: 10, d: 8, e: '1_000' });
  });

  it('!!set {a, b} is a map of nulls, as go-yaml v2 decodes a tagged mapping (not an empty selector)', () => {
    expect(kubectl('podSelector: !!set {app, tier}\n')).to.deep.equal({ podSelector: { app: null, tier: null } });
  });

  it('!!binary is the decoded text; !!omap is a plain list of maps', () => {
    expect(kubectl('a: !!binary aGk=\nb: !!omap [{x: 1}]\n')).to.deep.equal({ a: 'hi', b: [{ x: 1 }] });
  });

  it('map keys become strings the way sigs.k8s.io/yaml writes them: yes -> "true", 010 -> "8"', () => {
    expect(kubectl('m: {yes: a, 010: b, 1.5: c}\n')).to.deep.equal({ m: { true: 'a', 8: 'b', '1.5': 'c' } });
  });

  it('a null key is refused ("unsupported map key"), with its position', () => {
    const issues = IssueList.create(fixedLocator({ file: 'p.yaml', line: 1, column: 1 }));
    const documents = parseYamlDocuments('a: 1\nm:\n  ~: x\n', 'p.yaml', issues, { reading: 'kubectl' });
    expect(documents).to.deep.equal([]);
    expect(issues.issues.map((i) => `${i.position?.line}:${i.position?.column} ${i.message}`)).to.deep.equal([
      '3:3 this map has a null key (~, null or nothing), which kubectl refuses ("unsupported map key"); give the key a name',
    ]);
  });

  it('the kubectl reading agrees with the yaml package wherever both read the same (merge keys, quoted text, lists)', () => {
    const text = 'base: &b {app: web}\nsel: {<<: *b, tier: "1"}\nports: [80, "http"]\n';
    expect(kubectl(text)).to.deep.equal(parseDocument(text, { merge: true }).toJS());
    expect(parseDocument('v: 010', KUBECTL_YAML_OPTIONS).toJS()).to.deep.equal({ v: 8 });
  });
});
