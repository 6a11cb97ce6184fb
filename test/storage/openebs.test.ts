import { Size } from 'cdk8s';
import * as YAML from 'yaml';
import {
  DeviceLocalPvStorageClass, HostPathLocalPvStorageClass, Filesystem, LvmLocalPvStorageClass, LvmScheduler,
  ReclaimPolicy, SnapshotDeletionPolicy, VolumeBindingMode, Warnings, ZfsCompression, ZfsLocalPvStorageClass, ZfsScheduler,
} from '../../src';
import { chart, find, synth } from '../support/harness';
import { printedWarnings } from '../support/warnings';

describe('HostPathLocalPvStorageClass', () => {
  test('defaults', () => {
    const c = chart();
    new HostPathLocalPvStorageClass(c, 'local-hostpath');
    const m = synth(c);
    expect(m).toMatchSnapshot();
    const sc = find(m, 'StorageClass', 'local-hostpath');
    expect(sc.provisioner).toBe('openebs.io/local');
    expect(sc.volumeBindingMode).toBe('WaitForFirstConsumer');
    expect(sc.reclaimPolicy).toBe('Delete');
    expect(sc.allowVolumeExpansion).toBe(false);
    expect(sc.metadata.annotations['openebs.io/cas-type']).toBe('local');
    expect(YAML.parse(sc.metadata.annotations['cas.openebs.io/config'])).toEqual([
      { name: 'StorageType', value: 'hostpath' },
      { name: 'BasePath', value: '/var/openebs/local' },
    ]);
    expect(sc.metadata.annotations['storageclass.kubernetes.io/is-default-class']).toBeUndefined();
  });

  test('custom: base path, node affinity labels, XFS quota, topology, default class, retain', () => {
    const c = chart();
    new HostPathLocalPvStorageClass(c, 'Video', {
      name: 'video-hostpath',
      basePath: '/mnt/video',
      nodeAffinityLabels: ['openebs.io/nodeid'],
      quota: { filesystem: Filesystem.XFS, softLimitGracePercent: 0, hardLimitGracePercent: 10 },
      allowedTopologies: [{ key: 'node-role.example.com/video', values: ['true'] }],
      isDefault: true,
      reclaimPolicy: ReclaimPolicy.RETAIN,
      mountOptions: ['noatime'],
    });
    const m = synth(c);
    expect(m).toMatchSnapshot();
    const sc = find(m, 'StorageClass', 'video-hostpath');
    expect(YAML.parse(sc.metadata.annotations['cas.openebs.io/config'])).toEqual([
      { name: 'StorageType', value: 'hostpath' },
      { name: 'BasePath', value: '/mnt/video' },
      { name: 'NodeAffinityLabels', list: ['openebs.io/nodeid'] },
      { name: 'XFSQuota', enabled: 'true', data: { softLimitGrace: '0%', hardLimitGrace: '10%' } },
    ]);
    expect(sc.metadata.annotations['storageclass.kubernetes.io/is-default-class']).toBe('true');
    expect(sc.allowedTopologies).toEqual([{ matchLabelExpressions: [{ key: 'node-role.example.com/video', values: ['true'] }] }]);
    expect(sc.reclaimPolicy).toBe('Retain');
    expect(sc.mountOptions).toEqual(['noatime']);
    expect(Warnings.collect(c).join('\n')).toMatch(/reclaimPolicy = "Retain" on node-local volumes leaves data/);
  });

  test('fails if volumeBindingMode is Immediate, saying why', () => {
    expect(() => new HostPathLocalPvStorageClass(chart(), 'x', { volumeBindingMode: VolumeBindingMode.IMMEDIATE }))
      .toThrow(/^HostPathLocalPvStorageClass "test\/x": volumeBindingMode = "Immediate": a node-local volume must be created on the node where its pod is scheduled.*; use VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER/);
  });
  test('fails if expansion is asked of hostpath', () => {
    expect(() => new HostPathLocalPvStorageClass(chart(), 'x', { allowVolumeExpansion: true })).toThrow(/allowVolumeExpansion = true: the openebs.io\/local provisioner cannot expand volumes/);
  });
  test.each(['relative/path', '/', '/var/../etc'])('fails if basePath is %s', (p) => {
    expect(() => new HostPathLocalPvStorageClass(chart(), 'x', { basePath: p })).toThrow(/basePath = .*must be an absolute directory path/);
  });
  test('fails if the soft limit exceeds the hard limit or a grace is out of range', () => {
    expect(() => new HostPathLocalPvStorageClass(chart(), 'x', { quota: { filesystem: Filesystem.EXT4, softLimitGracePercent: 20, hardLimitGracePercent: 10 } }))
      .toThrow(/quota.softLimitGracePercent = 20: the soft limit must not exceed the hard limit \(hardLimitGracePercent = 10\); raise hardLimitGracePercent to at least 20/);
    expect(() => new HostPathLocalPvStorageClass(chart(), 'x', { quota: { filesystem: Filesystem.EXT4, hardLimitGracePercent: 150 } }))
      .toThrow(/quota.hardLimitGracePercent = 150: must be a percentage/);
  });
  test('fails if a node affinity label is not a label key', () => {
    expect(() => new HostPathLocalPvStorageClass(chart(), 'x', { nodeAffinityLabels: ['not a label'] })).toThrow(/nodeAffinityLabels = "not a label": must be a Kubernetes label key/);
  });
  test('fails on invalid names', () => {
    expect(() => new HostPathLocalPvStorageClass(chart(), 'Fast_SSD')).toThrow(/HostPathLocalPvStorageClass "test\/Fast_SSD": name = "Fast_SSD": must be a DNS-1123 subdomain.*use a name like "fast-ssd"/);
  });
  test('fails if a topology requirement is empty', () => {
    expect(() => new HostPathLocalPvStorageClass(chart(), 'x', { allowedTopologies: [{ key: 'zone', values: [] }] })).toThrow(/allowedTopologies = .*needs a label key and at least one value/);
  });
});

describe('ZfsLocalPvStorageClass', () => {
  test('defaults', () => {
    const c = chart();
    new ZfsLocalPvStorageClass(c, 'zfs', { poolName: 'zfspv-pool' });
    const m = synth(c);
    expect(m).toMatchSnapshot();
    const sc = find(m, 'StorageClass', 'zfs');
    expect(sc.provisioner).toBe('zfs.csi.openebs.io');
    expect(sc.parameters).toEqual({ poolname: 'zfspv-pool', fstype: 'zfs' });
    expect(sc.allowVolumeExpansion).toBe(true);
    expect(sc.volumeBindingMode).toBe('WaitForFirstConsumer');
  });

  test('custom dataset with compression and a snapshot class', () => {
    const c = chart();
    const zfs = new ZfsLocalPvStorageClass(c, 'zfs-video', {
      poolName: 'tank/video',
      recordSize: Size.kibibytes(128),
      compression: ZfsCompression.zstd(3),
      dedup: false,
      thinProvision: true,
      shared: true,
      scheduler: ZfsScheduler.CAPACITY_WEIGHTED,
    });
    zfs.addSnapshotClass('zfs-snap', { deletionPolicy: SnapshotDeletionPolicy.RETAIN, isDefault: true });
    const m = synth(c);
    expect(m).toMatchSnapshot();
    expect(find(m, 'StorageClass', 'zfs-video').parameters).toEqual({
      poolname: 'tank/video', fstype: 'zfs', recordsize: '128K', compression: 'zstd-3', dedup: 'off', thinprovision: 'yes', shared: 'yes', scheduler: 'CapacityWeighted',
    });
    const vsc = find(m, 'VolumeSnapshotClass', 'zfs-snap');
    expect(vsc.driver).toBe('zfs.csi.openebs.io');
    expect(vsc.deletionPolicy).toBe('Retain');
    expect(vsc.metadata.annotations['snapshot.storage.kubernetes.io/is-default-class']).toBe('true');
  });

  test('zvol with volBlockSize; dedup warns', () => {
    const c = chart();
    new ZfsLocalPvStorageClass(c, 'zvol', { poolName: 'tank', fsType: Filesystem.XFS, volBlockSize: Size.kibibytes(16), dedup: true, compression: ZfsCompression.LZ4 });
    const sc = find(synth(c), 'StorageClass', 'zvol');
    expect(sc.parameters).toEqual({ poolname: 'tank', fstype: 'xfs', volblocksize: '16K', dedup: 'on', compression: 'lz4' });
    expect(Warnings.collect(c).join('\n')).toMatch(/dedup = true: ZFS deduplication keeps its table in RAM/);
  });

  test('512-byte blocks render in bytes', () => {
    const c = chart();
    new ZfsLocalPvStorageClass(c, 'small', { poolName: 'tank', recordSize: Size.kibibytes(0.5) });
    expect(find(synth(c), 'StorageClass', 'small').parameters.recordsize).toBe('512');
  });

  test.each(['', 'bad pool', '-tank', 'tank//x'])('fails if poolName is %j', (p) => {
    expect(() => new ZfsLocalPvStorageClass(chart(), 'x', { poolName: p })).toThrow(/poolName = .*must name an existing zpool/);
  });
  test.each([[Size.kibibytes(96)], [Size.kibibytes(256)], [Size.kibibytes(0.25)]])('fails if recordSize is %s', (s) => {
    expect(() => new ZfsLocalPvStorageClass(chart(), 'x', { poolName: 'tank', recordSize: s })).toThrow(/recordSize = ".* bytes": must be a power of two from 512 B to 128 KiB/);
  });
  test('fails if recordSize is given for a zvol, or volBlockSize for a dataset', () => {
    expect(() => new ZfsLocalPvStorageClass(chart(), 'x', { poolName: 'tank', fsType: Filesystem.EXT4, recordSize: Size.kibibytes(64) })).toThrow(/recordSize = .*applies to ZFS datasets only/);
    expect(() => new ZfsLocalPvStorageClass(chart(), 'x', { poolName: 'tank', volBlockSize: Size.kibibytes(64) })).toThrow(/volBlockSize = .*applies to zvols only/);
  });
  test('fails on out-of-range compression levels', () => {
    expect(() => ZfsCompression.gzip(10)).toThrow(/level = 10: must be an integer from 1 to 9/);
    expect(() => ZfsCompression.zstd(0)).toThrow(/level = 0: must be an integer from 1 to 19/);
    expect(ZfsCompression.gzip(9).value).toBe('gzip-9');
    expect(ZfsCompression.custom('lzjb').value).toBe('lzjb');
  });
  test('fails if Immediate binding is asked', () => {
    expect(() => new ZfsLocalPvStorageClass(chart(), 'x', { poolName: 'tank', volumeBindingMode: VolumeBindingMode.IMMEDIATE })).toThrow(/volumeBindingMode = "Immediate"/);
  });
});

describe('LvmLocalPvStorageClass', () => {
  test('defaults', () => {
    const c = chart();
    new LvmLocalPvStorageClass(c, 'lvm', { volumeGroup: 'lvmvg' });
    const m = synth(c);
    expect(m).toMatchSnapshot();
    const sc = find(m, 'StorageClass', 'lvm');
    expect(sc.provisioner).toBe('local.csi.openebs.io');
    expect(sc.parameters).toEqual({ storage: 'lvm', volgroup: 'lvmvg', fsType: 'ext4' });
    expect(sc.allowVolumeExpansion).toBe(true);
  });

  test('custom: pattern, xfs, thin, shared, scheduler, snapshot class', () => {
    const c = chart();
    const lvm = new LvmLocalPvStorageClass(c, 'lvm-xfs', { volumeGroupPattern: 'edge-vg-.*', fsType: Filesystem.XFS, thinProvision: true, shared: true, scheduler: LvmScheduler.CAPACITY_WEIGHTED, reclaimPolicy: ReclaimPolicy.DELETE });
    lvm.addSnapshotClass('lvm-snap');
    const m = synth(c);
    expect(m).toMatchSnapshot();
    expect(find(m, 'StorageClass', 'lvm-xfs').parameters).toEqual({ storage: 'lvm', vgpattern: 'edge-vg-.*', fsType: 'xfs', thinProvision: 'yes', shared: 'yes', scheduler: 'CapacityWeighted' });
    expect(find(m, 'VolumeSnapshotClass', 'lvm-snap').driver).toBe('local.csi.openebs.io');
  });

  test('addSnapshotClass warns what LVM snapshots cannot do: thick ones reserve the full size and never restore, thin ones restore only on OpenEBS 4.4+; resize is blocked', () => {
    const c = chart();
    new LvmLocalPvStorageClass(c, 'thick', { volumeGroup: 'lvmvg' }).addSnapshotClass('thick-snap');
    new LvmLocalPvStorageClass(c, 'thin', { volumeGroup: 'lvmvg', thinProvision: true }).addSnapshotClass('thin-snap');
    const { printed } = printedWarnings(() => synth(c));
    expect(printed).toEqual([
      expect.stringMatching(/^\[WARNING\] CsiVolumeSnapshotClass "test\/thick\/thick-snap": driver = "local.csi.openebs.io": .*thick.*reserves? .*full size.*cannot (be )?restore.*resiz/),
      expect.stringMatching(/^\[WARNING\] CsiVolumeSnapshotClass "test\/thin\/thin-snap": driver = "local.csi.openebs.io": .*thin.*4\.4.*resiz/),
    ]);
  });

  test('fails if both volumeGroup and volumeGroupPattern are given', () => {
    expect(() => new LvmLocalPvStorageClass(chart(), 'x', { volumeGroup: 'vg', volumeGroupPattern: 'vg.*' }))
      .toThrow(/^LvmLocalPvStorageClass "test\/x": volumeGroup\/volumeGroupPattern = \{"volumeGroup":"vg","volumeGroupPattern":"vg.\*"\}: exactly one of volumeGroup and volumeGroupPattern must be given; keep volumeGroup/);
  });
  test('fails if neither is given', () => {
    expect(() => new LvmLocalPvStorageClass(chart(), 'x', {})).toThrow(/volumeGroup\/volumeGroupPattern = "neither": exactly one/);
  });
  test('fails on a bad VG name or pattern', () => {
    expect(() => new LvmLocalPvStorageClass(chart(), 'x', { volumeGroup: '-vg' })).toThrow(/volumeGroup = "-vg": must be an LVM volume group name/);
    expect(() => new LvmLocalPvStorageClass(chart(), 'x', { volumeGroupPattern: 'vg(' })).toThrow(/volumeGroupPattern = "vg\(": must be a valid regular expression/);
  });
  test('fails if Immediate binding is asked', () => {
    expect(() => new LvmLocalPvStorageClass(chart(), 'x', { volumeGroup: 'vg', volumeBindingMode: VolumeBindingMode.IMMEDIATE })).toThrow(/volumeBindingMode = "Immediate"/);
  });
});

describe('DeviceLocalPvStorageClass', () => {
  test('emits the device class and warns that OpenEBS 4 removed it', () => {
    const c = chart();
    new DeviceLocalPvStorageClass(c, 'local-device', { fsType: 'xfs', blockDeviceSelectors: { 'ndm.io/driveType': 'SSD' } });
    const { result: m, printed } = printedWarnings(() => synth(c));
    expect(printed).toEqual([expect.stringMatching(/^\[WARNING\] DeviceLocalPvStorageClass "test\/local-device": LocalPV device is deprecated: OpenEBS 4 removed .*LvmLocalPvStorageClass/)]);
    expect(m).toMatchSnapshot();
    const sc = find(m, 'StorageClass', 'local-device');
    expect(YAML.parse(sc.metadata.annotations['cas.openebs.io/config'])).toEqual([
      { name: 'StorageType', value: 'device' },
      { name: 'FSType', value: 'xfs' },
      { name: 'BlockDeviceSelectors', data: { 'ndm.io/driveType': 'SSD' } },
    ]);
  });
  test('fails if Immediate binding is asked', () => {
    expect(() => new DeviceLocalPvStorageClass(chart(), 'x', { volumeBindingMode: VolumeBindingMode.IMMEDIATE })).toThrow(/volumeBindingMode = "Immediate"/);
  });
});
