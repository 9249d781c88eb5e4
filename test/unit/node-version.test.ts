import { describe, expect, it } from 'vitest';
import { nodeVersionProblem, silenceSdkNodeNotice } from '../../infra/node-version';

describe('nodeVersionProblem: the Node.js check before the CLI and npm start load', () => {
  it('accepts the minimum and anything newer', () => {
    for (const found of ['20.19.0', 'v20.19.0', '20.19.5', '20.20.2', '21.0.0', '22.11.0', '24.1.0'])
      expect(nodeVersionProblem(found, '>=20.19')).toBeUndefined();
  });

  it('refuses older versions, naming the required one and the one found', () => {
    expect(nodeVersionProblem('v18.20.4', '>=20.19')).toBe(
      'Quotaflow needs Node.js >=20.19 (package.json "engines"); this is Node.js 18.20.4.\n' +
        'Install a newer Node.js (22 recommended, e.g. `nvm install 22`) and run the command again.',
    );
    for (const found of ['20.18.3', '20.0.0', '16.20.2'])
      expect(nodeVersionProblem(found, '>=20.19')).toContain(`this is Node.js ${found}.`);
    expect(nodeVersionProblem('22.11.0', '>=22.12.1')).toContain('needs Node.js >=22.12.1');
  });

  it('says so when package.json states a range it cannot read', () => {
    expect(nodeVersionProblem('22.0.0', '^20')).toBe(
      'package.json engines.node is "^20"; expected a ">=X.Y" range',
    );
  });
});

describe('silenceSdkNodeNotice: the AWS SDK notice about Node 22 on a supported Node 20', () => {
  it('silences it below Node 22 unless the admin set the SDK variable, and never from 22 on', () => {
    expect(silenceSdkNodeNotice('20.20.2', {})).toBe(true);
    expect(silenceSdkNodeNotice('v21.7.0', {})).toBe(true);
    expect(
      silenceSdkNodeNotice('20.20.2', { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' }),
    ).toBe(false);
    expect(silenceSdkNodeNotice('22.11.0', {})).toBe(false);
    expect(silenceSdkNodeNotice('24.1.0', {})).toBe(false);
  });
});
