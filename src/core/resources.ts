import { Size, SizeRoundingBehavior } from 'cdk8s';
import { ContainerResources, k8s } from 'cdk8s-plus-30';

/**
 * Converts cdk8s-plus `ContainerResources` into the L1 `ResourceRequirements` the library's pod specs carry, filling
 * in defaults per container so every container has CPU + memory requests and a memory limit.
 *
 * Internal (not exported from the package; the building blocks import it from `src/core`).
 */
export class Resources {
  /**
   * Render `given` merged over `defaults`. The memory limit defaults to the memory request when neither
   * gives one, so a container never runs without a memory limit.
   */
  public static toKube(defaults: ContainerResources, given?: ContainerResources): k8s.ResourceRequirements {
    const cpuRequest = given?.cpu?.request ?? defaults.cpu?.request;
    const cpuLimit = given?.cpu?.limit ?? defaults.cpu?.limit;
    const memRequest = given?.memory?.request ?? defaults.memory?.request;
    const memLimit = given?.memory?.limit ?? defaults.memory?.limit ?? memRequest;
    const esRequest = given?.ephemeralStorage?.request ?? defaults.ephemeralStorage?.request;
    const esLimit = given?.ephemeralStorage?.limit ?? defaults.ephemeralStorage?.limit;
    const requests: { [key: string]: k8s.Quantity } = {};
    const limits: { [key: string]: k8s.Quantity } = {};
    if (cpuRequest) requests.cpu = k8s.Quantity.fromString(cpuRequest.amount);
    if (memRequest) requests.memory = Resources.quantity(memRequest);
    if (esRequest) requests['ephemeral-storage'] = Resources.quantity(esRequest);
    if (cpuLimit) limits.cpu = k8s.Quantity.fromString(cpuLimit.amount);
    if (memLimit) limits.memory = Resources.quantity(memLimit);
    if (esLimit) limits['ephemeral-storage'] = Resources.quantity(esLimit);
    return {
      ...(Object.keys(requests).length > 0 ? { requests } : {}),
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
    };
  }

  /** A Kubernetes quantity for a size, in the largest whole binary unit (`Gi`, `Mi` or `Ki`). */
  public static quantity(size: Size): k8s.Quantity {
    return k8s.Quantity.fromString(Resources.sizeString(size));
  }

  /** `size` as a Kubernetes quantity string in the largest whole binary unit, e.g. `10Gi`, `512Mi`. */
  public static sizeString(size: Size): string {
    const kib = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Number.isInteger(kib)) {
      return `${Math.ceil(kib * 1024)}`;
    }
    const units: Array<[string, number]> = [['Pi', 1024 ** 4], ['Ti', 1024 ** 3], ['Gi', 1024 ** 2], ['Mi', 1024], ['Ki', 1]];
    for (const [unit, factor] of units) {
      if (kib % factor === 0) {
        return `${kib / factor}${unit}`;
      }
    }
    return `${kib}Ki`;
  }

  /** `size` in bytes (exact for whole kibibytes). */
  public static bytes(size: Size): number {
    return size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024;
  }

  private constructor() {}
}
