/**
 * Lambda's Invoke (restJson1, `POST /2015-03-31/functions/<name>/invocations`) for the local functions, request-
 * response only: what `quotaflow dlq redrive` calls to put a dead letter back where it failed, here as on AWS. A
 * function's error is answered as Lambda does (status 200, X-Amz-Function-Error: Unhandled, the error as the
 * payload), so the caller sees FunctionError.
 */
import type { ServerResponse } from 'node:http';
import { AwsError } from './protocol';

export const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export const invokeFunction = async (
  res: ServerResponse,
  deps: {
    functionId: (nameOrArn: string) => string | undefined;
    invoke: (id: string, event: unknown) => Promise<unknown>;
  },
  nameOrArn: string,
  invocationType: string | undefined,
  payload: string,
): Promise<void> => {
  const id = deps.functionId(nameOrArn);
  if (!id) throw new AwsError('ResourceNotFoundException', 404, `Function not found: ${nameOrArn}`);
  if (invocationType && invocationType !== 'RequestResponse')
    throw new AwsError(
      'InvalidParameterValueException',
      400,
      `InvocationType ${invocationType} is not served locally`,
    );
  let event: unknown;
  try {
    event = payload ? JSON.parse(payload) : {};
  } catch {
    throw new AwsError('InvalidRequestContentException', 400, 'Could not parse request body into json');
  }
  const headers = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
  try {
    const result = await deps.invoke(id, event);
    const text = result === undefined ? 'null' : JSON.stringify(result);
    res.writeHead(200, headers);
    res.end(text);
  } catch (err) {
    const e = err as Error;
    res.writeHead(200, { ...headers, 'x-amz-function-error': 'Unhandled' });
    res.end(JSON.stringify({ errorType: e?.name ?? 'Error', errorMessage: e?.message ?? String(err) }));
  }
};
