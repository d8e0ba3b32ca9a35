/**
 * The one-line form of a topology, for Slack's `/vpn plan ...`:
 *
 *   NAME [ike=v1|v2] [probes=on|off] [interregion=test|transfer:MBPS|PLAN:MBPS] SITE [SITE ...]
 *   SITE := ROLE:SITENAME[@REGION]=CIDR[,CIDR...][;KEY=VALUE...]
 *   KEY  := hub | zone | vswitch | zone2 | vswitch2 | ip | vpc | vpn | cgw | cen
 *
 * `ip=` makes a dc a real on-premises site (its public IP); `vpc= vpn= cgw= cen=` adopt existing
 * resources. The single word `seed` stands for the walkthrough's topology.
 * Parsing never throws: it returns the document's shape or problems naming the token at fault.
 */
import { distance } from 'fastest-levenshtein';
import { problem, type Problem, type Result } from '../errors';
import { checkTopologyShape, type TopologyInput } from './schema';
import { bandwidthFromLine } from './inter-region-bandwidth';
import { SEED_NAME, SEED_YAML } from './seed';
import { parseTopologyYaml } from './parse-yaml';

export const LINE_SYNTAX =
  'NAME [ike=v1|v2] [probes=on|off] [interregion=test|transfer:MBPS|cenbwp-ID:MBPS] ROLE:SITE@REGION=CIDR[,CIDR...][;hub=|zone=|vswitch=|zone2=|vswitch2=|ip=|vpc=|vpn=|cgw=|cen=] ...';

export const LINE_EXAMPLES: readonly string[] = [
  'seed',
  'ikev1test dc:hongkong@cn-hongkong=192.168.0.0/16 hub:japan@ap-northeast-1=172.16.0.0/12 spoke:us@us-west-1=10.0.0.0/8',
  'corp ike=v2 dc:office=192.168.0.0/16,192.169.0.0/16;ip=203.0.113.10 hub:tokyo@ap-northeast-1=172.16.0.0/12',
  'brownfield dc:hk@cn-hongkong=192.168.0.0/16;vpc=vpc-j6c1;vpn=vpn-j6c2 hub:jp@ap-northeast-1=172.16.0.0/12;vpc=vpc-6we3;vpn=vpn-6we4 spoke:us@us-west-1=10.0.0.0/8',
];

const SITE_OPTION_KEYS = ['hub', 'zone', 'vswitch', 'zone2', 'vswitch2', 'ip', 'vpc', 'vpn', 'cgw', 'cen'] as const;
const EXISTING_KEY: Record<string, 'vpc' | 'vpnGateway' | 'customerGateway' | 'cen'> = {
  vpc: 'vpc',
  vpn: 'vpnGateway',
  cgw: 'customerGateway',
  cen: 'cen',
};

type MutableSite = Record<string, unknown> & { existing?: Record<string, string> };

function parseSite(token: string, index: number, problems: Problem[]): MutableSite | undefined {
  const path = `sites[${index}]`;
  const m = /^([a-z]+):([^@=;]+)(?:@([^=;]+))?=([^;]*)((?:;.*)?)$/i.exec(token);
  if (!m) {
    problems.push(
      problem(
        'line.site-syntax',
        path,
        `cannot read site "${token}"`,
        'write a site as ROLE:NAME@REGION=CIDR, e.g. hub:japan@ap-northeast-1=172.16.0.0/12',
      ),
    );
    return undefined;
  }
  const [, role, name, region, cidrList, optionText] = m as unknown as [
    string,
    string,
    string,
    string | undefined,
    string,
    string,
  ];
  const site: MutableSite = { name, role: role.toLowerCase(), cidrs: cidrList.split(',').filter((c) => c !== '') };
  if (region !== undefined) site.region = region;
  for (const option of optionText.split(';').filter((o) => o !== '')) {
    const eq = option.indexOf('=');
    const key = eq < 0 ? option : option.slice(0, eq);
    const value = eq < 0 ? '' : option.slice(eq + 1);
    if (!(SITE_OPTION_KEYS as readonly string[]).includes(key) || value === '') {
      problems.push(
        problem(
          'line.site-option',
          `${path}.${key}`,
          `unknown or empty site option "${option}"`,
          `site options are ${SITE_OPTION_KEYS.map((k) => `${k}=`).join(' ')}`,
        ),
      );
      continue;
    }
    if (key === 'hub') site.hub = value;
    else if (key === 'zone') site.zone = value;
    else if (key === 'vswitch') site.vswitchCidr = value;
    else if (key === 'zone2') site.secondZone = value;
    else if (key === 'vswitch2') site.secondVswitchCidr = value;
    else if (key === 'ip') site.onPremises = { publicIp: value };
    else site.existing = { ...(site.existing ?? {}), [EXISTING_KEY[key]!]: value };
  }
  return site;
}

/** Parses the one-line form into the checked document shape; never throws. */
export function parseTopologyLine(text: string): Result<TopologyInput> {
  const tokens = text
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '');
  if (tokens.length === 0) {
    return { ok: false, problems: [problem('line.empty', '', 'no topology given', `usage: ${LINE_SYNTAX}`)] };
  }
  if (tokens.length === 1 && tokens[0]!.toLowerCase() === SEED_NAME) return parseTopologyYaml(SEED_YAML);

  const problems: Problem[] = [];
  const [name, ...rest] = tokens as [string, ...string[]];
  if (name.includes(':') || name.includes('=')) {
    problems.push(
      problem(
        'line.missing-name',
        '',
        `the first word must be the topology's name, got "${name}"`,
        `usage: ${LINE_SYNTAX}`,
      ),
    );
  }
  const doc: Record<string, unknown> = { name };
  const sites: MutableSite[] = [];
  for (const token of rest) {
    const interRegion = /^interregion=(.*)$/i.exec(token);
    if (interRegion) {
      doc.interRegionBandwidth = bandwidthFromLine(interRegion[1]!);
      continue;
    }
    const setting = /^(ike|probes)=(.*)$/i.exec(token);
    if (setting) {
      const [, key, value] = setting as unknown as [string, string, string];
      if (key.toLowerCase() === 'ike') {
        const v = value.toLowerCase().replace(/^ike/, '');
        if (v === 'v1' || v === 'v2') doc.ike = v;
        else
          problems.push(
            problem('line.ike', 'ike', `unknown IKE version "${value.slice(0, 40)}"`, 'use ike=v1 or ike=v2'),
          );
      } else {
        const v = value.toLowerCase();
        if (['on', 'true', 'yes'].includes(v)) doc.probes = true;
        else if (['off', 'false', 'no'].includes(v)) doc.probes = false;
        else
          problems.push(
            problem(
              'line.probes',
              'probes',
              `probes must be on or off, got "${value.slice(0, 40)}"`,
              'use probes=on or probes=off',
            ),
          );
      }
      continue;
    }
    if (!token.includes(':')) {
      problems.push(
        problem(
          'line.unknown-token',
          '',
          `cannot read "${token}"`,
          'settings are ike=, probes= and interregion=; sites look like ROLE:NAME@REGION=CIDR',
        ),
      );
      continue;
    }
    const site = parseSite(token, sites.length, problems);
    if (site) sites.push(site);
  }
  if (sites.length === 0 && problems.length === 0) {
    // One word a typo away from `seed` (`plan sed`) is a mistyped seed, not a topology without sites.
    const seedTypo = tokens.length === 1 && distance(name.toLowerCase(), SEED_NAME) <= 2;
    problems.push(
      problem(
        'line.no-sites',
        'sites',
        'no sites given',
        seedTypo ? `did you mean \`${SEED_NAME}\` (the walkthrough)?` : `e.g. ${LINE_EXAMPLES[1]}`,
      ),
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  doc.sites = sites;
  return checkTopologyShape(doc);
}
