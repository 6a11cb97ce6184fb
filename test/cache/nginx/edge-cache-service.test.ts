// Defect 4 of issue 14: LAN clients given by CIDR need a Service they can reach, and one that keeps their address.
import { ServiceType } from 'cdk8s-plus-30';
import { CacheOrigin, NginxEdgeCache, Warnings } from '../../../src';
import { chart, find, synth } from '../../support/harness';

const origin = () => CacheOrigin.fromUrl('https://origin.example.com/media/');

describe('NginxEdgeCache Service for CIDR clients', () => {
  test('CIDR clients: a LoadBalancer that keeps the client address (externalTrafficPolicy Local)', () => {
    const c = chart('site-a');
    const cache = new NginxEdgeCache(c, 'cache', { origin: origin(), allowedClients: [{ cidr: '10.20.0.0/24' }, { podLabels: { app: 'viewer' } }] });
    const svc = find(synth(c), 'Service', cache.serviceName).spec;
    expect(svc.type).toBe('LoadBalancer');
    expect(svc.externalTrafficPolicy).toBe('Local');
    // The NetworkPolicy's ipBlock is the client range itself, which only matches when the source address is kept.
    const np = find(synth(c), 'NetworkPolicy', cache.name);
    expect(np.spec.ingress[0].from).toContainEqual({ ipBlock: { cidr: '10.20.0.0/24' } });
  });

  test('NODE_PORT also keeps the address; pods only stay ClusterIP', () => {
    const c = chart('site-a');
    const np = new NginxEdgeCache(c, 'lan', { origin: origin(), allowedClients: [{ cidr: '10.20.0.0/24' }], serviceType: ServiceType.NODE_PORT });
    const pods = new NginxEdgeCache(c, 'pods', { origin: origin(), allowedClients: [{ podLabels: { app: 'viewer' } }] });
    const m = synth(c);
    expect(find(m, 'Service', np.serviceName).spec).toMatchObject({ type: 'NodePort', externalTrafficPolicy: 'Local' });
    expect(find(m, 'Service', pods.serviceName).spec.type).toBeUndefined();
    expect(find(m, 'Service', pods.serviceName).spec.externalTrafficPolicy).toBeUndefined();
  });

  test('warns when CIDR clients are given a ClusterIP Service', () => {
    const c = chart('site-a');
    const spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      new NginxEdgeCache(c, 'cache', { origin: origin(), allowedClients: [{ cidr: '10.20.0.0/24' }], serviceType: ServiceType.CLUSTER_IP });
    } finally {
      spy.mockRestore();
    }
    expect(Warnings.collect(c).join('\n')).toMatch(/serviceType = "ClusterIP": clients 10.20.0.0\/24 are outside the cluster/);
  });
});
