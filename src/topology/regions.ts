/**
 * Alibaba Cloud regions vpnbot knows, with their zones. The first zone listed is the default one
 * vpnbot uses when a site names none (for cn-hongkong it is zone B, as in the walkthrough).
 */
import { closest } from 'fastest-levenshtein';

export interface Region {
  readonly id: string;
  readonly name: string;
  readonly zones: readonly string[];
}

export const REGIONS: readonly Region[] = [
  {
    id: 'cn-hangzhou',
    name: 'China (Hangzhou)',
    zones: ['cn-hangzhou-h', 'cn-hangzhou-i', 'cn-hangzhou-j', 'cn-hangzhou-k'],
  },
  {
    id: 'cn-shanghai',
    name: 'China (Shanghai)',
    zones: ['cn-shanghai-e', 'cn-shanghai-f', 'cn-shanghai-g', 'cn-shanghai-l'],
  },
  { id: 'cn-qingdao', name: 'China (Qingdao)', zones: ['cn-qingdao-b', 'cn-qingdao-c'] },
  {
    id: 'cn-beijing',
    name: 'China (Beijing)',
    zones: ['cn-beijing-h', 'cn-beijing-i', 'cn-beijing-j', 'cn-beijing-k'],
  },
  {
    id: 'cn-zhangjiakou',
    name: 'China (Zhangjiakou)',
    zones: ['cn-zhangjiakou-a', 'cn-zhangjiakou-b', 'cn-zhangjiakou-c'],
  },
  { id: 'cn-huhehaote', name: 'China (Hohhot)', zones: ['cn-huhehaote-a', 'cn-huhehaote-b'] },
  { id: 'cn-wulanchabu', name: 'China (Ulanqab)', zones: ['cn-wulanchabu-a', 'cn-wulanchabu-b', 'cn-wulanchabu-c'] },
  { id: 'cn-shenzhen', name: 'China (Shenzhen)', zones: ['cn-shenzhen-d', 'cn-shenzhen-e', 'cn-shenzhen-f'] },
  { id: 'cn-heyuan', name: 'China (Heyuan)', zones: ['cn-heyuan-a', 'cn-heyuan-b'] },
  { id: 'cn-guangzhou', name: 'China (Guangzhou)', zones: ['cn-guangzhou-a', 'cn-guangzhou-b'] },
  { id: 'cn-chengdu', name: 'China (Chengdu)', zones: ['cn-chengdu-a', 'cn-chengdu-b'] },
  { id: 'cn-hongkong', name: 'China (Hong Kong)', zones: ['cn-hongkong-b', 'cn-hongkong-c', 'cn-hongkong-d'] },
  { id: 'ap-northeast-1', name: 'Japan (Tokyo)', zones: ['ap-northeast-1a', 'ap-northeast-1b', 'ap-northeast-1c'] },
  { id: 'ap-northeast-2', name: 'South Korea (Seoul)', zones: ['ap-northeast-2a'] },
  { id: 'ap-southeast-1', name: 'Singapore', zones: ['ap-southeast-1a', 'ap-southeast-1b', 'ap-southeast-1c'] },
  { id: 'ap-southeast-3', name: 'Malaysia (Kuala Lumpur)', zones: ['ap-southeast-3a', 'ap-southeast-3b'] },
  {
    id: 'ap-southeast-5',
    name: 'Indonesia (Jakarta)',
    zones: ['ap-southeast-5a', 'ap-southeast-5b', 'ap-southeast-5c'],
  },
  { id: 'ap-southeast-6', name: 'Philippines (Manila)', zones: ['ap-southeast-6a'] },
  { id: 'ap-southeast-7', name: 'Thailand (Bangkok)', zones: ['ap-southeast-7a'] },
  { id: 'us-west-1', name: 'US (Silicon Valley)', zones: ['us-west-1a', 'us-west-1b'] },
  { id: 'us-east-1', name: 'US (Virginia)', zones: ['us-east-1a', 'us-east-1b'] },
  { id: 'eu-central-1', name: 'Germany (Frankfurt)', zones: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'] },
  { id: 'eu-west-1', name: 'UK (London)', zones: ['eu-west-1a', 'eu-west-1b'] },
  { id: 'me-east-1', name: 'UAE (Dubai)', zones: ['me-east-1a'] },
  { id: 'me-central-1', name: 'Saudi Arabia (Riyadh)', zones: ['me-central-1a'] },
];

const BY_ID = new Map(REGIONS.map((r) => [r.id, r]));

export function findRegion(id: string): Region | undefined {
  return BY_ID.get(id);
}

/**
 * The region id closest to what the user typed: by edit distance on ids, and by words of the
 * display name ("tokyo" -> ap-northeast-1).
 */
export function suggestRegion(typed: string): string {
  const t = typed.toLowerCase();
  const byName = REGIONS.find((r) =>
    r.name
      .toLowerCase()
      .split(/[^a-z]+/)
      .some((w) => w.length > 2 && w === t.replace(/[^a-z]/g, '')),
  );
  if (byName) return byName.id;
  const best = closest(
    t,
    REGIONS.map((r) => r.id),
  );
  return best;
}
