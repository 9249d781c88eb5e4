import { describe, expect, it } from 'vitest';
import { type EventPattern, matches, validatePattern } from '../../infra/local/eventbridge/pattern.js';

// Examples follow the AWS EventBridge user guide ("Event patterns", "Content filtering in Amazon
// EventBridge event patterns", "Comparison operators", "Arrays in event patterns", "Matching null values")
// and, where the guide is silent, the reference implementation aws/event-ruler.

/** Validates first, exactly as the local bus does when a rule is registered. */
const match = (pattern: EventPattern, event: Record<string, unknown>) =>
  matches(validatePattern(pattern), event);

// The EC2 sample event from the "Event patterns" page.
const ec2Terminated = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

// The event used throughout the event-ruler README (and the content-filtering examples).
const ec2Running = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...ec2Running, detail });

describe('event patterns: structure', () => {
  const terminationPattern = {
    source: ['aws.ec2'],
    'detail-type': ['EC2 Instance State-change Notification'],
    detail: { state: ['terminated'] },
  };

  it('matches the documented instance-termination pattern against the EC2 sample event', () => {
    expect(match(terminationPattern, ec2Terminated)).toBe(true);
  });

  it('ANDs fields: one mismatching field fails the whole pattern', () => {
    expect(match({ ...terminationPattern, detail: { state: ['running'] } }, ec2Terminated)).toBe(false);
  });

  it('ORs the alternatives inside a leaf array', () => {
    expect(match({ source: ['aws.ec2', 'aws.fargate'] }, ec2Terminated)).toBe(true);
    expect(match({ source: ['aws.s3', 'aws.fargate'] }, ec2Terminated)).toBe(false);
  });

  it('requires the same nesting as the event (state lives under detail, not at the top)', () => {
    expect(match({ state: ['terminated'] }, ec2Terminated)).toBe(false);
    expect(match({ detail: { 'instance-id': ['i-1234567890abcdef0'] } }, ec2Terminated)).toBe(true);
  });

  it('does not match when a pattern field is missing from the event', () => {
    expect(match({ detail: { 'c-count': [5] } }, ec2Terminated)).toBe(false);
  });

  it('matches numbers by value (Macie example: risk-score 80, trigger.risk 8) but not their string form', () => {
    const macie = {
      source: 'aws.macie',
      'detail-type': 'Macie Alert',
      detail: { 'risk-score': 80, trigger: { 'alert-type': 'basic', risk: 8 } },
    };
    expect(match({ detail: { 'risk-score': [80], trigger: { risk: [8] } } }, macie)).toBe(true);
    expect(match({ detail: { 'risk-score': ['80'] } }, macie)).toBe(false);
    expect(match({ x: [5] }, JSON.parse('{"x": 5.0}'))).toBe(true);
  });

  it('matches booleans exactly and never their string form', () => {
    expect(match({ detail: { ok: [true] } }, withDetail({ ok: true }))).toBe(true);
    expect(match({ detail: { ok: [true] } }, withDetail({ ok: 'true' }))).toBe(false);
  });

  it('keeps null and the empty string distinct (null-values page)', () => {
    const asg = { source: 'aws.autoscaling', detail: { eventVersion: '', responseElements: null } };
    expect(match({ detail: { responseElements: [null] } }, asg)).toBe(true);
    expect(match({ detail: { eventVersion: [''] } }, asg)).toBe(true);
    expect(match({ detail: { responseElements: [''] } }, asg)).toBe(false);
    expect(match({ detail: { eventVersion: [null] } }, asg)).toBe(false);
  });

  it('never matches a leaf pattern against an object value', () => {
    expect(match({ detail: ['running'] }, ec2Running)).toBe(false);
  });
});

describe('event patterns: arrays in events', () => {
  it('matches when the pattern array and the event array intersect (arrays page)', () => {
    const pattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    expect(match(pattern, event)).toBe(true);
    expect(match(pattern, { resources: [event.resources[0]] })).toBe(false);
    expect(match(pattern, { resources: [] })).toBe(false);
  });

  it('descends into arrays of objects, requiring one element to satisfy the whole sub-pattern', () => {
    const event = {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    };
    expect(match({ employees: { firstName: ['Anna'] } }, event)).toBe(true);
    expect(match({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event)).toBe(true);
    // Fields from different elements must not combine (event-ruler's array-consistent matching).
    expect(match({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event)).toBe(false);
  });
});

describe('prefix and suffix', () => {
  it('prefix: "time" starting with 2017-10-02', () => {
    const pattern = { time: [{ prefix: '2017-10-02' }] };
    expect(match(pattern, ec2Running)).toBe(true);
    expect(match(pattern, ec2Terminated)).toBe(false);
  });

  it('prefix with equals-ignore-case: service starting with EventB in any casing', () => {
    const pattern = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
    expect(match(pattern, withDetail({ service: 'eventbridge' }))).toBe(true);
    expect(match(pattern, withDetail({ service: 'EVENTBRIDGE' }))).toBe(true);
    expect(match(pattern, withDetail({ service: 'sqs' }))).toBe(false);
  });

  it('prefix only applies to strings', () => {
    expect(match({ detail: { 'c-count': [{ prefix: '5' }] } }, ec2Running)).toBe(false);
  });

  it('suffix: FileName ending with .png is case-sensitive without equals-ignore-case', () => {
    const pattern = { FileName: [{ suffix: '.png' }] };
    expect(match(pattern, { FileName: 'image.png' })).toBe(true);
    expect(match(pattern, { FileName: 'image.png.txt' })).toBe(false);
    expect(match(pattern, { FileName: 'IMAGE.PNG' })).toBe(false);
  });

  it('suffix with equals-ignore-case matches .PNG too', () => {
    const pattern = { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } };
    expect(match(pattern, withDetail({ FileName: 'IMAGE.PNG' }))).toBe(true);
    expect(match(pattern, withDetail({ FileName: 'image.jpg' }))).toBe(false);
  });
});

describe('anything-but', () => {
  it('single string: state is anything but "initializing"', () => {
    const pattern = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    expect(match(pattern, ec2Running)).toBe(true);
    expect(match(pattern, withDetail({ state: 'initializing' }))).toBe(false);
  });

  it('single number: x-limit is anything but 123', () => {
    const pattern = { detail: { 'x-limit': [{ 'anything-but': 123 }] } };
    expect(match(pattern, ec2Running)).toBe(true);
    expect(match(pattern, withDetail({ 'x-limit': 123 }))).toBe(false);
  });

  it('list of strings and list of numbers', () => {
    const strings = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(match(strings, ec2Running)).toBe(true);
    expect(match(strings, withDetail({ state: 'overloaded' }))).toBe(false);
    const numbers = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
    expect(match(numbers, ec2Running)).toBe(true);
    expect(match(numbers, withDetail({ 'x-limit': 200 }))).toBe(false);
  });

  it('prefix: anything not starting with "init"', () => {
    const pattern = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };
    expect(match(pattern, ec2Running)).toBe(true);
    expect(match(pattern, withDetail({ state: 'initializing' }))).toBe(false);
  });

  it('prefix "CAN" must NOT match "CANCELLED" but matches "OPEN"', () => {
    const pattern = { detail: { status: [{ 'anything-but': { prefix: 'CAN' } }] } };
    expect(match(pattern, withDetail({ status: 'CANCELLED' }))).toBe(false);
    expect(match(pattern, withDetail({ status: 'OPEN' }))).toBe(true);
  });

  it('suffix: FileName not ending with .txt', () => {
    const pattern = { FileName: [{ 'anything-but': { suffix: '.txt' } }] };
    expect(match(pattern, { FileName: 'photo.png' })).toBe(true);
    expect(match(pattern, { FileName: 'notes.txt' })).toBe(false);
  });

  it('equals-ignore-case, as a string and as a list', () => {
    const one = { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } };
    expect(match(one, withDetail({ state: 'INITIALIZING' }))).toBe(false);
    expect(match(one, ec2Running)).toBe(true);
    const list = {
      detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] },
    };
    expect(match(list, withDetail({ state: 'overloaded' }))).toBe(false);
    expect(match(list, ec2Running)).toBe(true);
  });

  it('wildcard: FilePath that does not include /lib/', () => {
    const pattern = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
    expect(match(pattern, { FilePath: '/usr/lib/libc.so' })).toBe(false);
    expect(match(pattern, { FilePath: '/usr/bin/env' })).toBe(true);
  });

  it('does not match a missing field: the field must exist', () => {
    expect(match({ detail: { missing: [{ 'anything-but': 'x' }] } }, ec2Running)).toBe(false);
    expect(match({ detail: { missing: [{ 'anything-but': { prefix: 'x' } }] } }, ec2Running)).toBe(false);
  });

  it('exclusions only apply to their own type, so a value of another type matches (as in event-ruler)', () => {
    expect(match({ detail: { 'c-count': [{ 'anything-but': '5' }] } }, ec2Running)).toBe(true);
    expect(match({ detail: { 'c-count': [{ 'anything-but': { prefix: '5' } }] } }, ec2Running)).toBe(true);
  });

  it('against an event array, matches when some element is not excluded', () => {
    const pattern = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    expect(match(pattern, withDetail({ state: ['initializing', 'running'] }))).toBe(true);
    expect(match(pattern, withDetail({ state: ['initializing'] }))).toBe(false);
  });
});

describe('numeric', () => {
  it('range > 0, <= 5 (c-count)', () => {
    const pattern = { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } };
    expect(match(pattern, ec2Running)).toBe(true); // 5: upper bound inclusive
    expect(match(pattern, withDetail({ 'c-count': 0 }))).toBe(false); // lower bound exclusive
    expect(match(pattern, withDetail({ 'c-count': 5.5 }))).toBe(false);
    expect(match(pattern, withDetail({ 'c-count': 0.1 }))).toBe(true);
  });

  it('one-sided bounds and equality in the documented combined pattern', () => {
    const pattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    expect(match(pattern, ec2Running)).toBe(true);
    expect(match(pattern, withDetail({ ...ec2Running.detail, 'd-count': 10 }))).toBe(false);
    expect(match(pattern, withDetail({ ...ec2Running.detail, 'x-limit': 301.9 }))).toBe(false);
  });

  it('>= includes its bound and < excludes it', () => {
    const pattern = { n: [{ numeric: ['>=', 10, '<', 20] }] };
    expect(match(pattern, { n: 10 })).toBe(true);
    expect(match(pattern, { n: 20 })).toBe(false);
    expect(match(pattern, { n: -1 })).toBe(false);
  });

  it('only matches JSON numbers, never the string "5"', () => {
    const pattern = { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } };
    expect(match(pattern, withDetail({ 'c-count': '5' }))).toBe(false);
  });

  it('matches an event array when some element is in range', () => {
    expect(match({ scores: [{ numeric: ['>', 90] }] }, { scores: [10, 95] })).toBe(true);
    expect(match({ scores: [{ numeric: ['>', 90] }] }, { scores: [10, 20] })).toBe(false);
  });
});

describe('exists', () => {
  it('exists: true matches a present detail.state and not an event without it', () => {
    const pattern = { detail: { state: [{ exists: true }] } };
    expect(match(pattern, ec2Running)).toBe(true);
    const noState = {
      'detail-type': 'EC2 Instance State-change Notification',
      detail: { 'c-count': { c1: 100 } },
    };
    expect(match(pattern, noState)).toBe(false);
  });

  it('exists: false matches only when the field is absent', () => {
    const pattern = { detail: { 'c-count': [{ exists: false }] } };
    expect(match(pattern, ec2Terminated)).toBe(true);
    expect(match(pattern, ec2Running)).toBe(false);
  });

  it('only sees leaves: exists:false matches when c-count is an object (intermediate node)', () => {
    const event = { detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } };
    expect(match({ detail: { 'c-count': [{ exists: false }] } }, event)).toBe(true);
    expect(match({ detail: { 'c-count': [{ exists: true }] } }, event)).toBe(false);
  });

  it('treats a null value as present, and a missing parent as absent', () => {
    expect(match({ detail: { v: [{ exists: true }] } }, withDetail({ v: null }))).toBe(true);
    expect(match({ nothing: { here: [{ exists: false }] } }, ec2Running)).toBe(true);
  });
});

describe('equals-ignore-case and wildcard', () => {
  it('equals-ignore-case: Name is "alice" in any casing, but only whole strings', () => {
    const pattern = { Name: [{ 'equals-ignore-case': 'alice' }] };
    expect(match(pattern, { Name: 'Alice' })).toBe(true);
    expect(match(pattern, { Name: 'ALICE' })).toBe(true);
    expect(match(pattern, { Name: 'Alicia' })).toBe(false);
  });

  it('wildcard "dir/*.png": * matches any run of characters, anchored at both ends', () => {
    const pattern = { FilePath: [{ wildcard: 'dir/*.png' }] };
    expect(match(pattern, { FilePath: 'dir/image.png' })).toBe(true);
    expect(match(pattern, { FilePath: 'dir/sub/image.png' })).toBe(true);
    expect(match(pattern, { FilePath: 'dir/.png' })).toBe(true);
    expect(match(pattern, { FilePath: 'xdir/image.png' })).toBe(false);
    expect(match(pattern, { FilePath: 'dir/image.png.bak' })).toBe(false);
  });

  it('wildcard treats regex metacharacters literally and supports several stars', () => {
    const pattern = { arn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] };
    expect(match(pattern, { arn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' })).toBe(true);
    expect(match(pattern, { arn: 'arn:aws:events:us-west-2:123456789012:event-bus/default' })).toBe(false);
    expect(match({ v: [{ wildcard: 'a.c' }] }, { v: 'abc' })).toBe(false);
  });

  it('wildcard: \\* is a literal star and \\\\ a literal backslash', () => {
    const star = { v: [{ wildcard: 'a\\*b' }] };
    expect(match(star, { v: 'a*b' })).toBe(true);
    expect(match(star, { v: 'aXb' })).toBe(false);
    expect(match({ v: [{ wildcard: 'a\\\\*' }] }, { v: 'a\\anything' })).toBe(true);
  });
});

describe('cidr', () => {
  it('matches IPv4 addresses inside 10.0.0.0/24 only', () => {
    const pattern = { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } };
    expect(match(pattern, ec2Running)).toBe(true);
    expect(match(pattern, withDetail({ 'source-ip': '10.0.0.255' }))).toBe(true);
    expect(match(pattern, withDetail({ 'source-ip': '10.0.1.1' }))).toBe(false);
    expect(match(pattern, withDetail({ 'source-ip': 'not-an-ip' }))).toBe(false);
  });

  it('handles /0, /32 and high addresses without signed-integer surprises', () => {
    expect(match({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '255.255.255.255' })).toBe(true);
    expect(match({ ip: [{ cidr: '192.168.1.1/32' }] }, { ip: '192.168.1.1' })).toBe(true);
    expect(match({ ip: [{ cidr: '192.168.1.1/32' }] }, { ip: '192.168.1.2' })).toBe(false);
  });
});

describe('$or', () => {
  it('source && (metricName || namespace)', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    };
    expect(match(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/ES' })).toBe(true);
    expect(match(pattern, { source: 'aws.cloudwatch', metricName: 'ReadLatency' })).toBe(true);
    expect(match(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/S3' })).toBe(false);
    expect(match(pattern, { source: 'aws.ec2', namespace: 'AWS/ES' })).toBe(false);
  });

  it('works inside nested objects (numeric $or under detail)', () => {
    const pattern = {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { 'd-count': [{ numeric: ['<', 10] }] },
          { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
        ],
      },
    };
    expect(match(pattern, withDetail({ 'd-count': 3 }))).toBe(true);
    expect(match(pattern, withDetail({ 'c-count': 9, 'd-count': 10, 'x-limit': 1 }))).toBe(false);
  });

  it('nests: an $or branch can hold its own $or and several ANDed fields', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        {
          metricType: ['MetricType'],
          namespace: ['AWS/EC2'],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
      ],
    };
    const base = { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2' };
    expect(match(pattern, { ...base, spaceId: 1000 })).toBe(true);
    expect(match(pattern, { ...base, spaceId: 1 })).toBe(false);
    expect(match(pattern, { ...base, metricType: 'Other', metricId: 1234 })).toBe(false);
  });
});

describe('the documented complex example', () => {
  it('combines prefix, anything-but, numeric and cidr', () => {
    const pattern = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
        'source-ip': [{ cidr: '10.0.0.0/8' }],
      },
    };
    expect(match(pattern, ec2Running)).toBe(true);
    expect(match(pattern, withDetail({ ...ec2Running.detail, 'x-limit': 300 }))).toBe(false);
  });
});

describe('validatePattern', () => {
  it('returns the pattern unchanged when it is valid', () => {
    const pattern = {
      source: ['aws.ec2'],
      detail: { state: [{ 'anything-but': { wildcard: ['*/a', '*/b'] } }] },
    };
    expect(validatePattern(pattern)).toBe(pattern);
  });

  it.each<[string, unknown, string]>([
    ['a non-object pattern', ['aws.ec2'], 'pattern: must be a JSON object'],
    ['a non-array leaf', { source: 'aws.ec2' }, 'pattern.source: must be an array'],
    ['an empty array', { detail: { state: [] } }, 'pattern.detail.state: empty arrays'],
    ['an empty object', { detail: {} }, 'pattern.detail: empty objects'],
    [
      'a nested array as a value',
      { detail: { state: [['a']] } },
      'pattern.detail.state: match values must be',
    ],
    [
      'an unknown operator',
      { detail: { state: [{ startsWith: 'x' }] } },
      'pattern.detail.state: unknown operator',
    ],
    ['two keys in an operator', { a: [{ prefix: 'x', suffix: 'y' }] }, 'pattern.a: an operator object must'],
    [
      'malformed numeric',
      { detail: { amount: [{ numeric: ['>', 'zero'] }] } },
      'pattern.detail.amount: numeric expects operator/value pairs',
    ],
    ['numeric with odd length', { n: [{ numeric: ['>', 0, '<'] }] }, 'pattern.n: numeric expects'],
    ['numeric with bounds reversed', { n: [{ numeric: ['<', 5, '>', 0] }] }, 'pattern.n: numeric range must'],
    ['numeric with empty range', { n: [{ numeric: ['>', 5, '<', 1] }] }, 'pattern.n: numeric range lower'],
    ['$or with one branch', { $or: [{ a: ['x'] }] }, 'pattern.$or: $or must be an array of at least 2'],
    ['$or that is not an array', { detail: { $or: { a: ['x'] } } }, 'pattern.detail.$or: $or must'],
    ['$or with a non-object branch', { $or: [{ a: ['x'] }, ['b']] }, 'pattern.$or: $or must'],
    [
      'an invalid branch inside $or',
      { $or: [{ a: ['x'] }, { b: 'y' }] },
      'pattern.$or[1].b: must be an array',
    ],
    [
      'a matcher keyword used as a field in $or',
      { $or: [{ prefix: ['a'] }, { b: ['y'] }] },
      'pattern.$or[0].prefix',
    ],
    ['exists with a non-boolean', { a: [{ exists: 'yes' }] }, 'pattern.a: exists expects true or false'],
    ['anything-but mixing types', { a: [{ 'anything-but': ['x', 1] }] }, 'pattern.a: anything-but expects'],
    ['anything-but with null', { a: [{ 'anything-but': null }] }, 'pattern.a: anything-but expects'],
    [
      'anything-but unknown nested op',
      { a: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'pattern.a: anything-but object',
    ],
    ['anything-but empty prefix', { a: [{ 'anything-but': { prefix: '' } }] }, 'pattern.a: empty prefix'],
    ['consecutive wildcard stars', { a: [{ wildcard: 'dir/**.png' }] }, 'pattern.a: wildcard cannot contain'],
    ['a bad wildcard escape', { a: [{ wildcard: 'a\\b' }] }, 'pattern.a: wildcard may only escape'],
    ['prefix with a number', { a: [{ prefix: 5 }] }, 'pattern.a: prefix expects a string'],
    ['an invalid cidr', { ip: [{ cidr: '10.0.0.300/24' }] }, 'pattern.ip: cidr expects'],
    ['an odd key', { 'has space': 'x' }, 'pattern["has space"]: must be an array'],
  ])('rejects %s, naming the path', (_name, pattern, message) => {
    expect(() => validatePattern(pattern)).toThrow(message);
  });
});
