/** @containerops/trigger-cron — cron schedules start workflows. See README.md. */
export { CronTrigger } from './cron-trigger.js';
export type { CronTriggerConfig } from './cron-trigger.js';
export { scheduleBlockOf } from './schedule-block.js';
export type { ScheduleBlock } from './schedule-block.js';
export { cronTriggerConfig, cronTriggerPlugin } from './plugin.js';
export { cronTriggerPlugin as default } from './plugin.js';
