// Viewer authentication and the origin token: the rules the constructs enforce at synth (the behaviour itself is
// proven by the real nginx and MinIO in viewer-auth.real.test.ts).
import { Size } from 'cdk8s';
import { BucketAnonymousAccess, CacheOrigin, MinioCluster, NginxEdgeCache, S3Credentials, ViewerAuthentication } from '../../src';
import { NginxCacheConfig } from '../../src/cache/nginx/config';
import { chart } from '../support/harness';

const origin = CacheOrigin.fromUrl('http://10.0.0.5:9000/recordings/');
const token = { name: 'origin-token', key: 'token' };
const viewers = { name: 'viewers', key: 'htpasswd' };

describe('viewer authentication', () => {
  test('a private origin (originToken) defaults to basic authentication, which needs the htpasswd Secret', () => {
    expect(NginxCacheConfig.viewerAuthenticationFor({ origin, originToken: token })).toBe(ViewerAuthentication.BASIC);
    expect(NginxCacheConfig.viewerAuthenticationFor({ origin })).toBe(ViewerAuthentication.NONE);
    expect(() => new NginxEdgeCache(chart('site'), 'cache', { origin, originToken: token }))
      .toThrow(/viewerCredentials = "unset": is required with basic viewer authentication/);
  });

  test('opting out on a private origin is warned; credentials with NONE are an error', () => {
    const warnings = NginxCacheConfig.warnings({ origin, originToken: token, viewerAuthentication: ViewerAuthentication.NONE });
    expect(warnings.map((w) => w.prop)).toContain('viewerAuthentication');
    expect(NginxCacheConfig.problems({ origin, viewerCredentials: viewers, viewerAuthentication: ViewerAuthentication.NONE }).map((p) => p.prop))
      .toEqual(['viewerCredentials']);
  });

  test('a warm-up cannot pass basic authentication, so it is refused at synth', () => {
    const cache = new NginxEdgeCache(chart('site'), 'cache', { origin, viewerCredentials: viewers, cacheVolumeSize: Size.gibibytes(10) });
    expect(() => cache.addWarmUp('prefetch', { paths: ['/a'] } as any)).toThrow(/addWarmUp = "prefetch": the warm-up requests carry no viewer credentials/);
  });

  test('a bucket read token replaces anonymous access and cannot be combined with it', () => {
    const store = new MinioCluster(chart('site'), 'store', { driveSize: Size.gibibytes(10), rootCredentials: S3Credentials.fromSecretName('root') });
    expect(() => store.addBucket('recordings', { readToken: token, anonymousAccess: BucketAnonymousAccess.DOWNLOAD }))
      .toThrow(/anonymousAccess = "download": cannot be combined with readToken/);
  });
});
