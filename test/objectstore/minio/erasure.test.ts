import { MinioErasureLayout } from '../../../src/objectstore/minio/erasure';

// Expected values worked out by hand from MinIO's rules (see MinioErasureLayout's doc comment):
// set size = largest of 2..16 dividing servers×drives that divides or is a multiple of the server count;
// default parity 2–3→1, 4–5→2, 6–7→3, ≥8→4; write quorum = data (+1 when data = parity); read quorum = data.
describe('MinioErasureLayout arithmetic', () => {
  test.each([
    // servers, drives, parity, setSize, sets, parity, writeQ, readQ, drives/server/set, write-tolerated, read-tolerated
    [4, 1, undefined, 4, 1, 2, 3, 2, 1, 1, 2],
    [4, 1, 1, 4, 1, 1, 3, 3, 1, 1, 1],
    [4, 2, undefined, 8, 1, 4, 5, 4, 2, 1, 2],
    [4, 4, undefined, 16, 1, 4, 12, 12, 4, 1, 1],
    [4, 4, 2, 16, 1, 2, 14, 14, 4, 0, 0],
    [5, 1, undefined, 5, 1, 2, 3, 3, 1, 2, 2],
    [6, 1, undefined, 6, 1, 3, 4, 3, 1, 2, 3],
    [7, 1, undefined, 7, 1, 3, 4, 4, 1, 3, 3],
    [8, 1, undefined, 8, 1, 4, 5, 4, 1, 3, 4],
    [3, 4, undefined, 12, 1, 4, 8, 8, 4, 1, 1],
    [5, 4, undefined, 10, 2, 4, 6, 6, 2, 2, 2],
    [16, 1, undefined, 16, 1, 4, 12, 12, 1, 4, 4],
    [32, 1, undefined, 16, 2, 4, 12, 12, 1, 4, 4],
    [2, 2, undefined, 4, 1, 2, 3, 2, 2, 0, 1],
    [1, 4, undefined, 4, 1, 2, 3, 2, 4, 0, 0],
  ])('%i servers × %i drives at parity %p', (servers, drives, parity, setSize, sets, p, wq, rq, perServer, tw, tr) => {
    const l = MinioErasureLayout.of({ servers: servers as number, drivesPerServer: drives as number, parity: parity as number | undefined });
    expect({
      setSize: l.setSize,
      setCount: l.setCount,
      parity: l.parity,
      writeQuorum: l.writeQuorum,
      readQuorum: l.readQuorum,
      drivesPerServerInSet: l.drivesPerServerInSet,
      writes: l.serverFailuresToleratedForWrites,
      reads: l.serverFailuresToleratedForReads,
    }).toEqual({ setSize, setCount: sets, parity: p, writeQuorum: wq, readQuorum: rq, drivesPerServerInSet: perServer, writes: tw, reads: tr });
  });

  test.each([
    // Symmetry with the server count overrides "largest divisor": 18 drives on 6 servers use sets of 6, not 9.
    [6, 3, 6, [2, 3, 6]],
    // 24 drives on 8 servers: 12 and 6 divide 24 but not 8, so sets of 8.
    [8, 3, 8, [2, 4, 8]],
    // 24 drives on 12 servers: 8 divides 24 but not 12.
    [12, 2, 12, [2, 3, 4, 6, 12]],
    // One server: the drive range is the first ellipsis.
    [1, 6, 6, [2, 3, 6]],
    // 17 drives: no size in 2..16 divides a prime above 16.
    [17, 1, 0, []],
    // 34 drives on 17 servers: 2 divides 34 but neither divides nor is a multiple of 17.
    [17, 2, 0, []],
    [2, 17, 2, [2]],
  ])('%i servers × %i drives → set size %i', (servers, drives, size, candidates) => {
    expect(MinioErasureLayout.setSizeFor(servers as number, drives as number)).toBe(size);
    expect(MinioErasureLayout.candidateSetSizes(servers as number, drives as number)).toEqual(candidates);
  });

  test.each([[1, 0], [2, 1], [3, 1], [4, 2], [5, 2], [6, 3], [7, 3], [8, 4], [12, 4], [16, 4]])('default parity for %i drives is EC:%i', (size, parity) => {
    expect(MinioErasureLayout.defaultParity(size)).toBe(parity);
  });

  test.each([[4, 2, 3], [4, 1, 3], [16, 8, 9], [16, 4, 12], [6, 3, 4], [5, 2, 3]])('write quorum of %i drives at EC:%i is %i', (size, parity, wq) => {
    expect(MinioErasureLayout.writeQuorumOf(size, parity)).toBe(wq);
  });

  test('drives are laid out drive-major and cut into consecutive sets', () => {
    const l = MinioErasureLayout.of({ servers: 5, drivesPerServer: 4 });
    expect(l.membersOfSet(0)).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    expect(l.membersOfSet(1)).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    expect(l.membersOfSet(2)).toEqual([]);
  });

  test('storage class and usable fraction', () => {
    const l = MinioErasureLayout.of({ servers: 4, drivesPerServer: 4 });
    expect(l.storageClass).toBe('EC:4');
    expect(l.usableFraction).toBe(0.75);
    expect(l.parityExplicit).toBe(false);
    expect(MinioErasureLayout.of({ servers: 4, drivesPerServer: 1, parity: 2 }).parityExplicit).toBe(true);
  });
});

describe('MinioErasureLayout rules', () => {
  const first = (servers: number, drivesPerServer: number, parity?: number, tolerate = true) =>
    MinioErasureLayout.of({ servers, drivesPerServer, parity }).violations(tolerate)[0];

  test('4 × 1 at EC:2 passes, including one server down', () => {
    expect(MinioErasureLayout.of({ servers: 4, drivesPerServer: 1, parity: 2 }).violations(true)).toEqual([]);
    expect(MinioErasureLayout.of({ servers: 4, drivesPerServer: 1, parity: 2 }).toleratesServerLoss).toBe(true);
  });

  test('4 × 4 at EC:2 fails the server-loss rule, explains why and proposes EC:4 or 2 drives per server', () => {
    const v = first(4, 4, 2)!;
    expect(v.prop).toBe('parity');
    expect(v.value).toBe(2);
    expect(v.rule).toBe('4 servers × 4 drives form 1 erasure set of 16 drives with 4 drives on each server; with one server down a set keeps 12 drives, below the read and write quorum of 14 (EC:2 leaves 14 data drives per set)');
    expect(v.fix).toBe('use parity 4 (EC:4) or higher, use at most 2 drives per server, or set tolerateServerLoss: false to accept losing writes while a server is down');
  });

  test('4 × 4 at EC:2 passes when the user opts out of server-loss tolerance', () => {
    expect(MinioErasureLayout.of({ servers: 4, drivesPerServer: 4, parity: 2 }).violations(false)).toEqual([]);
  });

  test('the default parity of 4 × 4 (EC:4) survives a server loss', () => {
    expect(MinioErasureLayout.of({ servers: 4, drivesPerServer: 4 }).violations(true)).toEqual([]);
  });

  test('2 × 2 cannot survive a server at any parity: proposes more servers', () => {
    const v = first(2, 2)!;
    expect(v.rule).toMatch(/below the write quorum of 3/);
    expect(v.fix).toBe('add servers (4 or more), or set tolerateServerLoss: false to accept losing writes while a server is down');
  });

  test('a single server is named as a single point of failure', () => {
    expect(first(1, 4)!.rule).toBe('1 servers × 4 drives: a single server is a single point of failure, every drive goes down with it');
    expect(first(1, 4, undefined, false)).toBeUndefined();
  });

  test('fewer than 4 drives', () => {
    expect(first(3, 1)).toEqual({
      prop: 'servers × drivesPerServer',
      value: 3,
      rule: '3 servers × 1 drives is fewer than the 4 drives distributed erasure coding needs',
      fix: 'use at least 4 servers × 1 drive (or more drives per server)',
    });
  });

  test('no erasure-set size fits', () => {
    const v = first(17, 1)!;
    expect(v.rule).toBe('17 servers × 1 drives: MinIO needs an erasure-set size between 2 and 16 that divides the 17 drives and divides (or is a multiple of) the 17 servers, and none does');
    expect(v.fix).toBe('use 18 servers × 1 drives');
  });

  test('parity above half the set', () => {
    expect(first(4, 1, 3)).toEqual({ prop: 'parity', value: 3, rule: 'must be at most half the erasure set (4 drives, so at most 2)', fix: 'use parity 1…2' });
    expect(first(4, 4, 9)!.rule).toBe('must be at most half the erasure set (16 drives, so at most 8)');
  });

  test('parity below 1', () => {
    expect(first(4, 1, 0)!.rule).toMatch(/must be a whole number of at least 1/);
    expect(first(4, 1, 0)!.fix).toBe("use parity 1…2, or leave it unset for MinIO's default EC:2");
    expect(first(4, 1, 1.5)!.prop).toBe('parity');
  });

  test('servers and drives must be whole positive numbers', () => {
    expect(first(0, 1)!.prop).toBe('servers');
    expect(first(4, 0)!.prop).toBe('drivesPerServer');
    expect(first(4.5, 1)!.prop).toBe('servers');
  });
});

/** Both sides of every limit and every branch of the advice (written against the mutation run of erasure.ts). */
describe('MinioErasureLayout limits and advice', () => {
  const layout = (servers: number, drivesPerServer: number, parity?: number) => MinioErasureLayout.of({ servers, drivesPerServer, parity });
  const first = (servers: number, drivesPerServer: number, parity?: number, tolerate = true) =>
    layout(servers, drivesPerServer, parity).violations(tolerate)[0];

  test('parity: 1 is the lowest accepted (an explicit EC:1 passes), 0 is refused; half the set is the highest', () => {
    expect(layout(4, 1, 1).violations(true)).toEqual([]);
    expect(layout(4, 1, 1).storageClass).toBe('EC:1');
    expect(first(4, 1, 0)!.prop).toBe('parity');
    expect(first(4, 1, -1)!.rule).toBe('must be a whole number of at least 1 (EC:0 keeps no redundancy)');
    expect(layout(4, 4, 8).violations(false)).toEqual([]);
    expect(first(4, 4, 9, false)!.fix).toBe('use parity 1…8');
    expect(first(4, 1, 2)).toBeUndefined();
    expect(first(4, 1, 3)!.value).toBe(3);
  });

  test('4 drives is the fewest accepted, 3 the most refused, however they are split', () => {
    expect(first(4, 1)).toBeUndefined();
    expect(first(2, 2, undefined, false)).toBeUndefined();
    expect(first(1, 4, undefined, false)).toBeUndefined();
    expect(first(1, 3)!.rule).toBe('1 servers × 3 drives is fewer than the 4 drives distributed erasure coding needs');
    expect(first(3, 1)!.prop).toBe('servers × drivesPerServer');
  });

  test('1 server and 1 drive per server are the smallest shapes; 0 and fractions are refused with their own message', () => {
    expect(first(1, 4, undefined, false)).toBeUndefined();
    expect(first(4, 1, undefined, false)).toBeUndefined();
    expect(first(0, 4)).toEqual({ prop: 'servers', value: 0, rule: 'must be a whole number of at least 1', fix: 'use 4 or more servers' });
    expect(first(4, 0)).toEqual({ prop: 'drivesPerServer', value: 0, rule: 'must be a whole number of at least 1', fix: 'use 1 or more drives per server' });
    expect(first(4, 1.5)!.prop).toBe('drivesPerServer');
    expect(first(-4, 1)!.prop).toBe('servers');
  });

  test('a shape MinIO cannot lay out has no sets, no quorum and no capacity (never Infinity or NaN)', () => {
    for (const l of [layout(17, 1), layout(0, 4), layout(4, 0), layout(4.5, 2), layout(2, 2.5)]) {
      expect({
        setSize: l.setSize,
        setCount: l.setCount,
        dataDrives: l.dataDrives,
        usableFraction: l.usableFraction,
        drivesPerServerInSet: l.drivesPerServerInSet,
        writes: l.serverFailuresToleratedForWrites,
        reads: l.serverFailuresToleratedForReads,
        tolerates: l.toleratesServerLoss,
        set0: l.membersOfSet(0),
      }).toEqual({
        setSize: 0, setCount: 0, dataDrives: 0, usableFraction: 0, drivesPerServerInSet: 0, writes: 0, reads: 0, tolerates: false, set0: [],
      });
    }
    expect(layout(17, 1).parity).toBe(0);
    expect(layout(17, 1, 2).dataDrives).toBe(0);
  });

  test('no set size fits one server: proposes the two nearest smaller drive counts and a second server', () => {
    const v = first(1, 17)!;
    expect(v.rule).toBe('1 servers × 17 drives: MinIO needs an erasure-set size between 2 and 16 that divides the 17 drives and divides (or is a multiple of) the 17 drives, and none does');
    expect(v.fix).toBe('use 1 servers × 16 drives or 1 servers × 15 drives or 2 servers × 17 drives');
    // 19 drives: 18 fits (sets of 9), 17 does not, 16 does.
    expect(first(1, 19)!.fix).toBe('use 1 servers × 18 drives or 1 servers × 16 drives or 2 servers × 19 drives');
  });

  test('no set size fits many servers: proposes the next server count that fits, for any drive count', () => {
    expect(first(17, 2)!.fix).toBe('use 18 servers × 2 drives');
    expect(first(19, 3)!.fix).toBe('use 20 servers × 3 drives');
    expect(first(17, 2)!.value).toBe(34);
    expect(first(17, 2)!.prop).toBe('servers × drivesPerServer');
  });

  test('several sets, one drive per server allowed: plural sets, parity and drive advice', () => {
    const v = first(5, 4, 1)!;
    expect(v.rule).toBe('5 servers × 4 drives form 2 erasure sets of 10 drives with 2 drives on each server; with one server down a set keeps 8 drives, below the read and write quorum of 9 (EC:1 leaves 9 data drives per set)');
    expect(v.fix).toBe('use parity 2 (EC:2) or higher, use at most 1 drive per server, or set tolerateServerLoss: false to accept losing writes while a server is down');
  });

  test('fewer than 4 servers: the advice adds servers; 4 servers do not get that advice', () => {
    expect(first(3, 4, 2)!.fix).toBe('use parity 4 (EC:4) or higher, use at most 2 drives per server, add servers (4 or more), or set tolerateServerLoss: false to accept losing writes while a server is down');
    expect(first(4, 4, 2)!.fix).not.toMatch(/add servers/);
  });

  test('the drive advice keeps an explicit parity and otherwise uses the default parity of the smaller layout', () => {
    // 4 × 4 at EC:3 keeps EC:3 for the smaller layout: 4 × 3 = one set of 12, 3 drives per server, 9 left = 9 data.
    expect(first(4, 4, 3)!.fix).toBe('use parity 4 (EC:4) or higher, use at most 3 drives per server, or set tolerateServerLoss: false to accept losing writes while a server is down');
    // 2 × 8 at the default EC:4: no smaller drive count helps two servers at their default parity either.
    expect(first(2, 8)!.fix).toBe('add servers (4 or more), or set tolerateServerLoss: false to accept losing writes while a server is down');
  });

  test('sets of two on one drive per server: no parity or drive count helps, and the words are singular', () => {
    const l = layout(34, 1);
    expect([l.setSize, l.setCount, l.parity, l.writeQuorum]).toEqual([2, 17, 1, 2]);
    const v = l.violations(true)[0];
    expect(v.rule).toBe('34 servers × 1 drives form 17 erasure sets of 2 drives with 1 drive on each server; with one server down a set keeps 1 drives, below the write quorum of 2 (EC:1 leaves 1 data drives per set)');
    expect(v.fix).toBe('or set tolerateServerLoss: false to accept losing writes while a server is down');
    expect(l.violations(false)).toEqual([]);
  });

  test('quorum words: read and write together when both are missed, write alone otherwise', () => {
    expect(first(4, 4, 2)!.rule).toMatch(/below the read and write quorum of 14 /);
    expect(first(2, 2)!.rule).toMatch(/keeps 2 drives, below the write quorum of 3 \(EC:2 leaves 2 data drives per set\)$/);
  });

  test('tolerated failures count servers, worst case first, and never exceed the servers there are', () => {
    // 4 × 1 at EC:2: write quorum 3 of 4 → 1 server; read quorum 2 → 2 servers.
    expect([layout(4, 1).serverFailuresToleratedForWrites, layout(4, 1).serverFailuresToleratedForReads]).toEqual([1, 2]);
    // 2 × 2 at EC:1: write/read quorum 3, spare 1 < 2 drives per server → 0 either way.
    expect([layout(2, 2, 1).serverFailuresToleratedForWrites, layout(2, 2, 1).serverFailuresToleratedForReads]).toEqual([0, 0]);
    expect(layout(2, 2, 1).toleratesServerLoss).toBe(false);
    // One server holding every drive can lose nothing, whatever the parity.
    expect(layout(1, 8, 4).serverFailuresToleratedForReads).toBe(0);
    expect(layout(1, 8, 4).toleratesServerLoss).toBe(false);
    // A parity that leaves no data drive (refused by violations()) tolerates nothing, not every server.
    expect([layout(4, 1, 4).serverFailuresToleratedForReads, layout(4, 1, 4).serverFailuresToleratedForWrites]).toEqual([0, 0]);
    // Reads tolerate a loss that writes do not: 2 × 2 at the default EC:2.
    expect(layout(2, 2).toleratesServerLoss).toBe(false);
    expect(layout(2, 2).serverFailuresToleratedForReads).toBe(1);
  });

  test('the set sizes MinIO accepts run from 2 to 16 inclusive', () => {
    expect(MinioErasureLayout.MIN_SET_SIZE).toBe(2);
    expect(MinioErasureLayout.MAX_SET_SIZE).toBe(16);
    expect(MinioErasureLayout.candidateSetSizes(16, 1)).toEqual([2, 4, 8, 16]);
    expect(MinioErasureLayout.candidateSetSizes(2, 1)).toEqual([2]);
    expect(MinioErasureLayout.candidateSetSizes(1, 1)).toEqual([]);
    expect(MinioErasureLayout.setSizeFor(1, 16)).toBe(16);
    expect(MinioErasureLayout.setSizeFor(1, 32)).toBe(16);
    // 3 servers: 6 drives is a multiple of 3 and divides 6; 2 neither divides 3 nor is a multiple of it.
    expect(MinioErasureLayout.candidateSetSizes(3, 2)).toEqual([3, 6]);
  });
});
