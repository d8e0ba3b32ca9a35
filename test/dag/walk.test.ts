import { DagCycleError, walk, type DagNode } from '../../src/dag/walk';

const n = (id: string, ...dependsOn: string[]): DagNode => ({ id, dependsOn });
const tick = () => new Promise((r) => setImmediate(r));

describe('walk', () => {
  it('runs each node after its dependencies, and all of them', async () => {
    const order: string[] = [];
    const out = await walk([n('c', 'a', 'b'), n('a'), n('b', 'a'), n('d')], {
      parallelism: 4,
      visit: async (x) => {
        await tick();
        order.push(x.id);
      },
    });
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('b'));
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('c'));
    expect([...out.values()].every((o) => o.status === 'succeeded')).toBe(true);
  });

  it('never holds more than `parallelism` slots', async () => {
    let now = 0;
    let peak = 0;
    const nodes = Array.from({ length: 20 }, (_, i) => n(`n${i}`));
    await walk(nodes, {
      parallelism: 3,
      visit: async () => {
        now++;
        peak = Math.max(peak, now);
        await tick();
        await tick();
        now--;
      },
    });
    expect(peak).toBe(3);
  });

  it('a failure skips its dependents, names the root cause once, and other branches go on', async () => {
    const out = await walk([n('a'), n('b', 'a'), n('c', 'b'), n('x'), n('y', 'x')], {
      parallelism: 2,
      visit: async (x) => {
        if (x.id === 'a') throw new Error('boom');
      },
    });
    expect(out.get('a')).toMatchObject({ status: 'failed' });
    expect(out.get('b')).toEqual({ status: 'skipped', because: 'a' });
    expect(out.get('c')).toEqual({ status: 'skipped', because: 'a' });
    expect(out.get('y')).toEqual({ status: 'succeeded' });
  });

  it('an abort marks unstarted nodes cancelled', async () => {
    const ac = new AbortController();
    const out = await walk([n('a'), n('b', 'a'), n('c', 'b')], {
      parallelism: 1,
      signal: ac.signal,
      visit: async (x) => {
        if (x.id === 'a') ac.abort();
      },
    });
    expect(out.get('a')).toEqual({ status: 'succeeded' });
    expect(out.get('b')).toEqual({ status: 'cancelled' });
    expect(out.get('c')).toEqual({ status: 'cancelled' });
  });

  it('a node waiting outside its slot does not starve the node it waits for', async () => {
    let release!: () => void;
    const mirrorDone = new Promise<void>((r) => {
      release = r;
    });
    const out = await walk([n('wait1'), n('wait2'), n('mirror')], {
      parallelism: 1,
      visit: async (x, ctx) => {
        if (x.id === 'mirror') release();
        else await ctx.outsideSlot(() => mirrorDone);
      },
    });
    expect([...out.values()].every((o) => o.status === 'succeeded')).toBe(true);
  });

  it('refuses cycles and unknown dependencies', async () => {
    await expect(
      walk([n('a', 'b'), n('b', 'a')], { parallelism: 1, visit: async () => undefined }),
    ).rejects.toBeInstanceOf(DagCycleError);
    await expect(walk([n('a', 'zz')], { parallelism: 1, visit: async () => undefined })).rejects.toThrow(
      'unknown node zz',
    );
  });
});
