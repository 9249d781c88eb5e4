/** Tenant-defined workflows and sequences: definition, validation, matching, planning, calendars, templates. */
export * from './calendar';
export * from './chat';
export * from './conditions';
export * from './coverage';
export * from './definition';
export * from './fields';
export * from './holidays';
export * from './match';
export * from './plan';
export * from './sequences';
export * from './templates';
export * from './validate';
