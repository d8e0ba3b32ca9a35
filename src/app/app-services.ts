import type { Logger } from 'pino';
import type { CloudApi, SandboxControl } from '../cloud/cloud-api';
import type { Engine } from '../engine/create-engine';
import type { Pacing } from '../engine/retry-policy';
import type { AppStore } from './app-store';

/** What front ends (CLI, console, Slack) work with; built by the composition root. */
export interface AppServices {
  readonly store: AppStore;
  readonly cloud: CloudApi;
  readonly engine: Engine;
  /** Sleeps and clock for polling outside the engine (the ping matrix), at the cloud's pace. */
  readonly pacing: Pacing;
  /** An emulator's control API (sandbox, or an emulator endpoint), for the narrated demo. */
  readonly control?: SandboxControl;
  /** Every user-facing output in sandbox mode says so. */
  readonly sandbox: boolean;
  /** When another process runs this data directory's sandbox and this one shares it: said once. */
  readonly sandboxNote?: string;
  /** Structured operator log (secrets redacted); front ends feed engine events into it. */
  readonly logger: Logger;
  /** How long a key rotation waits for an on-premises device to take a new key (real time). */
  readonly deviceKeyWaitMs?: number;
  close(): Promise<void>;
}

export const SANDBOX_LABEL = '[SANDBOX: in-process Alibaba Cloud emulator, nothing real is created]';
