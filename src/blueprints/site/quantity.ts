/**
 * Kubernetes resource quantities (`500m`, `1.5Gi`, `2e3`, `128974848`) as numbers, and back. Enough of the grammar
 * for the quotas the blueprints size from their parts.
 */
const SUFFIX: { [s: string]: number } = {
  'n': 1e-9,
  'u': 1e-6,
  'm': 1e-3,
  '': 1,
  'k': 1e3,
  'M': 1e6,
  'G': 1e9,
  'T': 1e12,
  'P': 1e15,
  'E': 1e18,
  'Ki': 2 ** 10,
  'Mi': 2 ** 20,
  'Gi': 2 ** 30,
  'Ti': 2 ** 40,
  'Pi': 2 ** 50,
  'Ei': 2 ** 60,
};

/** The numeric value of a quantity (cores for CPU, bytes for memory/storage). */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(q.trim());
  if (!m) throw new Error(`not a Kubernetes quantity: "${q}"`);
  const base = parseFloat(m[1]);
  if (m[2]) return base * Math.pow(10, parseInt(m[2].slice(1), 10));
  return base * SUFFIX[m[3] ?? ''];
}

/** CPU cores as a quantity string in whole millicores, rounded up (`1500m`). */
export function formatCpu(cores: number): string {
  return `${Math.ceil(cores * 1000 - 1e-9)}m`;
}

/** Bytes as a quantity string in whole mebibytes, rounded up (`1536Mi`). */
export function formatBytes(bytes: number): string {
  return `${Math.ceil(bytes / 2 ** 20 - 1e-9)}Mi`;
}
