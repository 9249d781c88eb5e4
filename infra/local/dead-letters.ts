/**
 * Where the local runtime parks a delivery that failed every retry: a message in the SQS stand-in's queue the stack
 * would use (its rule's DLQ, else the target function's own: infra/local/stack.ts), with the attributes EventBridge
 * and Scheduler put on a dead letter (ERROR_CODE, ERROR_MESSAGE, RETRY_ATTEMPTS, the target), so `quotaflow dlq`
 * reads, and redrives, it with the same SQS calls as on AWS. One small function: the bus and the scheduler call it.
 */
import { existsSync, renameSync } from 'node:fs';
import type { LocalSqs } from './aws/sqs';
import type { DeadLetter } from './delivery';
import { readJsonState, writeJsonAtomic } from './persistence/state-file';
import type { LocalStack } from './stack';

export interface DeadLetters {
  push(letter: DeadLetter): void;
}

export const sqsDeadLetters = (
  sqs: LocalSqs,
  stack: LocalStack,
  functionArn: (id: string) => string,
): DeadLetters => ({
  push: (letter) => {
    const colon = letter.error.indexOf(': ');
    sqs.sendNow(stack.deadLetterQueue(letter.origin, letter.target), JSON.stringify(letter.payload ?? null), {
      ERROR_CODE: colon > 0 ? letter.error.slice(0, colon) : 'Error',
      ERROR_MESSAGE: colon > 0 ? letter.error.slice(colon + 2) : letter.error,
      RETRY_ATTEMPTS: String(letter.attempts),
      TARGET_ARN: functionArn(letter.target),
      ORIGIN: letter.origin,
    });
  },
});

/** The dead letters as the runtime's GET /_local/dlq shows them (a read-only view for people and tests). */
export const deadLetterView = (sqs: LocalSqs, stack: LocalStack) =>
  sqs.all().map(({ queue, message, receives }) => {
    const a = message.attributes;
    let payload: unknown = message.body;
    try {
      payload = JSON.parse(message.body);
    } catch {
      /* kept as text */
    }
    return {
      id: message.id,
      queue,
      origin: a.ORIGIN ?? '',
      target: stack.functionId(a.TARGET_ARN ?? '') ?? '',
      error: [a.ERROR_CODE, a.ERROR_MESSAGE].filter(Boolean).join(': '),
      attempts: Number(a.RETRY_ATTEMPTS ?? 0),
      receives,
      failedAt: new Date(message.sentAt).toISOString(),
      payload,
    };
  });

const isLegacy = (v: unknown): v is DeadLetter[] =>
  Array.isArray(v) && v.every((d) => typeof d === 'object' && d !== null && typeof d.target === 'string');

/**
 * Dead letters an earlier version of the runtime kept in dlq.json: moved into their queues once (the file is then
 * renamed dlq.json.moved). One whose queue the stack no longer has stays in dlq.json, and the start says so.
 */
export const moveLegacyDeadLetters = (file: string, into: DeadLetters): { moved: number; left: number } => {
  if (!existsSync(file)) return { moved: 0, left: 0 };
  const letters = readJsonState(file, 'the dead letters of an earlier runtime version', isLegacy) ?? [];
  const left = letters.filter((d) => {
    try {
      into.push(d);
      return false;
    } catch {
      return true;
    }
  });
  if (left.length) writeJsonAtomic(file, left);
  else renameSync(file, `${file}.moved`);
  return { moved: letters.length - left.length, left: left.length };
};
