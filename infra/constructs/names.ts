import { Fn, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export { pascal } from '../pascal-case';

/**
 * The first 8 hex digits of the stack's id (its UUID), as a token: a physical name suffixed with it is fixed for
 * the life of the stack but new for a stack created again, so a resource retained from an earlier stack of the
 * same tenant (after `cdk destroy` or a replacement) never collides with the new one.
 */
export const stackSuffix = (scope: IConstruct): string =>
  Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Stack.of(scope).stackId))));
