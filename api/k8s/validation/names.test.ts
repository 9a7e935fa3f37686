import { describe, expect, it } from 'vitest';
import { isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIP, isValidLabelValue, isValidPortName, nameIsDNSSubdomain } from './names.js';

const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('name rules', () => {
  it.each([
    ['web', []],
    ['a-1', []],
    ['Web', [LABEL_MSG]],
    ['-a', [LABEL_MSG]],
    ['a.b', ['must not contain dots']],
    ['a'.repeat(64), ['must be no more than 63 characters']],
  ])('DNS-1123 label %j', (v, errs) => expect(isDNS1123Label(v)).toEqual(errs));

  it.each([
    ['example.com', []],
    ['Foo', [SUBDOMAIN_MSG]],
    ['a_b', [SUBDOMAIN_MSG]],
    ['a'.repeat(254), ['must be no more than 253 characters']],
  ])('DNS-1123 subdomain %j', (v, errs) => expect(isDNS1123Subdomain(v)).toEqual(errs));

  it.each([
    ['my-svc', []],
    ['1svc', [DNS1035_MSG]],
  ])('DNS-1035 label %j', (v, errs) => expect(isDNS1035Label(v)).toEqual(errs));

  it('generateName may end in a dash', () => {
    expect(nameIsDNSSubdomain('web-', true)).toEqual([]);
    expect(nameIsDNSSubdomain('web-', false)).toEqual([SUBDOMAIN_MSG]);
  });

  it.each([
    ['app', []],
    ['app.kubernetes.io/name', []],
    ['a/b/c', ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]],
    ['/a', ['prefix part must be non-empty']],
    ['-a', [NAME_PART_MSG]],
    ['Example.com/a', [`prefix part ${SUBDOMAIN_MSG}`]],
    ['a/', ['name part must be non-empty', NAME_PART_MSG]],
  ])('qualified name %j', (v, errs) => expect(isQualifiedName(v)).toEqual(errs));

  it.each([
    ['', []],
    ['v1.2_x', []],
    ['-x', ["a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]],
  ])('label value %j', (v, errs) => expect(isValidLabelValue(v)).toEqual(errs));

  it.each([
    ['http', []],
    ['HTTP', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
    ['8080', ['must contain at least one letter (a-z)']],
    ['a--b', ['must not contain consecutive hyphens']],
    ['-ab', ['must not begin or end with a hyphen']],
    ['abcdefghijklmnop', ['must be no more than 15 characters']],
  ])('port name %j', (v, errs) => expect(isValidPortName(v)).toEqual(errs));

  it.each([
    ['config.yaml', []],
    ['a b', ["a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]],
    ['..a', ["must not start with '..'"]],
  ])('config key %j', (v, errs) => expect(isConfigMapKey(v)).toEqual(errs));

  it.each([
    ['10.0.0.1', true],
    ['256.0.0.1', false],
    ['::1', true],
    ['2001:db8::ffff', true],
    ['None', false],
  ])('IP %s', (ip, ok) => expect(isValidIP(ip)).toBe(ok));
});
