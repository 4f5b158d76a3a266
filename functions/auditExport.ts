import { app, type InvocationContext, type Timer } from '@azure/functions';
import { scheduleFromEnv, settingsAtStartup } from '../src/config/startupSettings';
import { onTimerTick } from '../src/host/timerTick';

const settings = settingsAtStartup();

export async function auditExport(timer: Timer, context: InvocationContext): Promise<void> {
  await onTimerTick(settings, context, timer.isPastDue);
}

app.timer('auditExport', { schedule: scheduleFromEnv(), handler: auditExport });
