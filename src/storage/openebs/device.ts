import { Construct } from 'constructs';
import { Warnings } from '../../core';
import { EdgeStorageClass, StorageClassCommonProps } from '../storage-class';
import { CasConfigEntry, renderCasConfig } from './cas-config';
import { Shape } from '../../core/validate';

/** Props of {@link DeviceLocalPvStorageClass}. */
export interface DeviceLocalPvStorageClassProps extends StorageClassCommonProps {
  /**
   * Filesystem to format claimed devices with.
   * @default 'ext4'
   */
  readonly fsType?: string;
  /**
   * NDM BlockDevice labels that a device must carry to be claimed (`BlockDeviceSelectors`).
   * @default - any unclaimed device
   */
  readonly blockDeviceSelectors?: { [key: string]: string };
}

/**
 * OpenEBS LocalPV device (`openebs.io/local` with `StorageType: device`): a whole block device per volume, found by
 * NDM. **Deprecated**: OpenEBS 4 removed the device engine and NDM. It is still emitted for OpenEBS 3 clusters and
 * warns at synth; use {@link LvmLocalPvStorageClass} (raw block or filesystem) instead.
 */
export class DeviceLocalPvStorageClass extends EdgeStorageClass {
  constructor(scope: Construct, id: string, props: DeviceLocalPvStorageClassProps = {}) {
    const config: CasConfigEntry[] = [
      { name: 'StorageType', value: 'device' },
      { name: 'FSType', value: props.fsType ?? 'ext4' },
    ];
    if (props.blockDeviceSelectors && Object.keys(props.blockDeviceSelectors).length > 0) {
      config.push({ name: 'BlockDeviceSelectors', data: props.blockDeviceSelectors });
    }
    super(scope, id, props, {
      provisioner: 'openebs.io/local',
      annotations: { 'openebs.io/cas-type': 'local', 'cas.openebs.io/config': renderCasConfig(config) },
      nodeLocal: true,
      supportsExpansion: false,
    });
    Shape.check(this, props);
    Warnings.add(this, `DeviceLocalPvStorageClass "${this.node.path}": LocalPV device is deprecated: OpenEBS 4 removed the device engine and NDM, so this class only works on OpenEBS 3; migrate to LvmLocalPvStorageClass (volumeMode Block for raw devices)`);
  }
}
