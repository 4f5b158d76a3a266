import type { Window } from '../window/window';

/** One audit event as the API sent it: the exporter keeps every field unchanged. */
export type AuditEvent = Record<string, unknown> & { id: string; eventTimestamp: string };

export interface PageRequest {
  window: Window;
  offset: number;
  size: number;
}

export interface AuditPage {
  events: AuditEvent[];
  /** Events in the whole window, as the API counts them (for progress and backlog). */
  total: number;
}

/** Where audit events come from, a window and an offset at a time. */
export interface AuditSource {
  fetchPage(request: PageRequest, options: { abortSignal: AbortSignal }): Promise<AuditPage>;
}
