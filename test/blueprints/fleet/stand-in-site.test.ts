import { StandInSite, StandInSiteFactory, standInSiteNames } from '../../../bench/stand-in-site';
import { chart, find, findAll, synth } from '../../support/harness';

// The benchmark's stand-in site must be a fair stand-in: valid against the pinned schemas, clean under the
// SecurityBaseline (both checked by synth), and of the advertised size.
describe('benchmark stand-in site', () => {
  test('every object is conformant and the site has the advertised shape', () => {
    const c = chart();
    new StandInSite(c, 'Site', 'site-00042', 41);
    const manifests = synth(c);
    expect(manifests).toHaveLength(StandInSite.OBJECT_COUNT);
    const kinds = manifests.map((m) => m.kind).reduce((acc: Record<string, number>, k: string) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});
    expect(kinds).toEqual({
      Namespace: 1,
      ResourceQuota: 1,
      LimitRange: 1,
      NetworkPolicy: 5,
      ServiceAccount: 3,
      ConfigMap: 3,
      Service: 4,
      StatefulSet: 1,
      PodDisruptionBudget: 2,
      Deployment: 2,
      PersistentVolumeClaim: 1,
      CronJob: 1,
      Job: 1,
      Role: 1,
      RoleBinding: 1,
    });
    expect(find(manifests, 'StatefulSet', 'site-00042-store').spec.replicas).toBe(4);
    expect(find(manifests, 'CronJob', 'site-00042-backup').spec.schedule).toBe('41 2 * * *');
    // every object but the Namespace lives in the site's namespace
    expect(manifests.filter((m) => m.kind !== 'Namespace').every((m) => m.metadata.namespace === 'site-00042')).toBe(true);
    expect(findAll(manifests, 'NetworkPolicy').map((p) => p.metadata.name)).toContain('site-00042-default-deny');
  });

  test('site names are zero-padded, unique and ordered', () => {
    const names = standInSiteNames(12000);
    expect(names[0]).toBe('site-00001');
    expect(names[11999]).toBe('site-12000');
    expect(new Set(names).size).toBe(12000);
    expect(new StandInSiteFactory(3).siteNames()).toEqual(['site-00001', 'site-00002', 'site-00003']);
  });
});
