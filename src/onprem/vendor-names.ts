/**
 * The cloud's names for algorithms (`aes`, `sha256`, `group14`, as the IPsec-VPN API takes them)
 * in each vendor's words, in one table. The cloud's `aes` is taken for AES-128 (UNVERIFIED beyond
 * the API's value list `aes`, `aes192`, `aes256`: the size of plain `aes` is not stated; the real
 * strongSwan test holds both ends to this table's reading, not the cloud's). A value the cloud may hold that a vendor has no word for is refused by name (see
 * `vendorName`), never guessed.
 */

export const VENDOR_IDS = ['strongswan', 'libreswan', 'cisco', 'fortios', 'panos', 'junos', 'table'] as const;
export type VendorId = (typeof VENDOR_IDS)[number];

type Names = Readonly<Record<string, string>>;
interface VendorNames {
  readonly ikeEncryption: Names;
  readonly ikeIntegrity: Names;
  readonly espEncryption: Names;
  readonly espIntegrity: Names;
  readonly dhGroup: Names;
}

const AES = { aes: 'aes128', aes192: 'aes192', aes256: 'aes256' };
const GROUPS = { group1: '1', group2: '2', group5: '5', group14: '14' };
const CBC = { aes: 'aes-128-cbc', aes192: 'aes-192-cbc', aes256: 'aes-256-cbc' };

export const VENDOR_NAMES: Readonly<Record<Exclude<VendorId, 'table'>, VendorNames>> = {
  strongswan: {
    ikeEncryption: { ...AES, des: 'des', '3des': '3des' },
    ikeIntegrity: { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' },
    espEncryption: { ...AES, des: 'des', '3des': '3des' },
    espIntegrity: { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' },
    dhGroup: { group1: 'modp768', group2: 'modp1024', group5: 'modp1536', group14: 'modp2048' },
  },
  // Libreswan 4 has dropped single DES and MODP768.
  libreswan: {
    ikeEncryption: { ...AES, '3des': '3des' },
    ikeIntegrity: { md5: 'md5', sha1: 'sha1', sha256: 'sha2_256', sha384: 'sha2_384', sha512: 'sha2_512' },
    espEncryption: { ...AES, '3des': '3des' },
    espIntegrity: { md5: 'md5', sha1: 'sha1', sha256: 'sha2_256', sha384: 'sha2_384', sha512: 'sha2_512' },
    dhGroup: { group2: 'modp1024', group5: 'modp1536', group14: 'modp2048' },
  },
  cisco: {
    ikeEncryption: { aes: 'aes 128', aes192: 'aes 192', aes256: 'aes 256', des: 'des', '3des': '3des' },
    ikeIntegrity: { md5: 'md5', sha1: 'sha', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' },
    espEncryption: {
      aes: 'esp-aes 128',
      aes192: 'esp-aes 192',
      aes256: 'esp-aes 256',
      des: 'esp-des',
      '3des': 'esp-3des',
    },
    espIntegrity: {
      md5: 'esp-md5-hmac',
      sha1: 'esp-sha-hmac',
      sha256: 'esp-sha256-hmac',
      sha384: 'esp-sha384-hmac',
      sha512: 'esp-sha512-hmac',
    },
    dhGroup: GROUPS,
  },
  fortios: {
    ikeEncryption: { ...AES, des: 'des', '3des': '3des' },
    ikeIntegrity: { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' },
    espEncryption: { ...AES, des: 'des', '3des': '3des' },
    espIntegrity: { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' },
    dhGroup: GROUPS,
  },
  panos: {
    ikeEncryption: { ...CBC, des: 'des', '3des': '3des' },
    ikeIntegrity: { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' },
    espEncryption: { ...CBC, des: 'des', '3des': '3des' },
    espIntegrity: { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' },
    dhGroup: { group1: 'group1', group2: 'group2', group5: 'group5', group14: 'group14' },
  },
  junos: {
    ikeEncryption: { ...CBC, des: 'des-cbc', '3des': '3des-cbc' },
    ikeIntegrity: { md5: 'md5', sha1: 'sha1', sha256: 'sha-256', sha384: 'sha-384' },
    espEncryption: { ...CBC, des: 'des-cbc', '3des': '3des-cbc' },
    espIntegrity: {
      md5: 'hmac-md5-96',
      sha1: 'hmac-sha1-96',
      sha256: 'hmac-sha-256-128',
      sha384: 'hmac-sha-384',
      sha512: 'hmac-sha-512',
    },
    dhGroup: { group1: 'group1', group2: 'group2', group5: 'group5', group14: 'group14' },
  },
};

/** Thrown when the cloud holds an algorithm a vendor cannot be given: said in words, caught by the caller. */
export class UnsupportedAlgorithm extends Error {}

const WHAT: Readonly<Record<keyof VendorNames, string>> = {
  ikeEncryption: 'IKE encryption',
  ikeIntegrity: 'IKE integrity',
  espEncryption: 'IPsec encryption',
  espIntegrity: 'IPsec integrity',
  dhGroup: 'DH group',
};

/** The vendor's word for the cloud's `value`, or an UnsupportedAlgorithm saying which. */
export function vendorName(vendor: Exclude<VendorId, 'table'>, kind: keyof VendorNames, value: string): string {
  const name = VENDOR_NAMES[vendor][kind][value];
  if (name === undefined)
    throw new UnsupportedAlgorithm(`the cloud uses ${WHAT[kind]} "${value}", which vpnbot cannot write for ${vendor}`);
  return name;
}
