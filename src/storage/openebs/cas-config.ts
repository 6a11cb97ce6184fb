import * as YAML from 'yaml';

/** One entry of OpenEBS's `cas.openebs.io/config` annotation. */
export interface CasConfigEntry {
  readonly name: string;
  readonly value?: string;
  readonly enabled?: string;
  readonly list?: string[];
  readonly data?: { [key: string]: string };
}

/** Render `cas.openebs.io/config` (a YAML list of name/value entries) with every scalar a string. */
export function renderCasConfig(entries: CasConfigEntry[]): string {
  return YAML.stringify(entries, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
}
