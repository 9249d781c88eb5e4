import { Fn, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Manifest ids are kebab-case; construct ids read better (and logical ids stay stable) in PascalCase. */
export const pascal = (id: string): string =>
  id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');

/**
 * The first 8 hex digits of the stack's id (its UUID), as a token: a physical name suffixed with it is fixed for
 * the life of the stack but new for a stack created again, so a resource retained from an earlier stack of the
 * same tenant (after `cdk destroy` or a replacement) never collides with the new one.
 */
export const stackSuffix = (scope: IConstruct): string =>
  Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Stack.of(scope).stackId))));
