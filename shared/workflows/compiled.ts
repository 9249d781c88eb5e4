/**
 * A tenant's workflow config, validated and compiled once per container: the matcher, every template and every CRM
 * activity subject ready to render. What the runner and the explain/dry-run tools share.
 */
import type { TenantConfig } from '../config/tenant';
import type { WorkflowConfig } from './definition';
import { WorkflowMatcher } from './match';
import type { PlanTenant } from './plan';
import { type CompiledTemplate, type CompiledText, compileTemplate, compileText } from './templates';
import { parseWorkflowConfig } from './validate';

export interface CompiledWorkflows {
  config: WorkflowConfig;
  matcher: WorkflowMatcher;
  /** A template of the config by id, compiled on first use (most events send nothing); undefined if it has none. */
  template(id: string): CompiledTemplate | undefined;
  /** Merge-field text outside templates (CRM activity subjects and descriptions), compiled on first use. */
  text(source: string): CompiledText;
}

/** `currency`: the tenant's, which amount conditions compare in. */
export const compileWorkflows = (config: WorkflowConfig, currency?: string): CompiledWorkflows => {
  const templates = new Map<string, CompiledTemplate>();
  const texts = new Map<string, CompiledText>();
  return {
    config,
    matcher: new WorkflowMatcher(config, { currency }),
    template(id) {
      let t = templates.get(id);
      if (!t && Object.hasOwn(config.templates, id)) {
        t = compileTemplate(config.templates[id] as (typeof config.templates)[string]);
        templates.set(id, t);
      }
      return t;
    },
    text(source) {
      let t = texts.get(source);
      if (!t) {
        const compiled = compileText(source);
        // validate.ts refuses texts that do not compile; reaching this is a bug, not bad input.
        if ('error' in compiled) throw new Error(`text ${JSON.stringify(source)}: ${compiled.error}`);
        t = compiled;
        texts.set(source, t);
      }
      return t;
    },
  };
};

/**
 * Parse, validate (every problem at its path) and compile; `source` names the file in errors. `validated`: the
 * value is parseWorkflowConfig's own output, checked when the stack was synthesized and shipped unchanged (its
 * digest matched, functions/wiring/documents.ts), so only the compiling is left to do.
 */
export const loadWorkflows = (
  value: unknown,
  source: string,
  currency?: string,
  validated = false,
): CompiledWorkflows =>
  compileWorkflows(validated ? (value as WorkflowConfig) : parseWorkflowConfig(value, source), currency);

export const planTenant = (t: TenantConfig): PlanTenant => ({
  id: t.id,
  timeZone: t.timeZone,
  locale: t.locale,
});
