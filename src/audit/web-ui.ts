/** A workflow's page in the Temporal Web UI. */
export function workflowLink(uiUrl: string, namespace: string, workflowId: string, runId?: string): string {
  const base = `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${runId}/history` : base;
}
