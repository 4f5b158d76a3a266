import { app, type InvocationContext, type Timer } from '@azure/functions';
import { scheduleFromEnv } from '../src/config/startupSettings';
import { onTimerTick } from '../src/host/timerTick';
import { workerComposition } from '../src/host/workerComposition';

export async function auditExport(timer: Timer, context: InvocationContext): Promise<void> {
  await onTimerTick(workerComposition, context, timer.isPastDue);
}

app.timer('auditExport', { schedule: scheduleFromEnv(), handler: auditExport });
