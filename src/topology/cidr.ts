/**
 * IPv4 CIDR arithmetic on top of ipaddr.js (parsing and validation of addresses); here only the
 * few set operations vpnbot needs, on 32-bit integers.
 */
import ipaddr from 'ipaddr.js';

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefix: number;
  readonly text: string;
}

export type CidrParse =
  | { ok: true; cidr: Cidr }
  | { ok: false; reason: 'malformed'; message: string }
  | { ok: false; reason: 'mask'; message: string; prefix?: number }
  | { ok: false; reason: 'host-bits'; message: string; network: string };

const toInt = (a: ipaddr.IPv4): number => a.octets.reduce((n, o) => n * 256 + o, 0);
export const intToIp = (address: number): string =>
  [24, 16, 8, 0].map((s) => Math.floor(address / 2 ** s) % 256).join('.');
const size = (prefix: number): number => 2 ** (32 - prefix);

/**
 * Parses an IPv4 CIDR block. The result's `text` is canonical (`10.0.0.0/08` and ` 10.0.0.0/8 `
 * both give `10.0.0.0/8`): what vpnbot sends to the cloud and compares is always that form.
 */
export function parseCidr(input: string): CidrParse {
  const text = input.trim();
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,3})$/.exec(text);
  if (!m) {
    const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
    return text.includes('/') || !/^[\d.]+$/.test(text)
      ? { ok: false, reason: 'malformed', message: `${shown} is not an IPv4 CIDR block like 10.0.0.0/8` }
      : { ok: false, reason: 'mask', message: `${shown} has no mask; write it as ADDRESS/PREFIX, e.g. ${text}/24` };
  }
  const [, addr, prefixText] = m as unknown as [string, string, string];
  if (!ipaddr.IPv4.isValidFourPartDecimal(addr) || addr.split('.').some((o) => Number(o) > 255)) {
    return { ok: false, reason: 'malformed', message: `"${addr}" in "${text}" is not a valid IPv4 address` };
  }
  const prefix = Number(prefixText);
  if (prefix > 32) {
    return {
      ok: false,
      reason: 'mask',
      message: `mask /${prefix} in "${text}" is out of range (an IPv4 mask is /0 to /32)`,
      prefix,
    };
  }
  const ip = toInt(ipaddr.IPv4.parse(addr));
  const base = ip - (ip % size(prefix));
  if (base !== ip) {
    const network = `${intToIp(base)}/${prefix}`;
    return { ok: false, reason: 'host-bits', message: `"${text}" has host bits set`, network };
  }
  return { ok: true, cidr: { base, prefix, text: `${intToIp(base)}/${prefix}` } };
}

/** Valid CIDRs already parsed: routing (predictor, emulator) asks for the same few thousand again and again. */
const parsed = new Map<string, Cidr>();
const PARSED_MAX = 10_000;

/** Parses a CIDR already known to be valid; throws otherwise (a programming error). */
export function cidr(text: string): Cidr {
  const hit = parsed.get(text);
  if (hit) return hit;
  const r = parseCidr(text);
  if (!r.ok) throw new Error(`invalid CIDR ${text}: ${r.message}`);
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(text, r.cidr);
  return r.cidr;
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    inner.prefix >= outer.prefix &&
    inner.base >= outer.base &&
    inner.base + size(inner.prefix) <= outer.base + size(outer.prefix)
  );
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** The common part of two overlapping CIDRs (for aligned blocks, the smaller one). */
export function cidrOverlap(a: Cidr, b: Cidr): Cidr | undefined {
  if (cidrContains(a, b)) return b;
  if (cidrContains(b, a)) return a;
  return undefined;
}

export function ipInCidr(ip: string, block: Cidr): boolean {
  if (!ipaddr.IPv4.isValidFourPartDecimal(ip)) return false;
  const n = toInt(ipaddr.IPv4.parse(ip));
  return n >= block.base && n < block.base + size(block.prefix);
}

/** The first /24 of a block (the block itself when it is /24 or smaller). */
export function firstSubnet(block: Cidr, prefix = 24): Cidr {
  const p = Math.max(prefix, block.prefix);
  return { base: block.base, prefix: p, text: `${intToIp(block.base)}/${p}` };
}

/** The n-th host address of a block (n = 1 is the first after the network address). */
export function hostAddress(block: Cidr, offset: number): string {
  return intToIp(block.base + offset);
}

/** Customer gateway addresses Alibaba Cloud refuses (CreateCustomerGateway documentation). */
const UNUSABLE_GATEWAY_IPS = [
  '0.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '224.0.0.0/4',
  '255.0.0.0/8',
];

/** Whether `text` is an IPv4 address a customer gateway may use. */
export function isUsableGatewayIp(text: string): boolean {
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return false;
  return !UNUSABLE_GATEWAY_IPS.some((b) => ipInCidr(text, cidr(b)));
}

/** Blocks a VPC may not use (Alibaba Cloud: CreateVpc refuses these and their subnets). */
export const RESERVED_BLOCKS = ['100.64.0.0/10', '224.0.0.0/4', '127.0.0.0/8', '169.254.0.0/16'].map(cidr);
