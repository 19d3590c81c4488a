/** The store's record shapes live in runner/core/records.ts (the dashboards read them too). */
export * from '../../core/records';
