import { describe, expect, it } from 'vitest';
import type { WorkflowConfig } from '../../../shared/workflows';
import { eventTypesActedOn } from '../../../shared/workflows/acted-on';
import { demoConfig } from './fixtures';

const demo = demoConfig();
const [workflow] = demo.workflows;
const [sequence] = demo.sequences;
if (!workflow || !sequence) throw new Error('the demo has a workflow and a sequence');

/** The demo's config with other workflow triggers and sequences' stop signals (nothing else is read). */
const config = (
  workflows: { event: WorkflowConfig['workflows'][number]['trigger']['event'] }[],
  sequences: { stopOn?: WorkflowConfig['sequences'][number]['stopOn'] }[] = [],
): WorkflowConfig => ({
  ...demo,
  workflows: workflows.map((w, i) => ({
    ...workflow,
    id: `w${i}`,
    trigger: { ...workflow.trigger, event: w.event },
  })),
  sequences: sequences.map((s, i) => ({
    ...sequence,
    id: `s${i}`,
    stopOn: s.stopOn ?? ['stage_changed', 'closed', 'replied'],
  })),
});

describe('the domain events the workflow runner acts on', () => {
  it('without sequences: only the workflows’ triggers', () => {
    expect(eventTypesActedOn(config([{ event: 'deal.won' }, { event: 'deal.won' }]))).toEqual(['deal.won']);
  });

  it('a sequence adds deletion always, and the events of the stop signals it lists', () => {
    expect(eventTypesActedOn(config([{ event: 'lead.created' }], [{ stopOn: ['replied'] }]))).toEqual([
      'activity.logged',
      'lead.created',
      'record.deleted',
    ]);
    expect(eventTypesActedOn(config([], [{ stopOn: ['closed'] }]))).toEqual([
      'deal.lost',
      'deal.won',
      'record.deleted',
    ]);
    expect(eventTypesActedOn(config([], [{ stopOn: [] }]))).toEqual(['record.deleted']);
  });

  it('the default stop signals (stage change, closed, replied)', () => {
    expect(eventTypesActedOn(config([], [{}]))).toEqual([
      'activity.logged',
      'deal.lost',
      'deal.stage_changed',
      'deal.won',
      'record.deleted',
    ]);
  });

  it('never record.updated, record.created or deal.created unless a workflow triggers on them (the demo)', () => {
    expect(eventTypesActedOn(demo)).toEqual([
      'activity.logged',
      'deal.lost',
      'deal.stage_changed',
      'deal.won',
      'lead.created',
      'record.deleted',
    ]);
  });
});
