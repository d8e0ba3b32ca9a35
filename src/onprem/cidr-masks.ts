/** A CIDR block as the vendors that want masks write it: network and netmask, or Cisco's wildcard. */
import { cidr, intToIp } from '../topology/cidr';

export function netmaskOf(block: string): { network: string; netmask: string; wildcard: string } {
  const c = cidr(block);
  const mask = c.prefix === 0 ? 0 : (2 ** 32 - 2 ** (32 - c.prefix)) >>> 0;
  return { network: intToIp(c.base), netmask: intToIp(mask), wildcard: intToIp((2 ** 32 - 1 - mask) >>> 0) };
}
