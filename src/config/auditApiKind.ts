/** Which of Immuta's audit records the API serves: Universal Audit Model events, or the V1 search's legacy records. */
export const AUDIT_API_KINDS = ['immuta-uam', 'immuta-legacy'] as const;
export type AuditApiKind = (typeof AUDIT_API_KINDS)[number];

/** How requests prove who they are: Bearer <key>, <key> alone (Immuta's documented form), or an exchanged token. */
export const AUDIT_API_AUTHS = ['bearer', 'apikey', 'immuta-token'] as const;
export type AuditAuthMode = (typeof AUDIT_API_AUTHS)[number];

/** What each kind's API expects unless AUDIT_API_AUTH says otherwise. */
export const DEFAULT_AUTH: Record<AuditApiKind, AuditAuthMode> = { 'immuta-uam': 'bearer', 'immuta-legacy': 'apikey' };
