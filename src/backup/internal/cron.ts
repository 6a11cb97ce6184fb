// The parser moved to src/core/validate so every construct that emits a schedule shares it.
export { CronExpression } from '../../core/validate/cron-expression';
