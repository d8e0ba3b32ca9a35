/**
 * The walkthrough's topology (shared/reference/seed-scenario.md): a DC played by a VPC in Hong Kong,
 * a hub VPC in Tokyo with the VPN gateway, and a spoke VPC in Silicon Valley on the same CEN.
 * Kept as YAML so that it goes through the same parser and validation as any user's document.
 */
export const SEED_NAME = 'seed';

export const SEED_YAML = `# The walkthrough: IKEv1 from Hong Kong to Tokyo, and on to Silicon Valley over CEN.
name: ikev1test
ike: v1
probes: true
sites:
  - name: hongkong
    role: dc
    region: cn-hongkong
    zone: cn-hongkong-b
    cidrs: [192.168.0.0/16]
    hub: japan
  - name: japan
    role: hub
    region: ap-northeast-1
    zone: ap-northeast-1a
    cidrs: [172.16.0.0/12]
  - name: us
    role: spoke
    region: us-west-1
    zone: us-west-1a
    cidrs: [10.0.0.0/8]
`;
