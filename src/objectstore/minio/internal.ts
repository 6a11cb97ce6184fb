// Helpers shared by the MinIO constructs. This file is not re-exported from the package.

/** The replication rule ID of a replication: its id, or `to-<bucket>`. */
export function replicationRuleId(r: { readonly id?: string; readonly bucket: string }): string {
  return r.id ?? `to-${r.bucket}`;
}
