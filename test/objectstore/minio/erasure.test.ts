import { MinioErasureLayout } from '../../../src';

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
