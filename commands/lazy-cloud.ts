/**
 * The cloud adapter, loaded at its first use instead of at start: the official SDKs take one to
 * three seconds to load, which the console's prompt (and `vpnbot status`) must not wait for.
 */
import type { AlibabaCloudOptions } from '../src/cloud/alibaba/alibaba-cloud';
import { cloudTarget } from '../src/cloud/alibaba/cloud-target';
import type { CloudApi } from '../src/cloud/cloud-api';

export function lazyAlibabaCloud(options: AlibabaCloudOptions): CloudApi {
  let cloud: CloudApi | undefined;
  const get = (): CloudApi => {
    // Synchronous on purpose: every member of CloudApi may be the first use.
    cloud ??= (
      require('../src/cloud/alibaba/alibaba-cloud') as typeof import('../src/cloud/alibaba/alibaba-cloud')
    ).createAlibabaCloud(options);
    return cloud;
  };
  return {
    sandbox: options.sandbox,
    target: cloudTarget(options),
    get drivers() {
      return get().drivers;
    },
    get commands() {
      return get().commands;
    },
    get ipsec() {
      return get().ipsec;
    },
    get preflight() {
      return get().preflight;
    },
    calls: () => cloud?.calls() ?? 0,
    warmUp: () => void get(),
    zones: (region) => get().zones(region),
    vpnGatewayZones: (region) => get().vpnGatewayZones(region),
    cenEdition: (cenId) => get().cenEdition(cenId),
  };
}
