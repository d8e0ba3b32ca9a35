/**
 * Structural checks of the device configurations, one per vendor, written from each vendor's
 * documented syntax (not from vpnbot's renderers): the statements and keys that exist where they
 * stand, the values they take, and that every name a line refers to is defined. Each returns what is
 * wrong, line by line; an empty list means the file reads as the vendor's syntax.
 *
 * Sources: strongSwan swanctl.conf(5) (5.9); Libreswan ipsec.conf(5) and ipsec.secrets(5) (4.x);
 * Cisco IOS XE Security Configuration Guide, "Configuring Security for VPNs with IPsec" (crypto
 * isakmp, transform-set, crypto map); FortiOS CLI reference (vpn ipsec phase1-interface,
 * phase2-interface, router static); PAN-OS CLI quick start and XML API schema (network ike,
 * network tunnel ipsec, virtual-router); Junos OS CLI reference (security ike, security ipsec,
 * routing-options static).
 */

const IP = String.raw`(?:\d{1,3}\.){3}\d{1,3}`;
const CIDR = String.raw`${IP}/\d{1,2}`;

/** A dotted mask with its ones first (a netmask), or zeros first (Cisco's wildcard). */
function contiguous(mask: string, ones: 'first' | 'last'): boolean {
  const bits = mask
    .split('.')
    .map((o) => Number(o).toString(2).padStart(8, '0'))
    .join('');
  return ones === 'first' ? /^1*0*$/.test(bits) : /^0*1*$/.test(bits);
}

const violation = (n: number, line: string, why: string) => `line ${n + 1}: ${why}: ${line.trim()}`;

// ---------------------------------------------------------------------------------------------
// strongSwan swanctl.conf(5)

const SWANCTL_CONN_KEYS = new Set([
  'version',
  'local_addrs',
  'remote_addrs',
  'local_port',
  'remote_port',
  'proposals',
  'vips',
  'aggressive',
  'pull',
  'dscp',
  'encap',
  'mobike',
  'dpd_delay',
  'dpd_timeout',
  'fragmentation',
  'childless',
  'send_certreq',
  'send_cert',
  'ppk_id',
  'ppk_required',
  'keyingtries',
  'unique',
  'reauth_time',
  'rekey_time',
  'over_time',
  'rand_time',
  'pools',
  'if_id_in',
  'if_id_out',
  'mediation',
  'mediated_by',
  'mediation_peer',
]);
const SWANCTL_AUTH_KEYS = new Set([
  'round',
  'certs',
  'pubkeys',
  'auth',
  'id',
  'eap_id',
  'aaa_id',
  'xauth_id',
  'revocation',
  'groups',
  'cert_policy',
  'ca_id',
  'cacerts',
]);
const SWANCTL_CHILD_KEYS = new Set([
  'ah_proposals',
  'esp_proposals',
  'sha256_96',
  'local_ts',
  'remote_ts',
  'rekey_time',
  'life_time',
  'rand_time',
  'rekey_bytes',
  'life_bytes',
  'rand_bytes',
  'rekey_packets',
  'life_packets',
  'rand_packets',
  'updown',
  'hostaccess',
  'mode',
  'policies',
  'policies_fwd_out',
  'dpd_action',
  'ipcomp',
  'inactivity',
  'reqid',
  'priority',
  'interface',
  'mark_in',
  'mark_in_sa',
  'mark_out',
  'set_mark_in',
  'set_mark_out',
  'label',
  'label_mode',
  'tfc_padding',
  'replay_window',
  'hw_offload',
  'copy_df',
  'copy_ecn',
  'copy_dscp',
  'start_action',
  'close_action',
]);
const SWAN_ALG = `(?:aes128|aes192|aes256|3des|des)-(?:md5|sha1|sha256|sha384|sha512)(?:-modp(?:768|1024|1536|2048|3072|4096))?`;
const SWANCTL_VALUES: Record<string, RegExp> = {
  version: /^[012]$/,
  aggressive: /^(yes|no)$/,
  encap: /^(yes|no)$/,
  local_addrs: new RegExp(`^${IP}$`),
  remote_addrs: new RegExp(`^${IP}$`),
  proposals: new RegExp(`^${SWAN_ALG}(,${SWAN_ALG})*$`),
  esp_proposals: new RegExp(`^${SWAN_ALG}(,${SWAN_ALG})*$`),
  rekey_time: /^\d+[smhd]?$/,
  reauth_time: /^\d+[smhd]?$/,
  life_time: /^\d+[smhd]?$/,
  dpd_delay: /^\d+[smhd]?$/,
  auth: /^(psk|pubkey|eap.*|xauth.*)$/,
  local_ts: new RegExp(`^${CIDR}(,${CIDR})*$`),
  remote_ts: new RegExp(`^${CIDR}(,${CIDR})*$`),
  start_action: /^(none|trap|start)$/,
  dpd_action: /^(none|clear|trap|restart)$/,
  secret: /^"[^"]+"$/,
};

export function checkSwanctl(text: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  const where = () => {
    // The kind of section a line stands in: connections.X, connections.X.local, children.Y, secrets.Z.
    const [top, , sub, , child] = stack;
    if (top === 'connections') {
      if (stack.length === 2) return 'conn';
      if (stack.length === 3 && (sub?.startsWith('local') || sub?.startsWith('remote'))) return 'auth';
      if (stack.length === 3 && sub === 'children') return 'children';
      if (stack.length === 4 && child === undefined) return 'child';
    }
    if (top === 'secrets' && stack.length === 2) return 'secret';
    return stack.length === 0 ? 'top' : stack.length === 1 ? top : 'unknown';
  };
  for (const [n, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const opened = /^([A-Za-z0-9_.-]+)\s*\{$/.exec(line);
    const setting = /^([A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line);
    if (opened) {
      const name = opened[1]!;
      const here = where();
      const ok =
        (here === 'top' && ['connections', 'secrets', 'pools', 'authorities'].includes(name)) ||
        here === 'connections' ||
        (here === 'conn' && (/^(local|remote)/.test(name) || name === 'children')) ||
        here === 'children' ||
        (here === 'secrets' && /^(eap|xauth|ntlm|ike|ppk|private|rsa|ecdsa|pkcs8|pkcs12|token)/.test(name));
      if (!ok) out.push(violation(n, raw, `no section "${name}" here (${here})`));
      stack.push(name);
      continue;
    }
    if (line === '}') {
      if (stack.length === 0) out.push(violation(n, raw, 'a closing brace without its section'));
      stack.pop();
      continue;
    }
    if (setting) {
      const [, key, value] = setting as unknown as [string, string, string];
      const here = where();
      const known =
        (here === 'conn' && SWANCTL_CONN_KEYS.has(key)) ||
        (here === 'auth' && SWANCTL_AUTH_KEYS.has(key)) ||
        (here === 'child' && SWANCTL_CHILD_KEYS.has(key)) ||
        (here === 'secret' && (/^id/.test(key) || key === 'secret'));
      if (!known) out.push(violation(n, raw, `no key "${key}" in a ${here} section`));
      else if (SWANCTL_VALUES[key] && !SWANCTL_VALUES[key]!.test(value))
        out.push(violation(n, raw, `"${value}" is not a value of ${key}`));
      continue;
    }
    out.push(violation(n, raw, 'neither a section, a closing brace nor key = value'));
  }
  if (stack.length) out.push(`unclosed sections: ${stack.join(' > ')}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Libreswan ipsec.conf(5), ipsec.secrets(5)

const LIBRESWAN_VALUES: Record<string, RegExp> = {
  ikev2: /^(no|never|yes|insist|propose|permit)$/,
  aggressive: /^(yes|no)$/,
  type: /^(tunnel|transport|passthrough|drop|reject)$/,
  authby: /^(secret|rsasig|ecdsa|null|never)$/,
  left: new RegExp(`^${IP}$`),
  right: new RegExp(`^${IP}$`),
  leftid: new RegExp(`^@?${IP}$`),
  rightid: new RegExp(`^@?${IP}$`),
  leftsubnet: new RegExp(`^${CIDR}$`),
  rightsubnet: new RegExp(`^${CIDR}$`),
  ike: /^(aes(128|192|256)?|3des)-(md5|sha1|sha2_256|sha2_384|sha2_512)-(modp(1024|1536|2048|3072|4096))$/,
  ikelifetime: /^\d+[smhd]?$/,
  phase2: /^(esp|ah)$/,
  phase2alg: /^(aes(128|192|256)?|3des)-(md5|sha1|sha2_256|sha2_384|sha2_512)(-modp(1024|1536|2048|3072|4096))?$/,
  pfs: /^(yes|no)$/,
  salifetime: /^\d+[smhd]?$/,
  dpddelay: /^\d+[smhd]?$/,
  dpdtimeout: /^\d+[smhd]?$/,
  dpdaction: /^(hold|clear|restart)$/,
  encapsulation: /^(yes|no|auto)$/,
  auto: /^(add|start|route|ondemand|ignore|keep)$/,
};

export function checkLibreswan(text: string, secretsMark: string): string[] {
  const out: string[] = [];
  const at = text.indexOf(secretsMark);
  if (at < 0) return ['no ipsec.secrets part'];
  const conf = text.slice(0, at).split('\n');
  const secrets = text.slice(at).split('\n').slice(1);
  let inConn = false;
  const conns: { left?: string; right?: string }[] = [];
  for (const [n, raw] of conf.entries()) {
    if (raw.trim() === '' || raw.trim().startsWith('#')) continue;
    const conn = /^conn ([A-Za-z0-9_.-]+)$/.exec(raw);
    if (conn) {
      inConn = true;
      conns.push({});
      continue;
    }
    const option = /^\s+([a-z0-9-]+)=(.*)$/.exec(raw);
    if (!option || !inConn) {
      out.push(violation(n, raw, 'neither conn NAME nor an indented key=value in one'));
      continue;
    }
    const [, key, value] = option as unknown as [string, string, string];
    if (!LIBRESWAN_VALUES[key]) {
      out.push(violation(n, raw, `no conn option "${key}"`));
      continue;
    }
    if (!LIBRESWAN_VALUES[key]!.test(value)) out.push(violation(n, raw, `"${value}" is not a value of ${key}`));
    if (key === 'left' || key === 'right') conns.at(-1)![key] = value;
  }
  const keyed = new Set<string>();
  for (const [n, raw] of secrets.entries()) {
    if (raw.trim() === '' || raw.trim().startsWith('#')) continue;
    const m = new RegExp(`^(${IP}) (${IP}) : PSK "([^"\\n]+)"$`).exec(raw);
    if (!m) {
      out.push(`secrets ${violation(n, raw, 'not "LOCAL REMOTE : PSK "key""')}`);
      continue;
    }
    keyed.add(`${m[1]} ${m[2]}`);
  }
  for (const c of conns)
    if (!keyed.has(`${c.left} ${c.right}`)) out.push(`no PSK in the secrets for ${c.left} ${c.right}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cisco IOS XE

const CISCO_TOP: [RegExp, string | undefined][] = [
  [/^crypto isakmp policy \d{1,5}$/, 'isakmp'],
  [new RegExp(`^crypto isakmp key (?:0 )?\\S+ address ${IP}(?: ${IP})?$`), undefined],
  [/^crypto isakmp keepalive \d+(?: \d+)?(?: periodic| on-demand)?$/, undefined],
  [
    /^crypto ipsec transform-set \S+ (esp-aes (128|192|256)|esp-des|esp-3des) (esp-md5-hmac|esp-sha-hmac|esp-sha256-hmac|esp-sha384-hmac|esp-sha512-hmac)$/,
    'transform-set',
  ],
  [/^ip access-list extended \S+$/, 'acl'],
  [/^crypto map \S+ \d+ ipsec-isakmp$/, 'map'],
  [/^interface \S+$/, 'interface'],
  [/^end$/, undefined],
];
const CISCO_SUB: Record<string, RegExp[]> = {
  isakmp: [
    /^encryption (aes( 128| 192| 256)?|des|3des)$/,
    /^hash (md5|sha|sha256|sha384|sha512)$/,
    /^authentication pre-share$/,
    /^group (1|2|5|14|15|16|19|20|21|24)$/,
    /^lifetime \d+$/,
  ],
  'transform-set': [/^mode (tunnel|transport)$/],
  acl: [new RegExp(`^permit ip (${IP}) (${IP}) (${IP}) (${IP})$`)],
  map: [
    /^description .+$/,
    new RegExp(`^set peer ${IP}( default)?$`),
    /^set transform-set \S+$/,
    /^set pfs group(1|2|5|14|15|16|19|20|21|24)$/,
    /^set security-association lifetime seconds \d+$/,
    /^match address \S+$/,
  ],
  interface: [/^crypto map \S+$/],
};

export function checkCisco(text: string): string[] {
  const out: string[] = [];
  let mode: string | undefined;
  const defined = { acl: new Set<string>(), ts: new Set<string>(), maps: new Set<string>() };
  const used: [string, 'acl' | 'ts' | 'maps', number][] = [];
  for (const [n, raw] of text.split('\n').entries()) {
    if (raw === '' || raw.startsWith('!')) {
      if (raw.startsWith('!')) mode = undefined;
      continue;
    }
    if (!raw.startsWith(' ')) {
      const top = CISCO_TOP.find(([re]) => re.test(raw));
      if (!top) {
        out.push(violation(n, raw, 'not an IOS XE global configuration command'));
        continue;
      }
      mode = top[1];
      const name = /^(?:ip access-list extended|crypto ipsec transform-set|crypto map) (\S+)/.exec(raw)?.[1];
      if (name && raw.startsWith('ip access-list')) defined.acl.add(name);
      if (name && raw.startsWith('crypto ipsec')) defined.ts.add(name);
      if (name && raw.startsWith('crypto map')) defined.maps.add(name);
      continue;
    }
    const line = raw.slice(1);
    const sub = mode ? CISCO_SUB[mode]?.find((re) => re.test(line)) : undefined;
    if (!sub) {
      out.push(violation(n, raw, `not a command of ${mode ?? 'global'} configuration mode`));
      continue;
    }
    const acl = new RegExp(`^permit ip (${IP}) (${IP}) (${IP}) (${IP})$`).exec(line);
    if (acl)
      for (const w of [acl[2]!, acl[4]!])
        if (!contiguous(w, 'last')) out.push(violation(n, raw, `${w} is not a wildcard mask`));
    const ref = /^(match address|set transform-set|crypto map) (\S+)$/.exec(line);
    if (ref)
      used.push([ref[2]!, ref[1] === 'match address' ? 'acl' : ref[1] === 'set transform-set' ? 'ts' : 'maps', n]);
  }
  for (const [name, kind, n] of used)
    if (!defined[kind].has(name)) out.push(`line ${n + 1}: ${name} is used but never defined`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// FortiOS

const FORTI_KEYS: Record<string, Record<string, RegExp>> = {
  'vpn ipsec phase1-interface': {
    interface: /^"\S+"$/,
    'ike-version': /^[12]$/,
    mode: /^(main|aggressive)$/,
    peertype: /^(any|one|dialup|peer|peergrp)$/,
    'net-device': /^(enable|disable)$/,
    proposal: /^((aes128|aes192|aes256|des|3des)-(md5|sha1|sha256|sha384|sha512) ?)+$/,
    dhgrp: /^((1|2|5|14|15|16|19|20|21) ?)+$/,
    'remote-gw': new RegExp(`^${IP}$`),
    psksecret: /^\S+$/,
    keylife: /^\d+$/,
    dpd: /^(disable|on-idle|on-demand)$/,
    'dpd-retryinterval': /^\d+$/,
    nattraversal: /^(enable|disable|forced)$/,
    comments: /^".*"$/,
  },
  'vpn ipsec phase2-interface': {
    phase1name: /^"\S+"$/,
    proposal: /^((aes128|aes192|aes256|des|3des)-(md5|sha1|sha256|sha384|sha512) ?)+$/,
    pfs: /^(enable|disable)$/,
    dhgrp: /^((1|2|5|14|15|16|19|20|21) ?)+$/,
    keylifeseconds: /^\d+$/,
    'auto-negotiate': /^(enable|disable)$/,
    'src-subnet': new RegExp(`^${IP} ${IP}$`),
    'dst-subnet': new RegExp(`^${IP} ${IP}$`),
    comments: /^".*"$/,
  },
  'router static': {
    dst: new RegExp(`^${IP} ${IP}$`),
    device: /^"\S+"$/,
    distance: /^\d+$/,
    comment: /^".*"$/,
  },
};

export function checkFortios(text: string): string[] {
  const out: string[] = [];
  let config: string | undefined;
  let entry: string | undefined;
  const phase1 = new Set<string>();
  const refs: [string, number][] = [];
  for (const [n, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const configLine = /^config (.+)$/.exec(line);
    const editLine = /^edit (?:"([^"]+)"|(0))$/.exec(line);
    const setLine = /^set (\S+) (.+)$/.exec(line);
    if (configLine) {
      if (config) out.push(violation(n, raw, `config inside config ${config}`));
      config = configLine[1]!;
      if (!FORTI_KEYS[config]) out.push(violation(n, raw, `no table "${config}" vpnbot writes`));
      continue;
    }
    if (line === 'end') {
      if (!config || entry) out.push(violation(n, raw, 'end without its config, or inside an edit'));
      config = undefined;
      continue;
    }
    if (editLine) {
      if (!config || entry !== undefined) out.push(violation(n, raw, 'edit outside a config, or inside another'));
      entry = editLine[1] ?? editLine[2]!;
      if (config === 'vpn ipsec phase1-interface') {
        if (entry.length > 15) out.push(violation(n, raw, 'a phase1-interface name is at most 15 characters'));
        phase1.add(entry);
      }
      continue;
    }
    if (line === 'next') {
      if (entry === undefined) out.push(violation(n, raw, 'next without edit'));
      entry = undefined;
      continue;
    }
    if (setLine) {
      const [, key, value] = setLine as unknown as [string, string, string];
      const keys = config ? FORTI_KEYS[config] : undefined;
      if (!keys || entry === undefined) {
        out.push(violation(n, raw, 'set outside an edit'));
        continue;
      }
      if (!keys[key]) {
        out.push(violation(n, raw, `no setting "${key}" in ${config}`));
        continue;
      }
      if (!keys[key]!.test(value)) out.push(violation(n, raw, `"${value}" is not a value of ${key}`));
      if (key === 'src-subnet' || key === 'dst-subnet' || key === 'dst')
        if (!contiguous(value.split(' ')[1]!, 'first')) out.push(violation(n, raw, 'not a netmask'));
      if ((config === 'vpn ipsec phase2-interface' && key === 'phase1name') || key === 'device')
        refs.push([value.replace(/"/g, ''), n]);
      continue;
    }
    out.push(violation(n, raw, 'not config, edit, set, next or end'));
  }
  if (config) out.push(`config ${config} has no end`);
  for (const [name, n] of refs) if (!phase1.has(name)) out.push(`line ${n + 1}: no phase1-interface "${name}"`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// PAN-OS

const PAN_ENC = '(aes-128-cbc|aes-192-cbc|aes-256-cbc|aes-128-gcm|aes-256-gcm|des|3des)';
const PAN_AUTH = '(md5|sha1|sha256|sha384|sha512)';
const PAN_LINES: RegExp[] = [
  new RegExp(
    `^set network ike crypto-profiles ike-crypto-profiles (\\S+) (encryption ${PAN_ENC}|hash ${PAN_AUTH}|dh-group group(1|2|5|14|19|20)|lifetime (seconds|minutes|hours|days) \\d+)$`,
  ),
  new RegExp(
    `^set network ike crypto-profiles ipsec-crypto-profiles (\\S+) (esp encryption ${PAN_ENC}|esp authentication ${PAN_AUTH}|dh-group (no-pfs|group(1|2|5|14|19|20))|lifetime (seconds|minutes|hours|days) \\d+)$`,
  ),
  new RegExp(
    `^set network ike gateway (\\S+) (authentication pre-shared-key key \\S+|protocol version (ikev1|ikev2|ikev2-preferred)|protocol ikev1 exchange-mode (main|aggressive|auto)|protocol ikev1 ike-crypto-profile \\S+|protocol ikev1 dpd enable (yes|no)|protocol ikev1 dpd interval \\d+|protocol-common nat-traversal enable (yes|no)|local-address interface \\S+|peer-address ip ${IP}|local-id type ipaddr id ${IP}|peer-id type ipaddr id ${IP})$`,
  ),
  /^set network interface tunnel units tunnel\.\d+ comment "[^"]*"$/,
  /^set network virtual-router \S+ interface tunnel\.\d+$/,
  new RegExp(
    `^set network tunnel ipsec (\\S+) (tunnel-interface tunnel\\.\\d+|auto-key ike-gateway \\S+|auto-key ipsec-crypto-profile \\S+|auto-key proxy-id \\S{1,31} (local ${CIDR}|remote ${CIDR}|protocol any))$`,
  ),
  new RegExp(
    `^set network virtual-router \\S+ routing-table ip static-route \\S{1,63} (destination ${CIDR}|interface tunnel\\.\\d+|metric \\d+)$`,
  ),
];

export function checkPanos(text: string): string[] {
  const out: string[] = [];
  const defined = new Set<string>();
  const refs: [string, number][] = [];
  for (const [n, raw] of text.split('\n').entries()) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    if (!PAN_LINES.some((re) => re.test(raw))) {
      out.push(violation(n, raw, 'not a PAN-OS set command'));
      continue;
    }
    const def = /^set network ike (?:crypto-profiles (?:ike|ipsec)-crypto-profiles|gateway) (\S+)/.exec(raw);
    if (def) defined.add(def[1]!);
    const ref = /(?:ike-crypto-profile|ike-gateway|ipsec-crypto-profile) (\S+)$/.exec(raw);
    if (ref) refs.push([ref[1]!, n]);
  }
  for (const [name, n] of refs) if (!defined.has(name)) out.push(`line ${n + 1}: ${name} is used but never defined`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Junos

const JUNOS_LINES: RegExp[] = [
  /^set security ike proposal \S+ (authentication-method pre-shared-keys|dh-group group(1|2|5|14|19|20)|authentication-algorithm (md5|sha1|sha-256|sha-384)|encryption-algorithm (aes-128-cbc|aes-192-cbc|aes-256-cbc|des-cbc|3des-cbc)|lifetime-seconds \d+)$/,
  /^set security ike policy \S+ (mode (main|aggressive)|proposals \S+|pre-shared-key ascii-text "[^"]+")$/,
  new RegExp(
    `^set security ike gateway \\S+ (ike-policy \\S+|address ${IP}|external-interface \\S+|local-identity inet ${IP}|remote-identity inet ${IP}|dead-peer-detection (interval|threshold) \\d+|no-nat-traversal|version (v1-only|v2-only))$`,
  ),
  /^set security ipsec proposal \S+ (protocol (esp|ah)|authentication-algorithm (hmac-md5-96|hmac-sha1-96|hmac-sha-256-128|hmac-sha-384|hmac-sha-512)|encryption-algorithm (aes-128-cbc|aes-192-cbc|aes-256-cbc|des-cbc|3des-cbc)|lifetime-seconds \d+)$/,
  /^set security ipsec policy \S+ (perfect-forward-secrecy keys group(1|2|5|14|19|20)|proposals \S+)$/,
  /^set interfaces st0 unit \d+ family inet$/,
  new RegExp(
    `^set security ipsec vpn \\S+ (bind-interface st0\\.\\d+|ike gateway \\S+|ike ipsec-policy \\S+|establish-tunnels (immediately|on-traffic)|traffic-selector \\S+ (local-ip|remote-ip) ${CIDR})$`,
  ),
  new RegExp(`^set routing-options static route ${CIDR} qualified-next-hop st0\\.\\d+ preference \\d+$`),
];

export function checkJunos(text: string): string[] {
  const out: string[] = [];
  const defined = new Set<string>();
  const refs: [string, number][] = [];
  for (const [n, raw] of text.split('\n').entries()) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    if (!JUNOS_LINES.some((re) => re.test(raw))) {
      out.push(violation(n, raw, 'not a Junos set command'));
      continue;
    }
    const def = /^set security (ike (?:proposal|policy|gateway)|ipsec (?:proposal|policy)) (\S+)/.exec(raw);
    if (def) defined.add(`${def[1]} ${def[2]}`);
    const ref =
      /(?:^set security ike policy \S+ proposals (\S+))|(?:ike-policy (\S+))|(?:ike gateway (\S+))|(?:ike ipsec-policy (\S+))/.exec(
        raw,
      );
    if (ref) {
      const [kind, name] = ref[1]
        ? ['ike proposal', ref[1]]
        : ref[2]
          ? ['ike policy', ref[2]]
          : ref[3]
            ? ['ike gateway', ref[3]]
            : ['ipsec policy', ref[4]!];
      refs.push([`${kind} ${name}`, n]);
    }
  }
  for (const [name, n] of refs) if (!defined.has(name)) out.push(`line ${n + 1}: ${name} is used but never defined`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The neutral table

export function checkTable(text: string, columns: readonly string[]): string[] {
  const rows = text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/));
  if (rows.length < 2) return ['no header and rows'];
  const out: string[] = [];
  if (rows[0]!.join(' ') !== columns.join(' ')) out.push(`the header is not ${columns.join(' ')}`);
  for (const [i, r] of rows.slice(1).entries()) {
    if (r.length !== columns.length) out.push(`row ${i + 1} has ${r.length} values, not ${columns.length}`);
    const v = Object.fromEntries(columns.map((c, j) => [c, r[j] ?? '']));
    for (const c of ['device-address', 'cloud-address'])
      if (!new RegExp(`^${IP}$`).test(v[c]!)) out.push(`row ${i + 1}: ${c} ${v[c]} is not an address`);
    for (const c of ['local-subnet', 'remote-subnet'])
      if (!new RegExp(`^${CIDR}(,${CIDR})*$`).test(v[c]!)) out.push(`row ${i + 1}: ${c} ${v[c]} is not CIDR blocks`);
    if (!['master', 'backup'].includes(v.role!)) out.push(`row ${i + 1}: role ${v.role}`);
  }
  return out;
}
