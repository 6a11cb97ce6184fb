import { ApiObject, Size, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { ContainerImage, ExternalObjectStore, ObjectStoreFlavor, S3Credentials, Warnings } from '../../src';
import { EdgeLabels, EdgeMessages, KubeNames, Resources, RestrictedSecurity } from '../../src/core';
import { synth } from '../support/harness';
import { printedWarnings } from '../support/warnings';

describe('KubeNames', () => {
  test.each(['a', 'site-a', 'a1-b2', 'x'.repeat(63)])('accepts label %s', (v) => expect(KubeNames.isDns1123Label(v)).toBe(true));
  test.each(['', '-a', 'a-', 'A', 'a_b', 'a.b', 'x'.repeat(64)])('rejects label %j', (v) => expect(KubeNames.isDns1123Label(v)).toBe(false));
  test('subdomains allow dots', () => {
    expect(KubeNames.isDns1123Subdomain('fast.local-xfs')).toBe(true);
    expect(KubeNames.isDns1123Subdomain('fast..xfs')).toBe(false);
  });
  test('fails with construct, prop, value, rule and fix', () => {
    const c = new Construct(Testing.chart(), 'Thing');
    expect(() => KubeNames.assertDns1123Label(c, 'name', 'Site_A')).toThrow(
      /^Construct "test\/Thing": name = "Site_A": must be a DNS-1123 label.*; use a name like "site-a"$/,
    );
  });
  test('respects a tighter max length', () => {
    const c = new Construct(Testing.chart(), 'Thing');
    expect(() => KubeNames.assertDns1123Label(c, 'name', 'a'.repeat(53), 52)).toThrow(/1–52 characters/);
  });
});

describe('ContainerImage', () => {
  test('catalog entries are pinned', () => {
    const catalog = Object.values(ContainerImage).filter((v) => v instanceof ContainerImage) as ContainerImage[];
    expect(catalog.length).toBeGreaterThanOrEqual(10);
    for (const image of catalog) {
      expect(ContainerImage.isPinned(image.reference)).toBe(true);
    }
    expect(ContainerImage.MINIO.frozenUpstream).toBe(true);
    expect(ContainerImage.RESTIC.frozenUpstream).toBe(false);
  });
  test.each([
    ['registry:5000/team/app:1.2', true],
    ['app@sha256:' + 'a'.repeat(64), true],
    ['app:1.0@sha256:' + 'b'.repeat(64), true],
    ['registry:5000/team/app', false],
    ['app:latest', false],
    ['app', false],
    ['app@sha256:short', false],
  ])('isPinned(%s) = %s', (ref, pinned) => expect(ContainerImage.isPinned(ref as string)).toBe(pinned));
  test('fromReference keeps the reference', () => {
    expect(ContainerImage.fromReference('registry:5000/team/app:1.2').reference).toBe('registry:5000/team/app:1.2');
    expect(ContainerImage.fromReference('registry:5000/team/app:1.2').repository).toBe('registry:5000/team/app');
  });
  test('fails on latest and tagless', () => {
    expect(() => ContainerImage.fromReference('redis:latest')).toThrow(/must be pinned.*use e\.g\. "redis:<version>"/);
    expect(() => ContainerImage.of('redis', '')).toThrow(/must be pinned/);
  });
});

describe('EdgeLabels', () => {
  test('standard labels', () => {
    expect(EdgeLabels.standard({ name: 'minio', instance: 'store', component: 'server', version: 'RELEASE.2025-09-07T16-13-09Z' })).toEqual({
      'app.kubernetes.io/name': 'minio',
      'app.kubernetes.io/instance': 'store',
      'app.kubernetes.io/component': 'server',
      'app.kubernetes.io/version': 'RELEASE.2025-09-07T16-13-09Z',
      'app.kubernetes.io/part-of': 'cdk8s-edge-storage',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
  });
  test('label values are sanitized', () => expect(EdgeLabels.labelValue('sha256:abc')).toBe('sha256_abc'));
});

describe('RestrictedSecurity', () => {
  test('pod and container contexts', () => {
    expect(RestrictedSecurity.podSecurityContext({ runAsUser: 1000, fsGroup: 2000 })).toEqual({
      runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(RestrictedSecurity.containerSecurityContext()).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });
  test('fails on root and on capabilities restricted forbids', () => {
    expect(() => RestrictedSecurity.podSecurityContext({ runAsUser: 0 })).toThrow(/forbids running as root/);
    expect(() => RestrictedSecurity.containerSecurityContext({ addCapabilities: ['SYS_ADMIN'] })).toThrow(/only allows adding NET_BIND_SERVICE/);
  });
});

describe('Resources', () => {
  test('quantities use the largest whole binary unit', () => {
    expect(Resources.sizeString(Size.gibibytes(10))).toBe('10Gi');
    expect(Resources.sizeString(Size.mebibytes(1536))).toBe('1536Mi');
    expect(Resources.sizeString(Size.tebibytes(2))).toBe('2Ti');
    expect(Resources.bytes(Size.mebibytes(1))).toBe(1048576);
  });
  test('memory limit defaults to the request', () => {
    const r = Resources.toKube({ memory: { request: Size.mebibytes(256) } });
    expect(r.limits?.memory?.value).toBe('256Mi');
    expect(r.requests?.memory?.value).toBe('256Mi');
  });
});

describe('ExternalObjectStore', () => {
  test('defaults', () => {
    const s = new ExternalObjectStore({ s3Endpoint: 'https://s3.example.com/', credentials: S3Credentials.fromSecretName('cloud-s3') });
    expect(s.s3Endpoint).toBe('https://s3.example.com');
    expect(s.region).toBe('us-east-1');
    expect(s.forcePathStyle).toBe(true);
    expect(s.flavor).toBe(ObjectStoreFlavor.GENERIC_S3);
    expect(new ExternalObjectStore({ s3Endpoint: 'https://s3.amazonaws.com', credentials: S3Credentials.fromSecretName('x'), flavor: ObjectStoreFlavor.AWS_S3 }).forcePathStyle).toBe(false);
  });
  test.each(['s3.example.com', 'ftp://x', 'https://x/bucket'])('fails on endpoint %s', (e) => {
    expect(() => new ExternalObjectStore({ s3Endpoint: e, credentials: S3Credentials.fromSecretName('x') })).toThrow(/s3Endpoint = .*must be an http\(s\) URL/);
  });
});

describe('Warnings', () => {
  test('recorded once and printed at synth', () => {
    const chart = Testing.chart();
    const c = new Construct(chart, 'Risky');
    new ApiObject(c, 'Resource', { apiVersion: 'v1', kind: 'ConfigMap' });
    Warnings.addFormatted(c, { prop: 'replicas', value: 1, rule: 'no redundancy', fix: 'use 2' });
    Warnings.addFormatted(c, { prop: 'replicas', value: 1, rule: 'no redundancy', fix: 'use 2' });
    const { printed } = printedWarnings(() => {
      synth(chart);
      synth(chart);
    });
    expect(printed).toEqual(['[WARNING] Construct "test/Risky": replicas = 1: no redundancy; use 2']);
    expect(Warnings.collect(chart)).toEqual(['[WARNING] Construct "test/Risky": replicas = 1: no redundancy; use 2']);
  });
  test('EdgeMessages.label names the class and path', () => {
    expect(EdgeMessages.label(new Construct(Testing.chart(), 'X'))).toBe('Construct "test/X"');
  });
});
