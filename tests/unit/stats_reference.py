#!/usr/bin/env python3
# Reference values for tests/unit/test_stats.c, computed independently of the C
# (exact fractions for the Mann-Whitney null distribution, math.erfc for the
# normal approximation, the same splitmix64 bootstrap). Run once; numbers committed.
import math, itertools
from fractions import Fraction
M = (1 << 64) - 1
def sm(state):
    state = (state + 0x9e3779b97f4a7c15) & M
    z = state
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
    return state, z ^ (z >> 31)
def med(v):
    s = sorted(v); n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
def q(s, p):
    pos = p * (len(s) - 1); i = int(pos)
    if i + 1 >= len(s): return s[-1]
    f = pos - i
    return s[i] if f == 0 or s[i] == s[i + 1] else s[i] + f * (s[i + 1] - s[i])
def boot(a, b, level=0.95, R=10000, seed=0x72696e6773636f70):
    st = seed; rs = []
    for _ in range(R):
        ra = []
        for _ in a:
            st, x = sm(st); ra.append(a[x % len(a)])
        rb = []
        for _ in b:
            st, x = sm(st); rb.append(b[x % len(b)])
        ma, mb = med(ra), med(rb)
        rs.append((1.0 if mb == 0 else math.inf) if ma == 0 else mb / ma)
    rs.sort()
    return q(rs, (1 - level) / 2), q(rs, 1 - (1 - level) / 2)
def mwu(a, b):
    allv = sorted(a + b); N = len(allv)
    rank = {}
    for v in set(allv):
        idx = [i + 1 for i, x in enumerate(allv) if x == v]
        rank[v] = sum(idx) / len(idx)
    U = sum(rank[v] for v in a) - len(a) * (len(a) + 1) / 2
    ties = len(set(allv)) < N
    if not ties:
        # enumerate every assignment of ranks to sample a
        m = len(a); cnt = le = ge = 0
        for c in itertools.combinations(range(1, N + 1), m):
            u = sum(c) - m * (m + 1) / 2; cnt += 1
            le += u <= U; ge += u >= U
        return U, min(1.0, float(2 * min(Fraction(le, cnt), Fraction(ge, cnt)))), True
    m, n = len(a), len(b)
    tt = sum(allv.count(v) ** 3 - allv.count(v) for v in set(allv))
    s = math.sqrt(m * n / 12 * ((N + 1) - tt / (N * (N - 1))))
    if s == 0: return U, 1.0, False
    z = (abs(U - m * n / 2) - 0.5) / s
    return U, (1.0 if z <= 0 else min(1.0, math.erfc(z / math.sqrt(2)))), False
for a, b in [([1,2,3],[4,5,6]), ([1,2,3,4,5],[6,7,8,9,10]), ([1,3,5,7,9],[2,4,6,8,10]), ([1],[2]),
             ([5.1,4.9,5.3,5.0,5.2],[5.4,5.6,5.25,5.5,5.7]),
             ([1,1,1,1,1],[0,0,0,0,0]), ([1,2,2,3,4],[2,3,5,6,7]), ([0,0,0],[0,0,0]), ([1.0,0.999,1.0,1.0,1.001],[0,0,0,0,0])]:
    print("mwu", a, b, "U=%r p=%.12g exact=%s" % mwu(a, b))
for a, b in [([10,11,12,13,14],[20,21,23,22,25]), ([100,103,98,101,99],[100,102,97,104,101]), ([5],[7]), ([1,2,3,4,5,6,7],[2,3,4,5,6,7,8])]:
    print("boot95", a, b, "%.12g %.12g" % boot(a, b))
    print("boot99", a, b, "%.12g %.12g" % boot(a, b, 0.99))
