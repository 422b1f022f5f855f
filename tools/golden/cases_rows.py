"""Extra PyTorch fixtures of the row-wise losses, beyond the group-2 cases:
p = inf and p = 3 triplets, broadcast triplet / multilabel_soft_margin inputs, exact ties under
swap, duplicate multilabel targets, junk after the -1 terminator.  They are written to
src/test/resources/golden-rows/<loss>.jsonl and checked by RowLossesExtraGoldenTest:

    /usr/bin/python3 tools/golden/gen_rows.py
"""
import numpy as np

from goldenlib import f32, f64, i64

REDS = ["none", "mean", "sum"]


def multi_margin_loss(c):
    for red in REDS:
        for p in (1, 2):
            for (n, C) in ((4, 5), (1, 7), (9, 33)):
                cid = "row-mm-%dx%d-p%d-%s" % (n, C, p, red)
                r = c.new(cid)
                c.add({"input": r.n(n, C), "target": r.i(0, C, n)}, {"p": p, "reduction": red})
                cid = "row-mm-%dx%d-p%d-margin-weight-%s" % (n, C, p, red)
                r = c.new(cid)
                c.add({"input": r.n(n, C), "target": r.i(0, C, n)},
                      {"p": p, "margin": 0.7, "weight": r.u(C, lo=0.1, hi=2.0), "reduction": red})
        r = c.new("row-mm-unbatched-%s" % red)
        c.add({"input": r.n(6), "target": i64(2)}, {"reduction": red})
        r = c.new("row-mm-unbatched1-%s" % red)
        c.add({"input": r.n(6), "target": i64([4])}, {"reduction": red})
    r = c.new("row-mm-seed")
    c.add({"input": f32([[0.1, 0.2, 0.4, 0.8]]), "target": i64([3])}, {})
    r = c.new("row-mm-f64")
    c.add({"input": r.n(5, 9).astype(np.float64), "target": r.i(0, 9, 5)}, {"p": 2, "margin": 1.5})
    r = c.new("row-mm-bad-target")
    c.add({"input": r.n(3, 4), "target": i64([0, 4, 1])}, {}, want="error")
    r = c.new("row-mm-bad-p")
    c.add({"input": r.n(3, 4), "target": i64([0, 3, 1])}, {"p": 3}, want="error")
    r = c.new("row-mm-bad-3d")
    c.add({"input": r.n(2, 3, 4), "target": i64([0, 1])}, {}, want="error")
    r = c.new("row-mm-bad-target-size")
    c.add({"input": r.n(3, 4), "target": i64([0, 1])}, {}, want="error")


def multilabel_margin_loss(c):
    def tg(r, n, C):
        t = np.full((n, C), -1, dtype=np.int64)
        for k in range(n):
            m = int(r.i(0, C + 1))
            t[k, :m] = r.perm(C)[:m]
            # junk after the first -1 must be ignored
            if m + 1 < C:
                t[k, m + 1:] = r.i(-1, C, C - m - 1)
        return t
    for red in REDS:
        for (n, C) in ((4, 5), (1, 7), (9, 33)):
            cid = "row-mlm-%dx%d-%s" % (n, C, red)
            r = c.new(cid)
            c.add({"input": r.n(n, C), "target": tg(r, n, C)}, {"reduction": red})
        r = c.new("row-mlm-unbatched-%s" % red)
        c.add({"input": r.n(6), "target": i64([3, 0, -1, 1, 5, 2])}, {"reduction": red})
    r = c.new("row-mlm-seed")
    c.add({"input": f32([[0.1, 0.2, 0.4, 0.8]]), "target": i64([[3, 0, -1, 1]])}, {})
    r = c.new("row-mlm-dup")
    c.add({"input": f32([[0.1, 0.2, 0.4, 0.8]]), "target": i64([[3, 3, -1, 1]])}, {"reduction": "none"})
    r = c.new("row-mlm-bad")
    c.add({"input": r.n(2, 4), "target": i64([[3, 4, -1, 1], [0, -1, 0, 0]])}, {}, want="error")
    r = c.new("row-mlm-bad-after")
    c.add({"input": r.n(1, 4), "target": i64([[3, -1, 7, 1]])}, {}, want="error")
    r = c.new("row-mlm-bad-shape")
    c.add({"input": r.n(2, 4), "target": i64([[3, 1, -1]])}, {}, want="error")


def multilabel_soft_margin_loss(c):
    for red in REDS:
        for (n, C) in ((4, 5), (1, 7), (9, 33)):
            cid = "row-mlsm-%dx%d-%s" % (n, C, red)
            r = c.new(cid)
            c.add({"input": r.n(n, C, scale=3), "target": r.bits(n, C)}, {"reduction": red})
            cid = "row-mlsm-%dx%d-weight-%s" % (n, C, red)
            r = c.new(cid)
            c.add({"input": r.n(n, C, scale=3), "target": r.u(n, C)}, {"weight": r.u(C, lo=0.1, hi=2), "reduction": red})
        r = c.new("row-mlsm-unbatched-%s" % red)
        c.add({"input": r.n(6), "target": r.bits(6)}, {"reduction": red})
        r = c.new("row-mlsm-3d-%s" % red)
        c.add({"input": r.n(2, 3, 4), "target": r.bits(2, 3, 4)}, {"weight": r.u(3, 1, lo=0.5, hi=1.5), "reduction": red})
        r = c.new("row-mlsm-bcast-target-%s" % red)
        c.add({"input": r.n(3, 4), "target": r.bits(1, 4)}, {"reduction": red})
    for red in REDS:
        # a weight with more dimensions than the input: the sum runs over the input's last dimension
        r = c.new("row-mlsm-weight-leading-dims-%s" % red)
        c.add({"input": r.n(2, 4), "target": r.bits(2, 4)}, {"weight": r.u(3, 2, 4, lo=0.5, hi=1.5), "reduction": red})
    r = c.new("row-mlsm-bad")
    c.add({"input": r.n(2, 4), "target": r.bits(2, 4)}, {"weight": r.u(3)}, want="error")


def _triplets(c, extra):
    for red in REDS:
        for (n, D) in ((4, 5), (1, 7), (9, 33)):
            for oname, opts in extra:
                cid = "row-%dx%d-%s-%s" % (n, D, oname, red)
                r = c.new(cid)
                a = r.n(n, D)
                c.add({"anchor": a, "positive": a + r.n(n, D, scale=0.5), "negative": a + r.n(n, D, scale=0.8)},
                      dict(opts, reduction=red))
        r = c.new("row-unbatched-%s" % red)
        c.add({"anchor": r.n(6), "positive": r.n(6), "negative": r.n(6)}, {"reduction": red})
        r = c.new("row-bcast-%s" % red)
        c.add({"anchor": r.n(3, 5), "positive": r.n(1, 5), "negative": r.n(3, 5)}, {"reduction": red, "swap": True})
    r = c.new("row-tie")
    a = r.n(3, 4)
    c.add({"anchor": a, "positive": a, "negative": a}, {"swap": True})


def triplet_margin_loss(c):
    _triplets(c, [("default", {}), ("p1-swap", {"p": 1.0, "swap": True, "margin": 2.0}),
                  ("p3-eps", {"p": 3.0, "eps": 0.01, "margin": 0.5}), ("pinf", {"p": float("inf")}),
                  ("p2-swap", {"swap": True, "margin": 1.5})])
    r = c.new("row-bad-rank")
    c.add({"anchor": r.n(3, 5), "positive": r.n(5), "negative": r.n(3, 5)}, {}, want="error")
    r = c.new("row-bad-shape")
    c.add({"anchor": r.n(3, 5), "positive": r.n(3, 4), "negative": r.n(3, 5)}, {}, want="error")


def triplet_margin_with_distance_loss(c):
    _triplets(c, [("pairwise", {}), ("cosine", {"distance_function": "cosine_distance"}),
                  ("cosine-swap", {"distance_function": "cosine_distance", "swap": True, "margin": 0.3}),
                  ("pairwise-swap", {"distance_function": "pairwise_distance", "swap": True, "margin": 2.0})])
    r = c.new("row-bad-shape")
    c.add({"anchor": r.n(3, 5), "positive": r.n(3, 4), "negative": r.n(3, 5)}, {}, want="error")


BUILDERS = {
    "multi_margin_loss": multi_margin_loss,
    "multilabel_margin_loss": multilabel_margin_loss,
    "multilabel_soft_margin_loss": multilabel_soft_margin_loss,
    "triplet_margin_loss": triplet_margin_loss,
    "triplet_margin_with_distance_loss": triplet_margin_with_distance_loss,
}
