import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Names } from 'cdk8s';
import * as YAML from 'yaml';
import { NamedPortsValidator, SmallSite, TestFleetFactory, TestFleetOptions } from './factories';
import { StandInSite, StandInSiteFactory } from '../../../bench/stand-in-site';
import { Fleet, FleetFailureStage, FleetProgress, FleetSiteFile, ISiteFactory, SecurityRule } from '../../../src';
import { assertConformant, chart } from '../../support/harness';

const FACTORY_MODULE = path.join(__dirname, 'factories.ts');
const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-test-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Every file under `dir`, as sorted relative paths with `/`, but the fleet's ownership marker at the root. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
    const full = path.join(d, e.name);
    if (d === dir && e.name === '.fleet-owner') return;
    if (e.isDirectory()) walk(full); else out.push(path.relative(dir, full).split(path.sep).join('/'));
  });
  walk(dir);
  return out.sort();
}

/** The objects of a written manifest file, parsed independently of cdk8s. */
function readDocs(file: string): any[] {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'), { version: '1.1' }).map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
}

/** Output of plain cdk8s for one site: a fresh App holding only that site, `app.synth()`. */
function plainSynth(factory: ISiteFactory, site: string): string {
  const outdir = path.join(tmp(), site);
  const app = new App({ outdir });
  factory.buildSite(app, site);
  app.synth();
  return outdir;
}

function readIndex(outdir: string): any {
  return JSON.parse(fs.readFileSync(path.join(outdir, 'index.json'), 'utf8'));
}

function sites(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `site-${String(i + 1).padStart(2, '0')}`);
}

describe('Fleet.synth', () => {
  test('writes one folder per site, the index, and conformant manifests', () => {
    const outdir = tmp();
    const factory = new TestFleetFactory({ report: true });
    const result = Fleet.synth(factory, { outdir, progress: false });

    const names = factory.siteNames();
    expect(listFiles(outdir)).toEqual(['index.json', ...names.flatMap((s) => [`${s}/REPORT.md`, `${s}/${s}.k8s.yaml`])].sort());
    for (const site of names) {
      const docs = readDocs(path.join(outdir, site, `${site}.k8s.yaml`));
      assertConformant(docs);
      expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'ConfigMap', 'Deployment', 'Service', 'NetworkPolicy']);
      expect(fs.readFileSync(path.join(outdir, site, 'REPORT.md'), 'utf8')).toBe(`# Site ${site}\n\nReplicas: 2\n`);
    }

    const index = readIndex(outdir);
    expect(index.version).toBe(1);
    expect(index.complete).toBe(true);
    expect(index.sites.map((s: any) => s.site)).toEqual(names);
    for (const entry of index.sites) {
      expect(entry.directory).toBe(entry.site);
      for (const f of entry.files) {
        const file = path.join(outdir, f.path);
        expect(f.bytes).toBe(fs.statSync(file).size);
        expect(f.objects).toBe(f.manifest ? readDocs(file).length : 0);
      }
      expect(entry.objects).toBe(entry.files.reduce((n: number, f: any) => n + f.objects, 0));
      expect(entry.bytes).toBe(entry.files.reduce((n: number, f: any) => n + f.bytes, 0));
    }
    expect(index.totals).toEqual({
      sites: 5,
      written: 5,
      failed: 0,
      notAttempted: 0,
      objects: 25,
      bytes: index.sites.reduce((n: number, s: any) => n + s.bytes, 0),
    });
    expect(index.failures).toEqual([]);
    expect(fs.readFileSync(path.join(outdir, 'index.json'), 'utf8')).toMatchSnapshot();

    // The result carries the index plus run-specific fields.
    expect(result.sites).toEqual(index.sites);
    expect(result.objects).toBe(25);
    expect(result.outdir).toBe(outdir);
    expect(result.indexFile).toBe(path.join(outdir, 'index.json'));
    expect(result.workers).toBe(0);
    expect(result.pruned).toEqual([]);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  test('each site is byte-identical to app.synth() of an App holding only that site', () => {
    const outdir = tmp();
    const factory = new TestFleetFactory({ report: true, multiChart: ['site-b', 'site-d'] });
    Fleet.synth(factory, { outdir, progress: false });
    for (const site of factory.siteNames()) {
      const plain = plainSynth(factory, site);
      const manifests = listFiles(path.join(outdir, site)).filter((f) => f.endsWith('.k8s.yaml'));
      expect(manifests).toEqual(listFiles(plain));
      for (const f of manifests) {
        expect(fs.readFileSync(path.join(outdir, site, f)).equals(fs.readFileSync(path.join(plain, f)))).toBe(true);
      }
    }
    // Charts that depend on each other get cdk8s's index prefix, in dependency order.
    expect(listFiles(path.join(outdir, 'site-b'))).toEqual(['0000-site-b-base.k8s.yaml', '0001-site-b-apps.k8s.yaml', 'REPORT.md']);
    const index = readIndex(outdir);
    expect(index.sites.find((s: any) => s.site === 'site-b').files.map((f: any) => [f.path, f.objects, f.manifest]))
      .toEqual([['site-b/0000-site-b-base.k8s.yaml', 1, true], ['site-b/0001-site-b-apps.k8s.yaml', 4, true], ['site-b/REPORT.md', 0, false]]);
  });

  test('the benchmark stand-in sites are byte-identical to plain cdk8s on a sample, and conformant', () => {
    const outdir = tmp();
    const factory = new StandInSiteFactory(30);
    const result = Fleet.synth(factory, { outdir, progress: false });
    expect(result.objects).toBe(30 * StandInSite.OBJECT_COUNT);
    for (const site of ['site-00001', 'site-00017', 'site-00030']) {
      const file = `${site}.k8s.yaml`;
      const plain = plainSynth(factory, site);
      expect(listFiles(path.join(outdir, site))).toEqual([file]);
      expect(listFiles(plain)).toEqual([file]);
      expect(fs.readFileSync(path.join(outdir, site, file)).equals(fs.readFileSync(path.join(plain, file)))).toBe(true);
      assertConformant(readDocs(path.join(outdir, site, file)));
    }
  });

  test('collects every failure with the site names and stages, writes the good sites and the index, then throws', () => {
    const outdir = tmp();
    const faults: TestFleetOptions['faults'] = { 'site-b': 'throw', 'site-c': 'insecure', 'site-d': 'invalid' };
    expect(() => Fleet.synth(new TestFleetFactory({ faults }), { outdir, progress: false }))
      .toThrow(/Fleet: 3 of 5 site\(s\) failed; 2 written[\s\S]*site-b \[build\]: SmallSite "site-b": replicas = -1[\s\S]*site-c \[security\]: SecurityBaseline: Deployment "site-c\/site-c-web" container "web": has no requests.cpu, requests.memory, limits.memory[\s\S]*site-d \[validate\]: Validation failed[\s\S]*cameras = 0/);
    expect(listFiles(outdir)).toEqual(['index.json', 'site-a/site-a.k8s.yaml', 'site-e/site-e.k8s.yaml']);
    const index = readIndex(outdir);
    expect(index.sites.map((s: any) => s.site)).toEqual(['site-a', 'site-e']);
    expect(index.failures.map((f: any) => [f.site, f.stage, f.previousOutputKept])).toEqual([
      ['site-b', 'build', false], ['site-c', 'security', false], ['site-d', 'validate', false],
    ]);
    expect(index.totals).toMatchObject({ sites: 5, written: 2, failed: 3, notAttempted: 0 });
    expect(index.complete).toBe(true);

    const result = Fleet.synth(new TestFleetFactory({ faults }), { outdir: tmp(), progress: false, throwOnFailure: false });
    expect(result.failures.map((f) => f.stage)).toEqual([FleetFailureStage.BUILD, FleetFailureStage.SECURITY, FleetFailureStage.VALIDATE]);
    expect(result.failures[1].message).toMatch(/SecurityBaseline: .*has no readinessProbe or livenessProbe/);
    expect(result.failures[2].message).toMatch(/\[site-d\] SmallSite "site-d": cameras = 0: must be at least 1; add cameras/);
    expect(result.sites.map((s) => s.site)).toEqual(['site-a', 'site-e']);
  });

  test('failFast stops at the first failing site', () => {
    const outdir = tmp();
    const factory = new TestFleetFactory({ faults: { 'site-b': 'throw', 'site-d': 'insecure' } });
    expect(() => Fleet.synth(factory, { outdir, progress: false, failFast: true }))
      .toThrow(/1 of 5 site\(s\) failed; failFast stopped the run with 3 site\(s\) not attempted[\s\S]*site-b \[build\]/);
    expect(listFiles(outdir)).toEqual(['index.json', 'site-a/site-a.k8s.yaml']);
    const index = readIndex(outdir);
    expect(index.complete).toBe(false);
    expect(index.totals).toMatchObject({ sites: 5, written: 1, failed: 1, notAttempted: 3 });

    const result = Fleet.synth(factory, { outdir: tmp(), progress: false, failFast: true, throwOnFailure: false });
    expect(result.failures.map((f) => f.site)).toEqual(['site-b']);
    expect(result.notAttempted).toBe(3);
    expect(result.complete).toBe(false);
  });

  test('a re-run replaces changed sites, keeps the last good output of failing sites and prunes removed sites', () => {
    const outdir = tmp();
    Fleet.synth(new TestFleetFactory({ sites: ['site-a', 'site-b', 'site-c'], multiChart: ['site-a', 'site-c'] }), { outdir, progress: false });
    // Something that is not the fleet's, added to its folder later.
    fs.mkdirSync(path.join(outdir, 'not-managed'));
    fs.writeFileSync(path.join(outdir, 'not-managed', 'keep.txt'), 'x');
    const siteB = fs.readFileSync(path.join(outdir, 'site-b', 'site-b.k8s.yaml'));

    const second = Fleet.synth(
      new TestFleetFactory({ sites: ['site-a', 'site-b'], replicas: 3, faults: { 'site-b': 'insecure' } }),
      { outdir, progress: false, throwOnFailure: false },
    );
    // site-a: now one chart; the stale files of its two-chart version are gone.
    expect(listFiles(path.join(outdir, 'site-a'))).toEqual(['site-a.k8s.yaml']);
    expect(readDocs(path.join(outdir, 'site-a', 'site-a.k8s.yaml')).find((d) => d.kind === 'Deployment').spec.replicas).toBe(3);
    // site-b failed: its previous output stays, byte for byte, and the failure says so.
    expect(fs.readFileSync(path.join(outdir, 'site-b', 'site-b.k8s.yaml')).equals(siteB)).toBe(true);
    expect(second.failures.map((f) => [f.site, f.previousOutputKept])).toEqual([['site-b', true]]);
    // site-c left the fleet: pruned. Folders the fleet did not create are left alone.
    expect(second.pruned).toEqual(['site-c']);
    expect(fs.existsSync(path.join(outdir, 'site-c'))).toBe(false);
    expect(fs.readFileSync(path.join(outdir, 'not-managed', 'keep.txt'), 'utf8')).toBe('x');

    // The failed site stays on the prune list: once it leaves the fleet, its kept output is removed too.
    const third = Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, progress: false });
    expect(third.pruned).toEqual(['site-b']);
    expect(listFiles(outdir)).toEqual(['index.json', 'not-managed/keep.txt', 'site-a/site-a.k8s.yaml']);

    // prune: false keeps sites that left the fleet, and the index goes on listing them (retained).
    const fourth = Fleet.synth(new TestFleetFactory({ sites: ['site-z'] }), { outdir, progress: false, prune: false });
    expect(fs.existsSync(path.join(outdir, 'site-a', 'site-a.k8s.yaml'))).toBe(true);
    expect(fourth.retained).toEqual(['site-a']);
    expect(readIndex(outdir).retained).toEqual(['site-a']);
  });

  test('leftovers of an interrupted run are removed', () => {
    const outdir = tmp();
    Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, progress: false });
    fs.mkdirSync(path.join(outdir, '.fleet-staging-site-a-1-0'), { recursive: true });
    fs.mkdirSync(path.join(outdir, '.fleet-retired-site-a-1-0'), { recursive: true });
    fs.writeFileSync(path.join(outdir, '.fleet-tmp-index.json-1-x'), '{');
    Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, progress: false });
    expect(fs.readdirSync(outdir).sort()).toEqual(['.fleet-owner', 'index.json', 'site-a']);
  });

  test('fails if a site name is not a DNS-1123 label or repeats; nothing is written', () => {
    const outdir = path.join(tmp(), 'out');
    expect(() => Fleet.synth(new TestFleetFactory({ sites: ['site-a', 'Site_B', '../etc', 'site-a'] }), { outdir }))
      .toThrow(/3 bad site name\(s\); nothing was written:\n {2}siteName = "Site_B": must be a DNS-1123 label .*; use e.g. "site-b"\n {2}siteName = "..\/etc": .*\n {2}siteName = "site-a": appears more than once/);
    expect(fs.existsSync(outdir)).toBe(false);
    const notArray: ISiteFactory = { siteNames: () => 'site-a' as any, buildSite: () => undefined };
    expect(() => Fleet.synth(notArray, { outdir })).toThrow(/siteNames\(\) returned "site-a": must return an array/);
  });

  test('fails if a site builds no chart, no objects, or emits an object twice', () => {
    const result = Fleet.synth(new TestFleetFactory({ sites: ['site-a', 'site-b', 'site-c'], faults: { 'site-a': 'empty', 'site-b': 'no-objects', 'site-c': 'duplicate' } }), { outdir: tmp(), progress: false, throwOnFailure: false });
    expect(result.sites).toEqual([]);
    expect(result.failures.map((f) => [f.site, f.stage])).toEqual([['site-a', 'build'], ['site-b', 'validate'], ['site-c', 'validate']]);
    expect(result.failures[0].message).toMatch(/buildSite built no chart/);
    expect(result.failures[1].message).toMatch(/the site produced no Kubernetes objects/);
    expect(result.failures[2].message).toMatch(/object ConfigMap "site-c\/site-c-web" is emitted twice \(in 0000-site-c-base.k8s.yaml and 0001-site-c-apps.k8s.yaml\)/);
    expect(result.failures[2].message).toMatch(/object Deployment.apps "site-c\/site-c-web" is emitted twice/);
  });

  test('fails if two charts map to the same file name (plain cdk8s would overwrite one)', () => {
    let fileName = '';
    const factory: ISiteFactory = {
      siteNames: () => ['site-a'],
      buildSite: (app, site) => {
        new TestFleetFactory().buildSite(app, site);
        // cdk8s names a chart whose id is not a DNS label "<id>-<hash>"; a second chart can take that very name.
        fileName = Names.toDnsLabel(new Chart(app, 'Site-A'));
        new SmallSite(new Chart(app, fileName), 'Web', 'site-b', 1);
      },
    };
    const result = Fleet.synth(factory, { outdir: tmp(), progress: false, throwOnFailure: false });
    expect(result.failures.map((f) => [f.stage, f.message])).toEqual([
      ['validate', `chart "${fileName}" would be written to "${fileName}.k8s.yaml", which another chart already uses; give the charts distinct ids`],
    ]);
  });

  test('a site whose files cannot be written fails at the write stage; the index is still written', () => {
    const outdir = path.join(tmp(), 'out');
    const result = Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), {
      outdir,
      progress: false,
      throwOnFailure: false,
      // The output folder disappears between validation and writing.
      validators: [{ validate: () => { fs.rmSync(outdir, { recursive: true, force: true }); return []; } }],
    });
    expect(result.failures.map((f) => [f.site, f.stage])).toEqual([['site-a', 'write']]);
    expect(result.failures[0].message).toMatch(/ENOENT/);
    expect(readIndex(outdir).failures).toHaveLength(1);
    expect(listFiles(outdir)).toEqual(['index.json']);
  });

  test('the security baseline can be waived per fleet or turned off', () => {
    const factory = new TestFleetFactory({ sites: ['site-a'], faults: { 'site-a': 'insecure' } });
    expect(() => Fleet.synth(factory, { outdir: tmp(), progress: false })).toThrow(/site-a \[security\]/);
    expect(Fleet.synth(factory, { outdir: tmp(), progress: false, securityBaseline: false }).sites).toHaveLength(1);
    const waived = Fleet.synth(factory, {
      outdir: tmp(),
      progress: false,
      securityExceptions: [
        { rule: SecurityRule.RESOURCES, reason: 'test fixture', kind: 'Deployment' },
        { rule: SecurityRule.PROBES, reason: 'test fixture', kind: 'Deployment' },
      ],
    });
    expect(waived.sites.map((s) => s.site)).toEqual(['site-a']);
  });

  test('extra validators fail the sites they reject', () => {
    const result = Fleet.synth(new TestFleetFactory({ sites: ['site-a', 'site-b'] }), {
      outdir: tmp(),
      progress: false,
      throwOnFailure: false,
      validators: [new NamedPortsValidator()],
    });
    expect(result.failures.map((f) => [f.site, f.stage, f.message])).toEqual([
      ['site-a', FleetFailureStage.CUSTOM_VALIDATOR, 'site-a: Service "site-a-web": every port needs a name (organisation rule)'],
      ['site-b', FleetFailureStage.CUSTOM_VALIDATOR, 'site-b: Service "site-b-web": every port needs a name (organisation rule)'],
    ]);
    const throwing = Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), {
      outdir: tmp(),
      progress: false,
      throwOnFailure: false,
      validators: [{ validate: () => { throw new Error('boom'); } }],
    });
    expect(throwing.failures[0].message).toBe('validator threw: boom');
  });

  test('reports progress to a listener, and draws a progress line only when asked', () => {
    const events: FleetProgress[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      Fleet.synth(new TestFleetFactory({ faults: { 'site-c': 'throw' } }), {
        outdir: tmp(), progress: false, throwOnFailure: false, onProgress: { onSiteDone: (p) => events.push(p) },
      });
      expect(write).not.toHaveBeenCalled();
      Fleet.synth(new TestFleetFactory(), { outdir: tmp(), progress: true });
      expect(write).toHaveBeenCalledWith(expect.stringMatching(/fleet: 5\/5 sites \(100%\) · \d+ sites\/s · [\d.]+ s\n$/));
    } finally {
      write.mockRestore();
    }
    expect(events.map((e) => [e.site, e.succeeded, e.done, e.total, e.failed])).toEqual([
      ['site-a', true, 1, 5, 0], ['site-b', true, 2, 5, 0], ['site-c', false, 3, 5, 1], ['site-d', true, 4, 5, 1], ['site-e', true, 5, 5, 1],
    ]);
  });

  test('records warnings per site in the index and prints one summary instead of one warning per site', () => {
    const outdir = tmp();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const saved = process.env.EDGE_STORAGE_SILENCE_WARNINGS;
    delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;
    let stderr: string[];
    try {
      Fleet.synth(new TestFleetFactory({ warn: ['site-b', 'site-d'] }), { outdir, progress: false });
      stderr = write.mock.calls.map((c) => String(c[0]));
      expect(warn).not.toHaveBeenCalled();
      expect(process.env.EDGE_STORAGE_SILENCE_WARNINGS).toBeUndefined();
      // A user who silenced warnings gets no summary either.
      write.mockClear();
      process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
      Fleet.synth(new TestFleetFactory({ warn: ['site-b'] }), { outdir: tmp(), progress: false });
      expect(write).not.toHaveBeenCalled();
    } finally {
      if (saved === undefined) delete process.env.EDGE_STORAGE_SILENCE_WARNINGS; else process.env.EDGE_STORAGE_SILENCE_WARNINGS = saved;
      warn.mockRestore();
      write.mockRestore();
    }
    expect(stderr).toEqual([
      `fleet: 2 warning(s) on 2 site(s); each site's warnings are listed in ${path.join(outdir, 'index.json')}:\n`
      + '  [WARNING] Chart "<site>": replicas = 2: fewer than 3 replicas cannot survive a node drain during an upgrade; use 3 replicas (2 sites)\n',
    ]);
    const index = readIndex(outdir);
    expect(index.sites.map((s: any) => [s.site, s.warnings])).toEqual([
      ['site-a', []],
      ['site-b', ['[WARNING] Chart "site-b": replicas = 2: fewer than 3 replicas cannot survive a node drain during an upgrade; use 3 replicas']],
      ['site-c', []],
      ['site-d', ['[WARNING] Chart "site-d": replicas = 2: fewer than 3 replicas cannot survive a node drain during an upgrade; use 3 replicas']],
      ['site-e', []],
    ]);
  });

  test('outdir defaults to $CDK8S_OUTDIR, as for cdk8s apps', () => {
    const outdir = tmp();
    const saved = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      expect(Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { progress: false }).outdir).toBe(outdir);
    } finally {
      if (saved === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = saved;
    }
    expect(listFiles(outdir)).toEqual(['index.json', 'site-a/site-a.k8s.yaml']);
  });
});

describe('FleetSiteFile', () => {
  test('is found anywhere in the tree and adds nothing to the manifests', () => {
    const c = chart();
    const report = FleetSiteFile.report(c, '# r\n');
    const notes = new FleetSiteFile(c, 'Notes', { fileName: 'NOTES.txt', content: 'n' });
    expect(report.fileName).toBe('REPORT.md');
    expect(FleetSiteFile.findAll(c)).toEqual([report, notes]);
    expect(FleetSiteFile.isFleetSiteFile(c)).toBe(false);
  });

  test('fails if the file name is not a plain file name', () => {
    for (const fileName of ['', '../x.md', 'a/b.md', '.hidden', 'a b.md']) {
      expect(() => new FleetSiteFile(chart(), 'F', { fileName, content: '' })).toThrow(/FleetSiteFile "test\/F": fileName = ".*": must be a plain file name/);
    }
  });

  test('fails if the file name is not on the allow-list (names GitOps tools read as configuration)', () => {
    for (const fileName of ['capacity.json', 'extra.yaml', 'x.YML', 'lib.jsonnet', 'Kustomization', 'kustomization', 'kustomization.yaml', 'Chart.yaml', 'values.yml', 'REPORT.MD', 'report.html', 'kustomization.md.yaml']) {
      expect(() => new FleetSiteFile(chart(), 'F', { fileName, content: '' }))
        .toThrow(/FleetSiteFile "test\/F": fileName = ".*": must end in \.md, \.txt, \.csv: only names no GitOps tool reads as configuration .*; use e\.g\. ".*\.md"/);
    }
    for (const fileName of ['REPORT.md', 'notes.txt', 'inventory.csv', 'kustomization.md']) {
      expect(new FleetSiteFile(chart(), 'F', { fileName, content: '' }).fileName).toBe(fileName);
    }
  });

  test('fails the site if two files share a name', () => {
    const factory: ISiteFactory = {
      siteNames: () => ['site-a'],
      buildSite: (app, site) => {
        new TestFleetFactory().buildSite(app, site);
        FleetSiteFile.report(app.node.children[0] as any, 'one');
        new FleetSiteFile(app, 'Other', { fileName: 'REPORT.md', content: 'two' });
      },
    };
    const result = Fleet.synth(factory, { outdir: tmp(), progress: false, throwOnFailure: false });
    expect(result.failures[0].stage).toBe(FleetFailureStage.VALIDATE);
    expect(result.failures[0].message).toMatch(/FleetSiteFile "(site-a\/FleetReport|Other)": fileName = "REPORT.md": another file of the site already uses this name/);
  });
});

describe('Fleet.synthParallel', () => {
  // Keep the warning summary (tested above) out of the test output.
  const savedSilence = process.env.EDGE_STORAGE_SILENCE_WARNINGS;
  beforeAll(() => { process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1'; });
  afterAll(() => {
    if (savedSilence === undefined) delete process.env.EDGE_STORAGE_SILENCE_WARNINGS; else process.env.EDGE_STORAGE_SILENCE_WARNINGS = savedSilence;
  });
  const options: TestFleetOptions = { sites: sites(12), report: true, multiChart: ['site-03'], warn: ['site-07'], faults: { 'site-05': 'insecure', 'site-09': 'throw' } };

  test('worker threads write the same files and the same index as Fleet.synth', async () => {
    const sequential = tmp();
    Fleet.synth(new TestFleetFactory(options), { outdir: sequential, progress: false, throwOnFailure: false });
    const parallel = tmp();
    const result = await Fleet.synthParallel({
      factoryModule: FACTORY_MODULE,
      factoryExport: 'TestFleetFactory',
      factoryArgs: [options],
      workers: 2,
      outdir: parallel,
      progress: false,
      throwOnFailure: false,
    });
    expect(result.workers).toBe(2);
    expect(result.sites.find((x) => x.site === 'site-07')!.warnings).toHaveLength(1);
    expect(result.failures.map((f) => [f.site, f.stage])).toEqual([['site-05', 'security'], ['site-09', 'build']]);
    const files = listFiles(sequential);
    expect(files).toContain('site-03/0001-site-03-apps.k8s.yaml');
    expect(listFiles(parallel)).toEqual(files);
    for (const f of files) {
      expect(fs.readFileSync(path.join(parallel, f)).equals(fs.readFileSync(path.join(sequential, f)))).toBe(true);
    }
  });

  test('rejects listing the failed sites, after writing the index', async () => {
    const outdir = tmp();
    await expect(Fleet.synthParallel({ factoryModule: FACTORY_MODULE, factoryExport: 'TestFleetFactory', factoryArgs: [options], workers: 2, outdir, progress: false }))
      .rejects.toThrow(/2 of 12 site\(s\) failed[\s\S]*site-05 \[security\][\s\S]*site-09 \[build\]: SmallSite "site-09": replicas = -1/);
    expect(readIndex(outdir).totals).toMatchObject({ sites: 12, written: 10, failed: 2 });
  });

  test('failFast stops handing out sites after the first failure', async () => {
    const many = { sites: sites(60), faults: { 'site-01': 'throw' as const } };
    const result = await Fleet.synthParallel({
      factoryModule: FACTORY_MODULE,
      factoryExport: 'TestFleetFactory',
      factoryArgs: [many],
      workers: 2,
      outdir: tmp(),
      progress: false,
      failFast: true,
      throwOnFailure: false,
    });
    expect(result.failures.map((f) => f.site)).toEqual(['site-01']);
    expect(result.notAttempted).toBeGreaterThan(0);
    expect(result.complete).toBe(false);
  });

  test('loads object and function exports, validator exports, and reports progress', async () => {
    const fromObject = await Fleet.synthParallel({ factoryModule: FACTORY_MODULE, factoryExport: 'defaultFactory', workers: 1, outdir: tmp(), progress: false });
    expect(fromObject.sites.map((s) => s.site)).toEqual(['site-a', 'site-b', 'site-c', 'site-d', 'site-e']);
    const events: string[] = [];
    const fromFunction = await Fleet.synthParallel({
      factoryModule: FACTORY_MODULE,
      factoryExport: 'makeFactory',
      factoryArgs: [{ sites: ['site-x', 'site-y'] }],
      validatorExports: ['NamedPortsValidator'],
      workers: 2,
      outdir: tmp(),
      progress: false,
      throwOnFailure: false,
      onProgress: { onSiteDone: (p) => events.push(`${p.site}:${p.succeeded}`) },
    });
    expect(fromFunction.failures.map((f) => [f.site, f.stage])).toEqual([['site-x', 'custom-validator'], ['site-y', 'custom-validator']]);
    expect(events.sort()).toEqual(['site-x:false', 'site-y:false']);
  });

  test('rejects when the progress listener throws', async () => {
    await expect(Fleet.synthParallel({
      factoryModule: FACTORY_MODULE,
      factoryExport: 'defaultFactory',
      workers: 1,
      outdir: tmp(),
      progress: false,
      onProgress: { onSiteDone: () => { throw new Error('listener broke'); } },
    })).rejects.toThrow('listener broke');
  });

  test('fails if the export is not a factory, the module is missing, or workers disagree on the site names', async () => {
    await expect(Fleet.synthParallel({ factoryModule: FACTORY_MODULE, factoryExport: 'notAFactory', workers: 1, outdir: tmp(), progress: false }))
      .rejects.toThrow(/worker 0 failed: cannot load the site factory: Error: export "notAFactory" of .*factories.ts is not an ISiteFactory .*the module exports: .*TestFleetFactory/);
    await expect(Fleet.synthParallel({ factoryModule: path.join(__dirname, 'missing.ts'), workers: 1, outdir: tmp(), progress: false }))
      .rejects.toThrow(/cannot load the site factory: Error: Cannot find module/);
    await expect(Fleet.synthParallel({ factoryModule: FACTORY_MODULE, factoryExport: 'threadDependent', workers: 2, outdir: tmp(), progress: false }))
      .rejects.toThrow(/got different site names .* siteNames\(\) must be deterministic/);
  });

  test('fails if workers is not a whole number ≥ 1 or the factory module is missing', async () => {
    await expect(Fleet.synthParallel({ factoryModule: FACTORY_MODULE, workers: 0 })).rejects.toThrow(/workers = 0: must be a whole number ≥ 1/);
    await expect(Fleet.synthParallel({ factoryModule: '' })).rejects.toThrow(/factoryModule = "": worker threads need the module/);
    await expect(Fleet.synthParallel({ factoryModule: FACTORY_MODULE, register: ['no-such-loader'], outdir: tmp() })).rejects.toThrow(/register = "no-such-loader": cannot be resolved/);
  });
});
