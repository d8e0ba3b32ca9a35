/**
 * Round-trip times between regions. The seed's three regions are calibrated against the
 * walkthrough's measured pings (shared/reference/seed-scenario.md): a symmetric model cannot match
 * its six cells exactly (US->HK 146.8 ms is less than US->JP 115.9 + JP->HK 53.9), so these values
 * minimise the worst relative error (under 9 %). Other pairs are estimated from distance.
 */
const CALIBRATED: Record<string, number> = {
  'ap-northeast-1|cn-hongkong': 53.6,
  'ap-northeast-1|us-west-1': 105.9,
  'cn-hongkong|us-west-1': 152.0,
};

/** Approximate coordinates of each region's data centres (degrees). */
const COORDS: Record<string, [number, number]> = {
  'cn-hangzhou': [30.3, 120.2],
  'cn-shanghai': [31.2, 121.5],
  'cn-qingdao': [36.1, 120.4],
  'cn-beijing': [39.9, 116.4],
  'cn-zhangjiakou': [40.8, 114.9],
  'cn-huhehaote': [40.8, 111.7],
  'cn-wulanchabu': [41.0, 113.1],
  'cn-shenzhen': [22.5, 114.1],
  'cn-heyuan': [23.7, 114.7],
  'cn-guangzhou': [23.1, 113.3],
  'cn-chengdu': [30.7, 104.1],
  'cn-hongkong': [22.3, 114.2],
  'ap-northeast-1': [35.7, 139.7],
  'ap-northeast-2': [37.6, 127.0],
  'ap-southeast-1': [1.35, 103.8],
  'ap-southeast-3': [3.1, 101.7],
  'ap-southeast-5': [-6.2, 106.8],
  'ap-southeast-6': [14.6, 121.0],
  'ap-southeast-7': [13.8, 100.5],
  'us-west-1': [37.4, -122.0],
  'us-east-1': [38.9, -77.4],
  'eu-central-1': [50.1, 8.7],
  'eu-west-1': [51.5, -0.1],
  'me-east-1': [25.2, 55.3],
  'me-central-1': [24.7, 46.7],
};

const INTRA_REGION_RTT = 0.25;

function greatCircleKm([lat1, lon1]: [number, number], [lat2, lon2]: [number, number]): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(a));
}

/** Round-trip time in ms between two regions over the provider's backbone or the internet. */
export function regionRtt(a: string, b: string): number {
  if (a === b) return INTRA_REGION_RTT;
  const key = [a, b].sort().join('|');
  const known = CALIBRATED[key];
  if (known !== undefined) return known;
  const ca = COORDS[a];
  const cb = COORDS[b];
  if (!ca || !cb) return 100;
  // Light in fibre covers ~100 km of round trip per ms; real paths are ~1.5x the great circle.
  return 2 + (greatCircleKm(ca, cb) * 1.5) / 100;
}

export const oneWay = (a: string, b: string) => regionRtt(a, b) / 2;
