import { readFileSync } from 'fs';
import { join } from 'path';
import { generateShapeSpecs } from '../../../scripts/shape-specs';
import { SHAPE_SPECS } from '../../../src/core/validate/shape-specs';

const root = join(__dirname, '..', '..', '..');

test('src/core/validate/shape-specs.ts is current (regenerate with `npx ts-node -P scripts/tsconfig.json scripts/shape-specs.ts`)', () => {
  expect(readFileSync(join(root, 'src/core/validate/shape-specs.ts'), 'utf8')).toBe(generateShapeSpecs(root));
}, 120_000);

test('every construct class that takes props has a spec, with its required props', () => {
  expect(SHAPE_SPECS.VideoSurveillanceSite.required).toEqual(expect.arrayContaining(['siteName', 'cameras', 'cloud', 'cloud.archiveBucket']));
  expect(SHAPE_SPECS.NginxEdgeCache.numbers).toEqual(expect.arrayContaining(['replicas']));
  expect(Object.keys(SHAPE_SPECS).length).toBeGreaterThanOrEqual(40);
});
