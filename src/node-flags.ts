/**
 * The V8 flags vpnbot's long-running processes start with (`npm start`, `npm run demo`, the `vpnbot`
 * binary, the Docker image, the systemd unit; a test holds each to this list), and that the apply
 * benchmark gives the engine's process, so it measures what runs in production.
 *
 * `--max-semi-space-size=4`: the young generation's two semi-spaces at most 4 MB each instead of
 * V8's 16 MB. vpnbot's garbage is small and short-lived (requests, answers, events); the default
 * commits 33 MB for it, a sixth of a 50-site apply's peak, and the smaller one costs more frequent,
 * shorter scavenges with no measured change in apply wall time (docs/benchmarks.md).
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
