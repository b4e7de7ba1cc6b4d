/** One security-relevant event. Never a token or a secret: ids only. */
export interface AuditEvent {
  at: number;
  action: 'pat.create' | 'pat.revoke';
  actorUserId: string;
  organizationId: string;
  targetId: string;
  clientAddress: string;
  /** How the actor authenticated: `jwt` or `pat`, and that credential's id. */
  actorCredential: string;
}

export interface AuditStore {
  appendAuditEvent(event: AuditEvent): Promise<void>;
  listAuditEvents(organizationId: string, limit: number): Promise<AuditEvent[]>;
}
