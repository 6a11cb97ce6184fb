// The shared enums (src/core/vocabulary.ts): one `Filesystem` and one `ObjectEvent` for every block. Each consumer
// accepts the members its upstream tool supports, renders them as before, and refuses the others with a message that
// names the construct, the prop, the value, the rule and the members to use instead.
import { Size } from 'cdk8s';
import {
  Filesystem, HostPathLocalPvStorageClass, IEventTopic, LonghornStorageClass, LvmLocalPvStorageClass, MinioCluster, ObjectEvent,
  RookCephCluster, Warnings, ZfsLocalPvStorageClass, S3Credentials,
} from '../../src';
import { chart, find, synth } from '../support/harness';

const topic: IEventTopic = { topicName: 'object-events', bootstrapServers: 'edge-kafka-bootstrap.kafka.svc:9092' };
const cephHosts = [1, 2, 3].map((i) => ({ name: `node-${i}`, devices: ['sdb'] }));

let warnSpy: jest.SpyInstance;
beforeEach(() => { warnSpy = jest.spyOn(console, 'warn').mockImplementation(() => undefined); });
afterEach(() => warnSpy.mockRestore());

describe('Filesystem', () => {
  test('each storage class renders the members its driver supports as the driver spells them', () => {
    const c = chart();
    new ZfsLocalPvStorageClass(c, 'zfs-btrfs', { poolName: 'tank', fsType: Filesystem.BTRFS });
    new LvmLocalPvStorageClass(c, 'lvm-btrfs', { volumeGroup: 'edge-vg', fsType: Filesystem.BTRFS });
    new LonghornStorageClass(c, 'longhorn-xfs', { fsType: Filesystem.XFS });
    new HostPathLocalPvStorageClass(c, 'hostpath-ext4', { quota: { filesystem: Filesystem.EXT4 } });
    const ceph = new RookCephCluster(c, 'ceph', { hosts: cephHosts });
    ceph.addBlockPool('db', { storageClass: { fsType: Filesystem.XFS } });
    const m = synth(c);
    expect(find(m, 'StorageClass', 'zfs-btrfs').parameters.fstype).toBe('btrfs');
    expect(find(m, 'StorageClass', 'lvm-btrfs').parameters.fsType).toBe('btrfs');
    expect(find(m, 'StorageClass', 'longhorn-xfs').parameters.fsType).toBe('xfs');
    expect(find(m, 'StorageClass', 'hostpath-ext4').metadata.annotations['cas.openebs.io/config']).toMatch(/- name: "EXT4Quota"\n/);
    expect(find(m, 'StorageClass', 'ceph-db').parameters['csi.storage.k8s.io/fstype']).toBe('xfs');
  });

  test('MinIO takes any member and warns about ext4 only', () => {
    const c = chart('edge');
    new MinioCluster(c, 'btrfs', { driveSize: Size.gibibytes(100), rootCredentials: S3Credentials.fromSecretName('minio-root'), driveFilesystem: Filesystem.BTRFS });
    new MinioCluster(c, 'ext4', { driveSize: Size.gibibytes(100), rootCredentials: S3Credentials.fromSecretName('minio-root'), driveFilesystem: Filesystem.EXT4 });
    const fsWarnings = Warnings.collect(c).filter((w) => w.includes('driveFilesystem'));
    expect(fsWarnings).toHaveLength(1);
    expect(fsWarnings[0]).toMatch(/^\[WARNING\] MinioCluster "test\/ext4": driveFilesystem = "ext4": MinIO recommends XFS/);
  });

  describe('fails if', () => {
    test.each([
      ['LVM LocalPV is given ZFS', () => new LvmLocalPvStorageClass(chart(), 'lvm', { volumeGroup: 'edge-vg', fsType: Filesystem.ZFS }),
        /^LvmLocalPvStorageClass "test\/lvm": fsType = "zfs": LVM LocalPV formats volumes with ext4, XFS or btrfs; use Filesystem\.EXT4, Filesystem\.XFS or Filesystem\.BTRFS$/],
      ['Longhorn is given btrfs', () => new LonghornStorageClass(chart(), 'lh', { fsType: Filesystem.BTRFS }),
        /^LonghornStorageClass "test\/lh": fsType = "btrfs": Longhorn formats volumes with ext4 or XFS only; use Filesystem\.EXT4 or Filesystem\.XFS$/],
      ['a hostpath quota is asked of btrfs', () => new HostPathLocalPvStorageClass(chart(), 'hp', { quota: { filesystem: Filesystem.BTRFS } }),
        /^HostPathLocalPvStorageClass "test\/hp": quota\.filesystem = "btrfs": OpenEBS hostpath enforces project quotas on XFS and ext4 only; use Filesystem\.XFS or Filesystem\.EXT4$/],
      ['an RBD class is given ZFS', () => new RookCephCluster(chart(), 'ceph', { hosts: cephHosts }).addBlockPool('db', { storageClass: { fsType: Filesystem.ZFS } }),
        /^RookCephBlockPool "test\/ceph\/db": storageClass\.fsType = "zfs": ceph-csi formats RBD volumes with ext4 or XFS only; use Filesystem\.EXT4 or Filesystem\.XFS$/],
    ])('%s', (_name, build, message) => {
      expect(build).toThrow(message);
    });
  });
});

describe('ObjectEvent', () => {
  test('MinIO subscribes to event families under mc\'s names', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', { driveSize: Size.gibibytes(100), rootCredentials: S3Credentials.fromSecretName('minio-root'), eventQueue: true });
    store.addBucket('video', {
      versioning: true,
      notifications: [{
        topic,
        events: [ObjectEvent.OBJECT_CREATED, ObjectEvent.OBJECT_REMOVED, ObjectEvent.OBJECT_ACCESSED, ObjectEvent.REPLICATION, ObjectEvent.LIFECYCLE],
      }],
    });
    const subscribe = store.provisioningCommands.filter((cmd) => cmd.startsWith('mc event add'));
    expect(subscribe).toHaveLength(1);
    expect(subscribe[0]).toMatch(/ --event put,delete,get,replica,ilm$/);
  });

  test('Ceph RGW publishes its S3 event types unchanged', () => {
    const c = chart();
    const bucket = new RookCephCluster(c, 'ceph', { hosts: cephHosts }).addObjectStore('objects').addBucket('segments', { namespace: 'video' });
    bucket.addKafkaNotification('new', { topic, events: [ObjectEvent.OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD, ObjectEvent.LIFECYCLE_EXPIRATION_NONCURRENT, ObjectEvent.OBJECT_SYNCED] });
    expect(find(synth(c), 'CephBucketNotification', 'segments-new').spec.events)
      .toEqual(['s3:ObjectCreated:CompleteMultipartUpload', 's3:ObjectLifecycle:Expiration:NonCurrent', 's3:ObjectSynced:*']);
  });

  describe('fails if', () => {
    test('MinIO is asked for a single operation rather than a family', () => {
      const store = new MinioCluster(chart('edge'), 'store', { driveSize: Size.gibibytes(100), rootCredentials: S3Credentials.fromSecretName('minio-root') });
      expect(() => store.addBucket('video', { notifications: [{ topic, events: [ObjectEvent.OBJECT_CREATED, ObjectEvent.OBJECT_CREATED_PUT] }] })).toThrow(
        /^MinioBucket "test\/store\/video": notifications\[0\]\.events\[1\] = "s3:ObjectCreated:Put": MinIO subscribes to event families only \(created, removed, accessed, replication, lifecycle\); use ObjectEvent\.OBJECT_CREATED, ObjectEvent\.OBJECT_REMOVED, ObjectEvent\.OBJECT_ACCESSED, ObjectEvent\.REPLICATION or ObjectEvent\.LIFECYCLE$/,
      );
    });

    test('Ceph RGW is asked for reads', () => {
      const bucket = new RookCephCluster(chart(), 'ceph', { hosts: cephHosts }).addObjectStore('objects').addBucket('segments', { namespace: 'video' });
      expect(() => bucket.addKafkaNotification('new', { topic, events: [ObjectEvent.OBJECT_ACCESSED] })).toThrow(
        /^RookCephKafkaBucketNotification "[^"]+": events\[0\] = "s3:ObjectAccessed:\*": RGW does not notify about this event; use ObjectEvent\.OBJECT_CREATED, .* or ObjectEvent\.OBJECT_SYNCED$/,
      );
    });
  });
});
