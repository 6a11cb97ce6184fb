// Reading a site report the way an operator does (the Markdown the blueprints render).

/** The JSON of the report's "Key policies" entry for Secret `name` in `namespace`. */
export function reportKeyPolicy(report: string, name: string, namespace: string): string {
  const at = report.indexOf('## Key policies');
  if (at < 0) throw new Error('the report has no "Key policies" section');
  const section = report.slice(at);
  const entry = section.indexOf(`${name} (namespace ${namespace}):`);
  if (entry < 0) throw new Error(`the report's "Key policies" section has no entry for ${namespace}/${name}`);
  const m = /```json\n([\s\S]*?)\n```/.exec(section.slice(entry));
  if (!m) throw new Error(`no JSON block after the entry for ${namespace}/${name}`);
  return m[1];
}
