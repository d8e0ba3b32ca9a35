/**
 * The CEN Enterprise Edition resources the emulator holds: transit routers and their route tables,
 * VPC and inter-region (peer) attachments, associations, propagations, static transit-router
 * routes, and the CEN bandwidth plans bought outside vpnbot. Plain data with its own snapshot,
 * restore, reset and reap, so the World only holds one of these; the behaviour is in
 * cen/transit-router-actions.ts and network/transit-routing.ts.
 */
import type { Phases } from './emulator-clock';

interface Lifecycle {
  createdAt: number;
  phases: Phases;
  deletingUntil?: number;
}
type Tags = Record<string, string>;

/** `Basic` transit routers come with a CEN bought before Enterprise Edition (held, never created). */
export type TransitRouterType = 'Enterprise' | 'Basic';

export interface TransitRouterR extends Lifecycle {
  id: string;
  cenId: string;
  regionId: string;
  type: TransitRouterType;
  name: string;
  description: string;
  /** The route table every transit router gets (`System`); absent for Basic ones. */
  systemRouteTableId: string;
  /** One change at a time per transit router (Operation.Blocking otherwise). */
  busyUntil: number;
  tags: Tags;
}

export interface TrRouteTableR extends Lifecycle {
  id: string;
  transitRouterId: string;
  regionId: string;
  type: 'System' | 'Custom';
  name: string;
  description: string;
}

export interface ZoneMappingR {
  vswitchId: string;
  zoneId: string;
  networkInterfaceId: string;
}

export interface TrVpcAttachmentR extends Lifecycle {
  id: string;
  cenId: string;
  transitRouterId: string;
  vpcId: string;
  regionId: string;
  zoneMappings: ZoneMappingR[];
  autoPublishRouteEnabled: boolean;
  name: string;
  description: string;
  tags: Tags;
}

export interface TrPeerAttachmentR extends Lifecycle {
  id: string;
  cenId: string;
  transitRouterId: string;
  regionId: string;
  peerTransitRouterId: string;
  peerRegionId: string;
  /** '' when none was given: the connection then has only the test bandwidth. */
  bandwidthType: '' | 'BandwidthPackage' | 'DataTransfer';
  /** Mbit/s allocated (BandwidthPackage) or the cap (DataTransfer); 0 = none. */
  bandwidth: number;
  cenBandwidthPackageId: string;
  defaultLinkType: string;
  autoPublishRouteEnabled: boolean;
  name: string;
  description: string;
  tags: Tags;
}

/** An attachment's association with (forwarded by) a route table, or its propagation (learned) into one. */
export interface TrTableLinkR extends Lifecycle {
  attachmentId: string;
  routeTableId: string;
}

export interface TrRouteEntryR extends Lifecycle {
  id: string;
  routeTableId: string;
  destination: string;
  nextHopType: 'Attachment' | 'BlackHole';
  nextHopId: string;
  name: string;
  description: string;
}

/** A CEN bandwidth plan, bought outside vpnbot (the control API holds one). */
export interface BandwidthPackageR {
  id: string;
  name: string;
  /** Mbit/s the plan provides, shared by the inter-region connections allocated from it. */
  bandwidth: number;
  createdAt: number;
}

export class TransitRouterState {
  readonly routers = new Map<string, TransitRouterR>();
  readonly routeTables = new Map<string, TrRouteTableR>();
  readonly vpcAttachments = new Map<string, TrVpcAttachmentR>();
  readonly peerAttachments = new Map<string, TrPeerAttachmentR>();
  readonly associations: TrTableLinkR[] = [];
  readonly propagations: TrTableLinkR[] = [];
  readonly routeEntries = new Map<string, TrRouteEntryR>();
  readonly bandwidthPackages = new Map<string, BandwidthPackageR>();

  private maps(): Record<string, Map<string, unknown>> {
    return {
      routers: this.routers,
      routeTables: this.routeTables,
      vpcAttachments: this.vpcAttachments,
      peerAttachments: this.peerAttachments,
      routeEntries: this.routeEntries,
      bandwidthPackages: this.bandwidthPackages,
    };
  }

  /**
   * The Basic transit router a CEN bought before Enterprise Edition has in a region (made with its
   * first attachment there, as then); nothing if it has one.
   */
  holdBasic(cenId: string, regionId: string, now: number, newId: () => string): void {
    if ([...this.routers.values()].some((r) => r.cenId === cenId && r.regionId === regionId)) return;
    const id = newId();
    this.routers.set(id, {
      id,
      cenId,
      regionId,
      type: 'Basic',
      name: '',
      description: '',
      systemRouteTableId: '',
      busyUntil: 0,
      tags: {},
      createdAt: now,
      phases: { steps: [], final: 'Active' },
    });
  }

  /** Drops what finished deleting by `now`. */
  reap(now: number): void {
    const gone = (r: { deletingUntil?: number }) => r.deletingUntil !== undefined && r.deletingUntil <= now;
    for (const map of Object.values(this.maps()) as Map<string, { deletingUntil?: number }>[])
      for (const [id, r] of map) if (gone(r)) map.delete(id);
    for (const list of [this.associations, this.propagations])
      for (let i = list.length - 1; i >= 0; i--) if (gone(list[i]!)) list.splice(i, 1);
  }

  snapshot(): Record<string, unknown> {
    return {
      ...Object.fromEntries(Object.entries(this.maps()).map(([k, m]) => [k, [...m.entries()]])),
      associations: this.associations,
      propagations: this.propagations,
    };
  }

  /** Snapshots from before transit routers were modelled have none. */
  restore(data: Record<string, unknown> | undefined): void {
    this.reset();
    if (!data) return;
    for (const [k, m] of Object.entries(this.maps()))
      for (const [id, v] of (data[k] as [string, unknown][]) ?? []) m.set(id, v);
    this.associations.push(...((data.associations as TrTableLinkR[]) ?? []));
    this.propagations.push(...((data.propagations as TrTableLinkR[]) ?? []));
  }

  reset(): void {
    for (const m of Object.values(this.maps())) m.clear();
    this.associations.length = 0;
    this.propagations.length = 0;
  }
}
