export * from './crm-record-changed';
export * from './define';
export * from './domain';
export * from './records';
