"""Group 2 cases: poisson_nll_loss, gaussian_nll_loss, margin_ranking_loss,
hinge_embedding_loss, multilabel_margin_loss, huber_loss, smooth_l1_loss,
soft_margin_loss, multilabel_soft_margin_loss, multi_margin_loss,
triplet_margin_loss, triplet_margin_with_distance_loss."""
import numpy as np

from goldenlib import f32, f64, i64
from cases_group1 import G, GI, REDS, NAN, INF, LONG_N, _int_target_gradient

SIZES = [(), (1,), (2,), (3,), (7,), (93,), (257,), (1000, 3)]


def _name(shape):
    return "x".join(map(str, shape)) or "scalar"


def _empty(c, p, inputs_fn, reds=REDS, options=None):
    for red in reds:
        c.new("%s-empty-%s" % (p, red))
        c.add(inputs_fn(), dict(options or {}, reduction=red))


# ==========================================================================
# poisson_nll_loss
# ==========================================================================
def poisson_nll_loss(c):
    p = "poisson"
    for log_input in (True, False):
        for full in (False, True):
            for red in REDS:
                cid = "%s-%s-%s-%s" % (p, "loginput" if log_input else "rate", "full" if full else "nofull", red)
                r = c.new(cid)
                x = r.n(3, 4) if log_input else r.u(3, 4, lo=0.1, hi=3)
                t = f32(np.floor(r.u(3, 4, lo=0, hi=6))).astype(np.float32)
                c.add({"input": x, "target": t}, {"log_input": log_input, "full": full, "reduction": red})
    r = c.new("%s-defaults" % p)
    c.add({"input": r.n(2, 3), "target": f32(np.floor(r.u(2, 3, lo=0, hi=4)))}, {})
    # Stirling term only where target > 1; non-integer targets
    c.new("%s-full-target-0-1-2-none" % p)
    c.add({"input": f32([0.5, -0.5, 1, 2, 0, 1.5]), "target": f32([0, 1, 2, 1.0001, 0.5, 7.25])},
          {"full": True, "reduction": "none"})
    c.new("%s-rate-zero-input-eps-none" % p)
    c.add({"input": f32([0, 0, 1e-9, 2]), "target": f32([0, 3, 1, 2])},
          {"log_input": False, "eps": 1e-3, "reduction": "none"})
    c.new("%s-rate-zero-input-default-eps-none" % p)
    c.add({"input": f32([0, 0, 1e-9]), "target": f32([0, 3, 1])}, {"log_input": False, "reduction": "none"})
    c.new("%s-rate-negative-input-none" % p)  # log of a negative number: nan, no error
    c.add({"input": f32([-0.5, 0.5]), "target": f32([1, 1])}, {"log_input": False, "reduction": "none"})
    c.new("%s-loginput-large-none" % p)  # exp(80) still a float32
    c.add({"input": f32([80, 50, -50, -100]), "target": f32([1, 60, 0, 3])}, {"reduction": "none"})
    c.new("%s-negative-target-full-none" % p)
    c.add({"input": f32([0.1, 0.2]), "target": f32([-1, -2.5])}, {"full": True, "reduction": "none"})
    r = c.new("%s-broadcast-target-row-mean" % p)
    c.add({"input": r.n(3, 4), "target": f32(np.floor(r.u(4, lo=0, hi=5)))}, {"reduction": "mean"})
    c.new("%s-nonfinite-none" % p)
    c.add({"input": f32([NAN, INF, -INF, 1]), "target": f32([1, 1, 1, INF])}, {"reduction": "none"})
    # seed example (values from note 002 are random; the formula is what matters)
    for shape in SIZES:
        r = c.new("%s-size-%s" % (p, _name(shape)))
        c.add({"input": r.n(*shape), "target": f32(np.floor(r.u(*shape, lo=0, hi=5)))}, {"reduction": "mean"},
              grad=["input"] if shape and shape[0] >= 93 else None)
    cid = "%s-big-33x1001-full-mean-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (33, 1001), -2, 2), "target": G(c, cid, "target", (33, 1001), 0, 8)},
          {"full": True, "reduction": "mean"}, grad=[])
    cid = "%s-long-mean-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (LONG_N,), -2, 2), "target": G(c, cid, "target", (LONG_N,), 0, 8)},
          {"reduction": "mean"}, grad=[])
    cid = "%s-long-rate-full-sum-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (2048, 2048), 0.5, 4), "target": G(c, cid, "target", (2048, 2048), 0, 8)},
          {"reduction": "sum", "log_input": False, "full": True}, grad=[])
    r = c.new("%s-f64-full-mean" % p)
    c.add({"input": f64(r.g.standard_normal((3, 4))), "target": f64(np.floor(r.g.uniform(0, 6, (3, 4))))},
          {"full": True})
    r = c.new("%s-f64-rate-none" % p)
    c.add({"input": f64(r.g.uniform(0, 3, 5)), "target": f64([0, 1, 2, 3, 4])}, {"log_input": False, "reduction": "none"})
    _empty(c, p, lambda: {"input": np.zeros((0, 2), np.float32), "target": np.zeros((0, 2), np.float32)})
    r = c.new("%s-err-shape-mismatch" % p)
    c.add({"input": r.n(3, 4), "target": r.n(3)}, {}, want="error")
    r = c.new("%s-err-reduction-avg" % p)
    c.add({"input": r.n(3), "target": r.n(3)}, {"reduction": "avg"}, want="error")


# ==========================================================================
# gaussian_nll_loss
# ==========================================================================
def gaussian_nll_loss(c):
    p = "gauss"
    for full in (False, True):
        for red in REDS:
            r = c.new("%s-var-same-%s-%s" % (p, "full" if full else "nofull", red))
            c.add({"input": r.n(4, 3), "target": r.n(4, 3), "var": r.u(4, 3, lo=0.1, hi=2)},
                  {"full": full, "reduction": red})
    for red in REDS:
        r = c.new("%s-var-last-dim-1-%s" % (p, red))
        c.add({"input": r.n(4, 3), "target": r.n(4, 3), "var": r.u(4, 1, lo=0.1, hi=2)}, {"reduction": red})
        r = c.new("%s-var-without-last-dim-%s" % (p, red))
        c.add({"input": r.n(4, 3), "target": r.n(4, 3), "var": r.u(4, lo=0.1, hi=2)}, {"reduction": red})
    r = c.new("%s-defaults" % p)
    c.add({"input": r.n(2, 3), "target": r.n(2, 3), "var": r.u(2, 3, lo=0.5, hi=1)}, {})
    r = c.new("%s-3d-var-without-last-dim-full-sum" % p)
    c.add({"input": r.n(2, 3, 4), "target": r.n(2, 3, 4), "var": r.u(2, 3, lo=0.1, hi=2)},
          {"full": True, "reduction": "sum"})
    r = c.new("%s-3d-var-last-dim-1-none" % p)
    c.add({"input": r.n(2, 3, 4), "target": r.n(2, 3, 4), "var": r.u(2, 3, 1, lo=0.1, hi=2)}, {"reduction": "none"})
    r = c.new("%s-1d-scalar-var-mean" % p)  # var () is "input without its last dim"
    c.add({"input": r.n(5), "target": r.n(5), "var": f32(0.7)}, {"reduction": "mean"})
    r = c.new("%s-1d-var-1-none" % p)
    c.add({"input": r.n(5), "target": r.n(5), "var": f32([0.7])}, {"reduction": "none"})
    r = c.new("%s-scalar-all-none" % p)
    c.add({"input": f32(0.3), "target": f32(-0.2), "var": f32(0.5)}, {"reduction": "none"})
    r = c.new("%s-target-broadcast-mean" % p)
    c.add({"input": r.n(3, 4), "target": r.n(4), "var": r.u(3, 4, lo=0.1, hi=1)}, {"reduction": "mean"})
    # var below eps is clamped (under no_grad: the gradient still flows to var)
    c.new("%s-var-clamped-eps-none" % p)
    c.add({"input": f32([0.5, 0.5, 0.5, 0.5]), "target": f32([0, 0.5, 1, 0]), "var": f32([0, 1e-7, 1e-6, 2e-6])},
          {"reduction": "none"})
    c.new("%s-var-clamped-custom-eps-none" % p)
    c.add({"input": f32([0.5, 0.5, 0.5]), "target": f32([0, 0.5, 1]), "var": f32([0, 0.005, 0.02])},
          {"reduction": "none", "eps": 0.01})
    c.new("%s-nonfinite-none" % p)
    c.add({"input": f32([NAN, INF, 1, 1]), "target": f32([0, 0, 0, 0]), "var": f32([1, 1, INF, NAN])},
          {"reduction": "none"})
    for shape in [(1, 1), (2, 3), (7, 5), (93, 4), (257, 3), (1000, 3)]:
        r = c.new("%s-size-%s" % (p, _name(shape)))
        c.add({"input": r.n(*shape), "target": r.n(*shape), "var": r.u(*shape, lo=0.2, hi=3)}, {"reduction": "mean"},
              grad=["input", "var"] if shape[0] >= 93 else None)
    cid = "%s-big-33x1001-var-last-1-mean" % p
    r = c.new(cid)
    c.add({"input": G(c, cid, "input", (33, 1001), -2, 2), "target": G(c, cid, "target", (33, 1001), -2, 2),
           "var": r.u(33, 1, lo=0.2, hi=2)}, {"reduction": "mean"}, grad=["var"])
    cid = "%s-long-mean-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (LONG_N,), -2, 2), "target": G(c, cid, "target", (LONG_N,), -2, 2),
           "var": G(c, cid, "var", (LONG_N,), 0.1, 3)}, {"reduction": "mean"}, grad=[])
    cid = "%s-long-var-without-last-dim-full-sum-nograd" % p
    r = c.new(cid)
    c.add({"input": G(c, cid, "input", (4096, 1024), -2, 2), "target": G(c, cid, "target", (4096, 1024), -2, 2),
           "var": r.u(4096, lo=0.1, hi=3)},
          {"reduction": "sum", "full": True}, grad=[])
    r = c.new("%s-f64-mean" % p)
    c.add({"input": f64(r.g.standard_normal((3, 4))), "target": f64(r.g.standard_normal((3, 4))),
           "var": f64(r.g.uniform(0.1, 2, (3, 1)))}, {"full": True})
    _empty(c, p, lambda: {"input": np.zeros((0, 2), np.float32), "target": np.zeros((0, 2), np.float32),
                          "var": np.zeros((0, 2), np.float32)})
    r = c.new("%s-err-negative-var" % p)
    c.add({"input": r.n(3), "target": r.n(3), "var": f32([0.5, -0.1, 1])}, {}, want="error")
    r = c.new("%s-err-var-wrong-size" % p)
    c.add({"input": r.n(3, 4), "target": r.n(3, 4), "var": r.u(3, 2)}, {}, want="error")
    r = c.new("%s-err-var-broadcast-row" % p)
    c.add({"input": r.n(3, 4), "target": r.n(3, 4), "var": r.u(1, 4)}, {}, want="error")
    r = c.new("%s-err-var-scalar-2d-input" % p)
    c.add({"input": r.n(3, 4), "target": r.n(3, 4), "var": f32(0.5)}, {}, want="error")
    r = c.new("%s-err-target-shape" % p)
    c.add({"input": r.n(3, 4), "target": r.n(3, 5), "var": r.u(3, 4)}, {}, want="error")
    r = c.new("%s-err-reduction-avg" % p)
    c.add({"input": r.n(3), "target": r.n(3), "var": r.u(3)}, {"reduction": "avg"}, want="error")


# ==========================================================================
# margin_ranking_loss
# ==========================================================================
def margin_ranking_loss(c):
    p = "mr"
    for margin in (0.0, 0.5, -0.3):
        for red in REDS:
            r = c.new("%s-margin%g-%s" % (p, margin, red))
            c.add({"input1": r.n(6), "input2": r.n(6), "target": r.sign(6)}, {"margin": margin, "reduction": red})
    r = c.new("%s-defaults" % p)
    c.add({"input1": r.n(4), "input2": r.n(4), "target": r.sign(4)}, {})
    r = c.new("%s-scalar-none" % p)
    c.add({"input1": f32(0.3), "input2": f32(0.5), "target": f32(1)}, {"reduction": "none", "margin": 0.1})
    r = c.new("%s-2d-sum" % p)
    c.add({"input1": r.n(2, 3), "input2": r.n(2, 3), "target": r.sign(2, 3)}, {"reduction": "sum", "margin": 0.2})
    c.new("%s-ties-at-clamp-none" % p)  # the hinge is exactly 0: torch's clamp_min passes the gradient
    c.add({"input1": f32([1, 2, 0.5, 3]), "input2": f32([1, 2, 0, 3.5]), "target": f32([1, -1, 1, 1])},
          {"reduction": "none", "margin": 0.0})
    c.new("%s-ties-with-margin-none" % p)
    c.add({"input1": f32([1.5, 0.25]), "input2": f32([1, 0.75]), "target": f32([1, -1])},
          {"reduction": "none", "margin": 0.5})
    r = c.new("%s-target-not-pm1-none" % p)  # accepted: -target * (x1 - x2) + margin
    c.add({"input1": r.n(4), "input2": r.n(4), "target": f32([0, 2, 0.5, -3])}, {"reduction": "none", "margin": 0.1})
    c.new("%s-nonfinite-none" % p)
    c.add({"input1": f32([NAN, INF, INF, 1]), "input2": f32([0, INF, 0, -INF]), "target": f32([1, 1, -1, 1])},
          {"reduction": "none"})
    # seed example from note 002 (target 0 there means "no preference": loss = margin = 0)
    c.new("seed-margin-ranking-1.6882-0-0.3772")
    c.add({"input1": f32([0.2112, -0.0281, 0.5583]), "input2": f32([1.8994, -0.6425, 0.9355]),
           "target": f32([1, 0, 1])}, {"reduction": "none"})
    for n in (1, 2, 3, 7, 93, 257, 1000):
        r = c.new("%s-size-%d" % (p, n))
        c.add({"input1": r.n(n), "input2": r.n(n), "target": r.sign(n)}, {"reduction": "mean", "margin": 0.1},
              grad=["input1"] if n >= 93 else None)
    cid = "%s-big-33033-mean-nograd" % p
    r = c.new(cid)
    c.add({"input1": G(c, cid, "input1", (33033,), -2, 2), "input2": G(c, cid, "input2", (33033,), -2, 2),
           "target": r.sign(33033)},
          {"reduction": "mean", "margin": 0.25}, grad=[])
    cid = "%s-long-mean-nograd" % p
    c.new(cid)
    c.add({"input1": G(c, cid, "input1", (LONG_N,), -2, 2), "input2": G(c, cid, "input2", (LONG_N,), -2, 2),
           "target": G(c, cid, "target", (LONG_N,), -1, 1)}, {"reduction": "mean", "margin": 0.5}, grad=[])
    cid = "%s-long-sum-nograd" % p
    c.new(cid)
    c.add({"input1": G(c, cid, "input1", (4000037,), 0, 1), "input2": G(c, cid, "input2", (4000037,), 0, 1),
           "target": G(c, cid, "target", (4000037,), 0.5, 1)}, {"reduction": "sum", "margin": 0.1}, grad=[])
    r = c.new("%s-f64-mean" % p)
    c.add({"input1": f64(r.g.standard_normal(5)), "input2": f64(r.g.standard_normal(5)),
           "target": f64([1, -1, 1, -1, 1])}, {"margin": 0.2})
    _empty(c, p, lambda: {"input1": np.zeros((0,), np.float32), "input2": np.zeros((0,), np.float32),
                          "target": np.zeros((0,), np.float32)})
    r = c.new("%s-err-target-length" % p)
    c.add({"input1": r.n(3), "input2": r.n(3), "target": r.sign(4)}, {}, want="error")
    r = c.new("%s-err-dims-differ" % p)
    c.add({"input1": r.n(2, 3), "input2": r.n(3), "target": r.sign(3)}, {}, want="error")
    r = c.new("%s-err-reduction-avg" % p)
    c.add({"input1": r.n(3), "input2": r.n(3), "target": r.sign(3)}, {"reduction": "avg"}, want="error")


# ==========================================================================
# hinge_embedding_loss
# ==========================================================================
def hinge_embedding_loss(c):
    p = "hinge"
    for margin in (1.0, 0.5, -1.0):
        for red in REDS:
            r = c.new("%s-margin%g-%s" % (p, margin, red))
            c.add({"input": r.u(6, lo=-0.5, hi=2), "target": r.sign(6)}, {"margin": margin, "reduction": red})
    r = c.new("%s-defaults" % p)
    c.add({"input": r.u(4, lo=0, hi=2), "target": r.sign(4)}, {})
    for red in REDS:
        r = c.new("%s-2d-%s" % (p, red))
        c.add({"input": r.u(3, 4, lo=0, hi=2), "target": r.sign(3, 4)}, {"reduction": red, "margin": 1.5})
    r = c.new("%s-scalar-none" % p)
    c.add({"input": f32(0.4), "target": f32(-1)}, {"reduction": "none"})
    c.new("%s-ties-at-margin-none" % p)  # x == margin: hinge is 0, gradient still -1
    c.add({"input": f32([1, 1, 0.5, 2]), "target": f32([-1, 1, -1, -1])}, {"reduction": "none"})
    c.new("%s-target-not-pm1-none" % p)  # other targets take both branches: x + max(0, margin - x)
    c.add({"input": f32([0.5, 1, 2, 0.5]), "target": f32([0, 2, 2, -2])}, {"reduction": "none"})
    r = c.new("%s-int-target-mean" % p)
    c.add({"input": r.u(4, lo=0, hi=2), "target": i64([1, -1, -1, 1])}, {"reduction": "mean"})
    r = c.new("%s-broadcast-target-row-sum" % p)
    c.add({"input": r.u(2, 3, lo=0, hi=2), "target": r.sign(3)}, {"reduction": "sum"})
    c.new("%s-nonfinite-none" % p)
    c.add({"input": f32([NAN, INF, -INF, INF]), "target": f32([1, 1, -1, -1])}, {"reduction": "none"})
    for red in ("none", "mean"):  # the output takes the input's dtype, whatever the target's
        r = c.new("%s-mixed-f32-input-f64-target-%s" % (p, red))
        c.add({"input": r.u(5, lo=-0.5, hi=2), "target": f64(r.sign(5))}, {"reduction": red})
        r = c.new("%s-mixed-f64-input-f32-target-%s" % (p, red))
        c.add({"input": f64(r.u(5, lo=-0.5, hi=2)), "target": r.sign(5)}, {"reduction": red})
    # seed (note 003 style): L1 distances as input
    c.new("seed-hinge-distances")
    c.add({"input": f32([0.3, 1.7, 0.9, 2.5]), "target": f32([1, -1, -1, 1])}, {"reduction": "mean"})
    for n in (1, 2, 3, 7, 93, 257, 1000):
        r = c.new("%s-size-%d" % (p, n))
        c.add({"input": r.u(n, lo=0, hi=2), "target": r.sign(n)}, {"reduction": "mean"})
    cid = "%s-big-33x1001-mean-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (33, 1001), 0, 2), "target": GI(c, cid, "target", (33, 1001), -1, 2)},
          {"reduction": "mean", "margin": 1.2}, grad=[])
    cid = "%s-long-mean-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (LONG_N,), 0, 2), "target": GI(c, cid, "target", (LONG_N,), -1, 2)},
          {"reduction": "mean"}, grad=[])
    cid = "%s-long-sum-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (2048, 2048), 0, 3), "target": GI(c, cid, "target", (2048, 2048), -1, 2)},
          {"reduction": "sum", "margin": 2.0}, grad=[])
    r = c.new("%s-f64-mean" % p)
    c.add({"input": f64(r.g.uniform(0, 2, 5)), "target": f64([1, -1, 1, -1, -1])}, {})
    _empty(c, p, lambda: {"input": np.zeros((0,), np.float32), "target": np.zeros((0,), np.float32)})
    r = c.new("%s-err-shape-mismatch" % p)
    c.add({"input": r.u(3), "target": r.sign(2)}, {}, want="error")
    r = c.new("%s-err-reduction-avg" % p)
    c.add({"input": r.u(3), "target": r.sign(3)}, {"reduction": "avg"}, want="error")


# ==========================================================================
# multilabel_margin_loss
# ==========================================================================
def _mlm_target(r, n, C, kmax=None):
    """Each row: k distinct labels then -1 then random junk in [-1, C)."""
    t = np.full((n, C), -1, np.int64)
    for i in range(n):
        k = int(r.g.integers(0, (kmax or C) + 1))
        t[i, :k] = r.perm(C)[:k]
        if k + 1 < C:
            t[i, k + 1:] = r.i(-1, C, C - k - 1)
    return t


def multilabel_margin_loss(c):
    p = "mlm"
    x = f32([[0.1, 0.2, 0.4, 0.8]])
    c.new("seed-multilabel-margin-0.85")
    c.add({"input": x, "target": i64([[3, 0, -1, 1]])}, {"reduction": "mean"})
    c.new("seed-multilabel-margin-unbatched-0.85")
    c.add({"input": x[0], "target": i64([3, 0, -1, 1])}, {})
    for red in REDS:
        r = c.new("%s-nc-%s" % (p, red))
        c.add({"input": r.n(5, 6), "target": _mlm_target(r, 5, 6)}, {"reduction": red})
        r = c.new("%s-unbatched-%s" % (p, red))
        c.add({"input": r.n(6), "target": _mlm_target(r, 1, 6)[0]}, {"reduction": red})
    c.new("%s-all-minus1-none" % p)
    c.add({"input": f32([[0.1, 0.2, 0.3], [1, 2, 3]]), "target": i64([[-1, -1, -1], [-1, 0, 1]])},
          {"reduction": "none"})
    c.new("%s-all-classes-targets-none" % p)  # no non-target class: 0
    c.add({"input": f32([[0.1, 0.2, 0.3]]), "target": i64([[2, 0, 1]])}, {"reduction": "none"})
    c.new("%s-no-terminator-none" % p)
    c.add({"input": f32([[0.1, 0.9, 0.3, -0.2]]), "target": i64([[1, 3, 3, 3]])}, {"reduction": "none"})
    c.new("%s-duplicate-labels-none" % p)
    c.add({"input": f32([[0.1, 0.2, 0.4, 0.8]]), "target": i64([[3, 3, -1, 1]])}, {"reduction": "none"})
    c.new("%s-junk-after-terminator-none" % p)
    c.add({"input": f32([[0.1, 0.2, 0.4, 0.8]]), "target": i64([[2, -1, 0, 3]])}, {"reduction": "none"})
    c.new("%s-ties-none" % p)  # margin term exactly 0 / exactly 1
    c.add({"input": f32([[1, 0, 0.5, 1]]), "target": i64([[0, -1, 0, 0]])}, {"reduction": "none"})
    c.new("%s-scalar-input" % p)
    c.add({"input": f32(0.5), "target": i64(0)}, {"reduction": "none"})
    c.new("%s-C1-sum" % p)
    c.add({"input": f32([[0.5], [1.5]]), "target": i64([[0], [-1]])}, {"reduction": "sum"})
    c.new("%s-nonfinite-none" % p)
    c.add({"input": f32([[NAN, 0, 1], [INF, 0, 1], [0, 1, -INF]]), "target": i64([[1, -1, 0], [0, -1, 0], [1, -1, 0]])},
          {"reduction": "none"})
    for (n, C) in [(1, 2), (2, 3), (7, 93), (93, 7), (257, 3), (1000, 3)]:
        r = c.new("%s-size-%dx%d" % (p, n, C))
        c.add({"input": r.n(n, C), "target": _mlm_target(r, n, C, kmax=min(C, 10))}, {"reduction": "mean"})
    cid = "%s-big-33x1001-mean" % p
    r = c.new(cid)
    c.add({"input": G(c, cid, "input", (33, 1001), -1, 1), "target": _mlm_target(r, 33, 1001, kmax=12)},
          {"reduction": "mean"})
    cid = "%s-big-4096x37-sum-nograd" % p
    r = c.new(cid)
    t = _mlm_target(r, 4096, 37, kmax=5)
    c.add({"input": G(c, cid, "input", (4096, 37), -1, 1), "target": t}, {"reduction": "sum"}, grad=[])
    r = c.new("%s-f64-mean" % p)
    c.add({"input": f64(r.g.standard_normal((3, 5))), "target": _mlm_target(r, 3, 5)}, {})
    c.new("%s-empty-none" % p)  # mean/sum of an empty batch read uninitialised memory in torch 1.13
    c.add({"input": np.zeros((0, 4), np.float32), "target": np.zeros((0, 4), np.int64)}, {"reduction": "none"})
    r = c.new("%s-err-target-equals-C" % p)
    c.add({"input": r.n(1, 4), "target": i64([[4, 0, -1, 1]])}, {}, want="error")
    r = c.new("%s-err-target-minus2" % p)
    c.add({"input": r.n(1, 4), "target": i64([[3, -2, -1, 1]])}, {}, want="error")
    r = c.new("%s-err-out-of-range-after-terminator" % p)
    c.add({"input": r.n(1, 4), "target": i64([[3, -1, 7, 1]])}, {}, want="error")
    r = c.new("%s-err-target-shape" % p)
    c.add({"input": r.n(2, 4), "target": np.zeros((2, 3), np.int64)}, {}, want="error")
    r = c.new("%s-err-3d-input" % p)
    c.add({"input": r.n(2, 4, 2), "target": np.zeros((2, 4, 2), np.int64)}, {}, want="error")
    r = c.new("%s-err-float-target" % p)
    c.add({"input": r.n(2, 4), "target": np.zeros((2, 4), np.float32)}, {}, want="error")
    r = c.new("%s-err-reduction-avg" % p)
    c.add({"input": r.n(2, 4), "target": np.zeros((2, 4), np.int64)}, {"reduction": "avg"}, want="error")


# ==========================================================================
# huber_loss / smooth_l1_loss / soft_margin_loss (elementwise)
# ==========================================================================
def _regression(c, p, opt, values):
    """Shared cases for huber (opt=delta) and smooth_l1 (opt=beta)."""
    for v in values:
        for red in REDS:
            r = c.new("%s-%s%g-%s" % (p, opt, v, red))
            c.add({"input": r.n(3, 5, scale=2), "target": r.n(3, 5)}, {opt: v, "reduction": red})
    r = c.new("%s-defaults" % p)
    c.add({"input": r.n(2, 3, scale=2), "target": r.n(2, 3)}, {})
    c.new("%s-at-threshold-none" % p)  # |x - y| exactly 0, 0.5, 1, 2 with threshold 1 and 0.5
    c.add({"input": f32([0, 0.5, 1, 2, -1, -0.5, 3]), "target": f32([0, 0, 0, 0, 0, 0, 3])}, {opt: 1.0, "reduction": "none"})
    c.new("%s-at-threshold-half-none" % p)
    c.add({"input": f32([0, 0.5, 1, -0.5, 0.25]), "target": f32([0, 0, 0, 0, 0])}, {opt: 0.5, "reduction": "none"})
    for shape in SIZES + [(4, 5, 6)]:
        r = c.new("%s-size-%s" % (p, _name(shape)))
        c.add({"input": r.n(*shape, scale=2), "target": r.n(*shape)}, {"reduction": "mean"},
              grad=["input"] if shape and shape[0] >= 93 else None)
    c.new("%s-nonfinite-none" % p)
    c.add({"input": f32([NAN, INF, -INF, 1, 3e38]), "target": f32([0, 0, 0, INF, -3e38])}, {"reduction": "none"})
    r = c.new("%s-broadcast-target-row-mean" % p)
    c.add({"input": r.n(3, 4), "target": r.n(4)}, {"reduction": "mean"})
    r = c.new("%s-equal-inputs-none" % p)
    x = r.n(4)
    c.add({"input": x, "target": x.copy()}, {"reduction": "none"})
    cid = "%s-big-33x1001-mean-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (33, 1001), -3, 3), "target": G(c, cid, "target", (33, 1001), -3, 3)},
          {"reduction": "mean", opt: values[1]}, grad=[])
    cid = "%s-long-mean-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (LONG_N,), -3, 3), "target": G(c, cid, "target", (LONG_N,), -3, 3)},
          {"reduction": "mean"}, grad=[])
    cid = "%s-long-offset-sum-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (4000037,), 10, 11), "target": G(c, cid, "target", (4000037,), 0, 0.5)},
          {"reduction": "sum", opt: 2.0}, grad=[])
    r = c.new("%s-f64-mean" % p)
    c.add({"input": f64(r.g.standard_normal((3, 4)) * 2), "target": f64(r.g.standard_normal((3, 4)))}, {opt: 0.7})
    _empty(c, p, lambda: {"input": np.zeros((0, 3), np.float32), "target": np.zeros((0, 3), np.float32)})
    r = c.new("%s-err-shape-mismatch" % p)
    c.add({"input": r.n(3, 4), "target": r.n(3)}, {}, want="error")
    r = c.new("%s-err-reduction-avg" % p)
    c.add({"input": r.n(3), "target": r.n(3)}, {"reduction": "avg"}, want="error")


def huber_loss(c):
    _regression(c, "huber", "delta", [1.0, 0.5, 2.5, 1e-3])
    _int_target_gradient(c, "huber", {"delta": 0.5})
    for bad in (0.0, -1.0):
        r = c.new("huber-err-delta%g" % bad)
        c.add({"input": r.n(3), "target": r.n(3)}, {"delta": bad}, want="error")


def smooth_l1_loss(c):
    _regression(c, "sl1", "beta", [1.0, 0.5, 0.0, 3.0])
    c.new("sl1-beta0-at-zero-none")  # beta 0 is l1; at x == y torch's gradient is -1 (not 0)
    c.add({"input": f32([0, 1, -1, 2.5]), "target": f32([0, 0, 0, 2.5])}, {"beta": 0.0, "reduction": "none"})
    c.new("sl1-beta-tiny-none")
    c.add({"input": f32([0, 1e-6, 1e-5, 1]), "target": f32([0, 0, 0, 0])}, {"beta": 1e-5, "reduction": "none"})
    r = c.new("sl1-err-beta-negative")
    c.add({"input": r.n(3), "target": r.n(3)}, {"beta": -0.5}, want="error")


def soft_margin_loss(c):
    p = "softm"
    for red in REDS:
        r = c.new("%s-nc-%s" % (p, red))
        c.add({"input": r.n(3, 4, scale=2), "target": r.sign(3, 4)}, {"reduction": red})
        r = c.new("%s-1d-%s" % (p, red))
        c.add({"input": r.n(5, scale=2), "target": r.sign(5)}, {"reduction": red})
    r = c.new("%s-defaults" % p)
    c.add({"input": r.n(4), "target": r.sign(4)}, {})
    r = c.new("%s-scalar-none" % p)
    c.add({"input": f32(-0.7), "target": f32(1)}, {"reduction": "none"})
    # |y x| large: torch float32 overflows exp() to inf where the true loss is ~100
    c.new("%s-hard-logits-none" % p)
    c.add({"input": f32([-100, 100, 20, -20, 88, -88, 1e4, 1e4]), "target": f32([1, -1, 1, 1, 1, 1, 1, -1])},
          {"reduction": "none"})
    c.new("%s-moderate-logits-none" % p)
    c.add({"input": f32([-30, 30, 15, -15, 50, -50]), "target": f32([1, -1, 1, 1, 1, 1])}, {"reduction": "none"})
    r = c.new("%s-target-not-pm1-none" % p)
    c.add({"input": r.n(4), "target": f32([0, 0.5, 2, -3])}, {"reduction": "none"})
    r = c.new("%s-broadcast-target-row-sum" % p)
    c.add({"input": r.n(3, 4), "target": r.sign(4)}, {"reduction": "sum"})
    c.new("%s-nonfinite-none" % p)
    c.add({"input": f32([NAN, INF, -INF, 0]), "target": f32([1, 1, 1, NAN])}, {"reduction": "none"})
    for red in ("none", "mean"):  # the output takes the input's dtype, whatever the target's
        r = c.new("%s-mixed-f32-input-f64-target-%s" % (p, red))
        c.add({"input": r.n(5), "target": f64(r.sign(5))}, {"reduction": red}, grad=["input"])
        r = c.new("%s-mixed-f64-input-f32-target-%s" % (p, red))
        c.add({"input": f64(r.n(5)), "target": r.sign(5)}, {"reduction": red}, grad=["input"])
    c.new("seed-soft-margin")
    c.add({"input": f32([[0.1, 0.2, 0.4, 0.8]]), "target": f32([[1, -1, -1, 1]])}, {})
    for shape in SIZES[1:]:
        r = c.new("%s-size-%s" % (p, _name(shape)))
        c.add({"input": r.n(*shape, scale=2), "target": r.sign(*shape)}, {"reduction": "mean"})
    cid = "%s-big-33x1001-mean-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (33, 1001), -5, 5), "target": G(c, cid, "target", (33, 1001), -1, 1)},
          {"reduction": "mean"}, grad=[])
    cid = "%s-long-mean-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (LONG_N,), -5, 5), "target": G(c, cid, "target", (LONG_N,), -1, 1)},
          {"reduction": "mean"}, grad=[])
    cid = "%s-long-sum-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (2048, 2048), 2, 6), "target": G(c, cid, "target", (2048, 2048), 0.5, 1)},
          {"reduction": "sum"}, grad=[])
    r = c.new("%s-f64-mean" % p)
    c.add({"input": f64(r.g.standard_normal(6) * 3), "target": f64([1, -1, 1, -1, 1, 1])}, {})
    _empty(c, p, lambda: {"input": np.zeros((0,), np.float32), "target": np.zeros((0,), np.float32)})
    r = c.new("%s-err-shape-mismatch" % p)
    c.add({"input": r.n(3, 4), "target": r.sign(3)}, {}, want="error")
    r = c.new("%s-err-reduction-avg" % p)
    c.add({"input": r.n(3), "target": r.sign(3)}, {"reduction": "avg"}, want="error")


# ==========================================================================
# multilabel_soft_margin_loss
# ==========================================================================
def multilabel_soft_margin_loss(c):
    p = "mlsm"
    for red in REDS:
        r = c.new("%s-nc-%s" % (p, red))
        c.add({"input": r.n(4, 5, scale=2), "target": r.bits(4, 5)}, {"reduction": red})
        r = c.new("%s-nc-weight-%s" % (p, red))
        c.add({"input": r.n(4, 5, scale=2), "target": r.bits(4, 5)}, {"weight": r.u(5, lo=0.2, hi=2), "reduction": red})
    r = c.new("%s-defaults" % p)
    c.add({"input": r.n(3, 4), "target": r.bits(3, 4)}, {})
    r = c.new("%s-weight-full-shape-mean" % p)
    c.add({"input": r.n(3, 4), "target": r.bits(3, 4)}, {"weight": r.u(3, 4, lo=0, hi=2)})
    r = c.new("%s-weight-null-sum" % p)
    c.add({"input": r.n(3, 4), "target": r.bits(3, 4)}, {"weight": None, "reduction": "sum"})
    r = c.new("%s-1d-none" % p)  # (C): one sample, output shape ()
    c.add({"input": r.n(6), "target": r.bits(6)}, {"reduction": "none"})
    r = c.new("%s-3d-none" % p)  # class dim is the last one
    c.add({"input": r.n(2, 3, 4), "target": r.bits(2, 3, 4)}, {"reduction": "none", "weight": r.u(4, lo=0.5, hi=2)})
    r = c.new("%s-soft-targets-none" % p)
    c.add({"input": r.n(3, 4), "target": r.u(3, 4)}, {"reduction": "none"})
    c.new("%s-hard-logits-none" % p)
    c.add({"input": f32([[1e4, -1e4, 100, -100], [88, -88, 0, 30]]), "target": f32([[0, 1, 0, 1], [1, 0, 1, 0]])},
          {"reduction": "none"})
    c.new("%s-nonfinite-none" % p)
    c.add({"input": f32([[NAN, 0], [INF, 0], [-INF, 1]]), "target": f32([[1, 0], [1, 0], [0, 1]])}, {"reduction": "none"})
    c.new("seed-multilabel-soft-margin")
    c.add({"input": f32([[0.1, 0.2, 0.4, 0.8]]), "target": f32([[1, 0, 0, 1]])}, {})
    for (n, C) in [(1, 1), (2, 3), (7, 93), (93, 7), (257, 3), (1000, 3)]:
        r = c.new("%s-size-%dx%d" % (p, n, C))
        c.add({"input": r.n(n, C, scale=2), "target": r.bits(n, C)}, {"reduction": "mean"},
              grad=["input"] if n * C >= 600 else None)
    cid = "%s-big-33x1001-weight-mean" % p
    r = c.new(cid)
    c.add({"input": G(c, cid, "input", (33, 1001), -4, 4), "target": G(c, cid, "target", (33, 1001), 0, 1)},
          {"reduction": "mean", "weight": r.u(1001, lo=0.5, hi=2)}, grad=["input"])
    cid = "%s-big-4096x37-none-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (4096, 37), -4, 4), "target": G(c, cid, "target", (4096, 37), 0, 1)},
          {"reduction": "none"}, grad=[])
    cid = "%s-long-65536x64-mean-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (65536, 64), -4, 4), "target": G(c, cid, "target", (65536, 64), 0, 1)},
          {"reduction": "mean"}, grad=[])
    cid = "%s-long-1x4194304-sum-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (1, LONG_N), -4, 4), "target": G(c, cid, "target", (1, LONG_N), 0, 1)},
          {"reduction": "sum"}, grad=[])
    r = c.new("%s-f64-weight-mean" % p)
    c.add({"input": f64(r.g.standard_normal((3, 4))), "target": f64(r.bits(3, 4))}, {"weight": f64(r.g.uniform(0, 2, 4))})
    _empty(c, p, lambda: {"input": np.zeros((0, 3), np.float32), "target": np.zeros((0, 3), np.float32)})
    r = c.new("%s-err-shape-mismatch" % p)
    c.add({"input": r.n(3, 4), "target": r.bits(3, 5)}, {}, want="error")
    r = c.new("%s-err-weight-length" % p)
    c.add({"input": r.n(3, 4), "target": r.bits(3, 4)}, {"weight": r.u(3)}, want="error")
    r = c.new("%s-err-reduction-avg" % p)
    c.add({"input": r.n(3, 4), "target": r.bits(3, 4)}, {"reduction": "avg"}, want="error")


# ==========================================================================
# multi_margin_loss
# ==========================================================================
def multi_margin_loss(c):
    p = "mm"
    c.new("seed-multi-margin-0.325")
    c.add({"input": f32([[0.1, 0.2, 0.4, 0.8]]), "target": i64([3])}, {})
    for pp in (1, 2):
        for red in REDS:
            r = c.new("%s-p%d-%s" % (p, pp, red))
            c.add({"input": r.n(5, 4), "target": r.i(0, 4, 5)}, {"p": pp, "reduction": red})
            r = c.new("%s-p%d-weight-margin-%s" % (p, pp, red))
            c.add({"input": r.n(5, 4), "target": r.i(0, 4, 5)},
                  {"p": pp, "margin": 0.7, "weight": r.u(4, lo=0.2, hi=2), "reduction": red})
    for margin in (0.0, 2.0, -0.5):
        r = c.new("%s-margin%g-mean" % (p, margin))
        c.add({"input": r.n(5, 4), "target": r.i(0, 4, 5)}, {"margin": margin})
    r = c.new("%s-unbatched-scalar-target-none" % p)
    c.add({"input": r.n(5), "target": i64(2)}, {"reduction": "none"})
    r = c.new("%s-unbatched-1-target-p2-mean" % p)
    c.add({"input": r.n(5), "target": i64([4])}, {"p": 2, "reduction": "mean"})
    c.new("%s-ties-none" % p)  # margin - (x_y - x_i) exactly 0
    c.add({"input": f32([[1, 0, 0.5], [2, 1, 1]]), "target": i64([0, 0])}, {"reduction": "none"})
    c.new("%s-C1-none" % p)
    c.add({"input": f32([[0.5], [-1]]), "target": i64([0, 0])}, {"reduction": "none"})
    c.new("%s-nonfinite-none" % p)
    c.add({"input": f32([[NAN, 0, 1], [INF, 0, 1], [0, INF, 1]]), "target": i64([1, 0, 0])}, {"reduction": "none"})
    for (n, C) in [(1, 2), (2, 3), (7, 93), (93, 7), (257, 3), (1000, 3)]:
        r = c.new("%s-size-%dx%d" % (p, n, C))
        c.add({"input": r.n(n, C), "target": r.i(0, C, n)}, {"reduction": "mean", "p": 1 + (n % 2)})
    cid = "%s-big-33x1001-p2-weight-mean" % p
    r = c.new(cid)
    c.add({"input": G(c, cid, "input", (33, 1001), -1, 1), "target": GI(c, cid, "target", (33,), 0, 1001)},
          {"reduction": "mean", "p": 2, "weight": r.u(1001, lo=0.5, hi=2)})
    cid = "%s-big-4096x37-sum-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (4096, 37), -1, 1), "target": GI(c, cid, "target", (4096,), 0, 37)},
          {"reduction": "sum"}, grad=[])
    cid = "%s-long-65536x64-mean-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (65536, 64), -1, 1), "target": GI(c, cid, "target", (65536,), 0, 64)},
          {"reduction": "mean", "margin": 0.5}, grad=[])
    r = c.new("%s-f64-p2-mean" % p)
    c.add({"input": f64(r.g.standard_normal((3, 4))), "target": i64([0, 3, 1])}, {"p": 2, "weight": f64([1, 2, 3, 4])})
    c.new("%s-empty-none" % p)  # mean/sum of an empty batch read uninitialised memory in torch 1.13
    c.add({"input": np.zeros((0, 4), np.float32), "target": np.zeros((0,), np.int64)}, {"reduction": "none"})
    r = c.new("%s-err-p3" % p)
    c.add({"input": r.n(3, 4), "target": i64([0, 1, 2])}, {"p": 3}, want="error")
    r = c.new("%s-err-target-equals-C" % p)
    c.add({"input": r.n(3, 4), "target": i64([0, 1, 4])}, {}, want="error")
    r = c.new("%s-err-target-negative" % p)
    c.add({"input": r.n(3, 4), "target": i64([0, -1, 2])}, {}, want="error")
    r = c.new("%s-err-batch-mismatch" % p)
    c.add({"input": r.n(3, 4), "target": i64([0, 1])}, {}, want="error")
    r = c.new("%s-err-3d-input" % p)
    c.add({"input": r.n(2, 3, 4), "target": i64([0, 1])}, {}, want="error")
    r = c.new("%s-err-float-target" % p)
    c.add({"input": r.n(3, 4), "target": f32([0, 1, 2])}, {}, want="error")
    r = c.new("%s-err-reduction-avg" % p)
    c.add({"input": r.n(3, 4), "target": i64([0, 1, 2])}, {"reduction": "avg"}, want="error")


# ==========================================================================
# triplet_margin_loss
# ==========================================================================
def _apn(r, *shape, scale=1.0):
    return {"anchor": r.n(*shape, scale=scale), "positive": r.n(*shape, scale=scale),
            "negative": r.n(*shape, scale=scale)}


def triplet_margin_loss(c):
    p = "trip"
    for red in REDS:
        r = c.new("%s-nd-%s" % (p, red))
        c.add(_apn(r, 5, 4), {"reduction": red})
        r = c.new("%s-nd-swap-p1-%s" % (p, red))
        c.add(_apn(r, 5, 4), {"reduction": red, "swap": True, "p": 1.0})
        r = c.new("%s-unbatched-%s" % (p, red))
        c.add(_apn(r, 6), {"reduction": red, "margin": 0.5})
    r = c.new("%s-defaults" % p)
    c.add(_apn(r, 3, 4), {})
    for pp in (1.0, 2.0, 3.0, 1.5):
        for swap in (False, True):
            r = c.new("%s-p%g-swap%s-none" % (p, pp, "T" if swap else "F"))
            c.add(_apn(r, 4, 5), {"p": pp, "swap": swap, "reduction": "none", "margin": 1.5})
    for margin in (0.0, 2.0, -0.5):
        r = c.new("%s-margin%g-mean" % (p, margin))
        c.add(_apn(r, 4, 3), {"margin": margin})
    for eps in (0.0, 1e-3):
        r = c.new("%s-eps%g-none" % (p, eps))
        c.add(_apn(r, 4, 3), {"eps": eps, "reduction": "none"})
    r = c.new("%s-identical-anchor-positive-none" % p)  # distance is ||eps||: eps matters
    a = r.n(3, 4)
    c.add({"anchor": a, "positive": a.copy(), "negative": r.n(3, 4)}, {"reduction": "none"})
    r = c.new("%s-identical-all-eps0-none" % p)  # zero distances with eps 0: gradient of a norm at 0
    a = r.n(2, 3)
    c.add({"anchor": a, "positive": a.copy(), "negative": a.copy()}, {"reduction": "none", "eps": 0.0})
    r = c.new("%s-3d-inputs-none" % p)  # distance over the last dimension
    c.add(_apn(r, 2, 3, 4), {"reduction": "none"})
    r = c.new("%s-D1-sum" % p)
    c.add(_apn(r, 5, 1), {"reduction": "sum", "p": 1.0})
    c.new("%s-nonfinite-none" % p)
    c.add({"anchor": f32([[NAN, 0], [INF, 0], [0, 0]]), "positive": f32([[0, 0], [0, 0], [1, 1]]),
           "negative": f32([[1, 1], [1, 1], [INF, 0]])}, {"reduction": "none"})
    cid = "seed-triplet-100x128-mean"
    c.new(cid)
    c.add({k: G(c, cid, k, (100, 128), -2, 2) for k in ("anchor", "positive", "negative")},
          {"margin": 1.0, "p": 2.0}, grad=[])
    for (n, d) in [(1, 1), (2, 3), (7, 93), (93, 7), (257, 3), (3, 1000)]:
        r = c.new("%s-size-%dx%d" % (p, n, d))
        c.add(_apn(r, n, d), {"reduction": "mean", "swap": n % 2 == 1},
              grad=["anchor"] if n * d >= 600 else None)
    cid = "%s-big-33x1001-swap-mean" % p
    c.new(cid)
    c.add({k: G(c, cid, k, (33, 1001), -1, 1) for k in ("anchor", "positive", "negative")},
          {"reduction": "mean", "swap": True, "margin": 0.5}, grad=["anchor"])
    cid = "%s-long-4096x1024-mean-nograd" % p
    c.new(cid)
    c.add({k: G(c, cid, k, (4096, 1024), -1, 1) for k in ("anchor", "positive", "negative")},
          {"reduction": "mean", "margin": 0.2}, grad=[])
    cid = "%s-long-65536x64-p1-sum-nograd" % p
    c.new(cid)
    c.add({k: G(c, cid, k, (65536, 64), -1, 1) for k in ("anchor", "positive", "negative")},
          {"reduction": "sum", "p": 1.0, "swap": True}, grad=[])
    r = c.new("%s-f64-mean" % p)
    c.add({k: f64(r.g.standard_normal((3, 4))) for k in ("anchor", "positive", "negative")}, {"p": 3.0})
    _empty(c, p, lambda: {k: np.zeros((0, 3), np.float32) for k in ("anchor", "positive", "negative")})
    r = c.new("%s-err-dims-differ" % p)
    c.add({"anchor": r.n(2, 4), "positive": r.n(4), "negative": r.n(2, 4)}, {}, want="error")
    r = c.new("%s-err-shape-mismatch" % p)
    c.add({"anchor": r.n(2, 4), "positive": r.n(2, 5), "negative": r.n(2, 4)}, {}, want="error")
    r = c.new("%s-err-reduction-avg" % p)
    c.add(_apn(r, 2, 4), {"reduction": "avg"}, want="error")


# ==========================================================================
# triplet_margin_with_distance_loss
# ==========================================================================
def triplet_margin_with_distance_loss(c):
    p = "tripd"
    for dist in ("pairwise_distance", "cosine_distance"):
        for swap in (False, True):
            for red in REDS:
                r = c.new("%s-%s-swap%s-%s" % (p, dist, "T" if swap else "F", red))
                c.add(_apn(r, 5, 4), {"distance_function": dist, "swap": swap, "reduction": red})
        r = c.new("%s-%s-unbatched-none" % (p, dist))
        c.add(_apn(r, 6), {"distance_function": dist, "reduction": "none", "margin": 0.5})
        r = c.new("%s-%s-unbatched-swap-mean" % (p, dist))
        c.add(_apn(r, 6), {"distance_function": dist, "swap": True, "margin": 0.5})
        for margin in (0.5, 2.0):
            r = c.new("%s-%s-margin%g-sum" % (p, dist, margin))
            c.add(_apn(r, 4, 3), {"distance_function": dist, "margin": margin, "reduction": "sum"})
        # torch 1.13 accepts margin <= 0 (later versions reject it)
        for margin in (0.0, -0.5):
            r = c.new("%s-%s-torch113-accepts-margin%g-none" % (p, dist, margin))
            c.add(_apn(r, 4, 3), {"distance_function": dist, "margin": margin, "reduction": "none"})
    r = c.new("%s-defaults" % p)
    c.add(_apn(r, 3, 4), {})
    r = c.new("%s-default-distance-swap-none" % p)
    c.add(_apn(r, 3, 4), {"swap": True, "reduction": "none"})
    r = c.new("%s-distance-null-mean" % p)
    c.add(_apn(r, 3, 4), {"distance_function": None})
    r = c.new("%s-cosine-3d-none" % p)
    c.add(_apn(r, 2, 3, 4), {"distance_function": "cosine_distance", "reduction": "none"})
    r = c.new("%s-pairwise-identical-none" % p)  # pairwise_distance adds eps=1e-6
    a = r.n(3, 4)
    c.add({"anchor": a, "positive": a.copy(), "negative": r.n(3, 4)}, {"reduction": "none"})
    r = c.new("%s-cosine-parallel-none" % p)
    a = r.n(3, 4)
    c.add({"anchor": a, "positive": a * 2, "negative": -a}, {"distance_function": "cosine_distance", "reduction": "none"})
    r = c.new("%s-cosine-zero-vector-none" % p)  # cosine_similarity clamps each norm at eps=1e-8
    c.add({"anchor": np.zeros((2, 4), np.float32), "positive": r.n(2, 4), "negative": r.n(2, 4)},
          {"distance_function": "cosine_distance", "reduction": "none"})
    # an anchor row of norm 2e-10 < eps: torch 1.13 clamps the norm in place, unrecorded by autograd,
    # so the gradient keeps the cos * x / c term (d c / d x = x / c) where the norm is clamped
    for dt, cast in (("f32", f32), ("f64", f64)):
        r = c.new("%s-cosine-degenerate-anchor-norm2e-10-%s-sum" % (p, dt))
        c.add({"anchor": cast([[2e-10, 0, 0, 0], [0.5, -1, 0.2, 0.3]]), "positive": cast(r.n(2, 4)), "negative": cast(r.n(2, 4))},
              {"distance_function": "cosine_distance", "reduction": "sum"})
    c.new("%s-nonfinite-none" % p)
    c.add({"anchor": f32([[NAN, 0], [INF, 0], [0, 1]]), "positive": f32([[0, 0], [0, 0], [1, 1]]),
           "negative": f32([[1, 1], [1, 1], [INF, 0]])}, {"reduction": "none"})
    for (n, d) in [(1, 1), (2, 3), (7, 93), (93, 7), (257, 3), (3, 1000)]:
        r = c.new("%s-size-%dx%d" % (p, n, d))
        dist = "cosine_distance" if n % 2 else "pairwise_distance"
        c.add(_apn(r, n, d), {"reduction": "mean", "distance_function": dist},
              grad=["anchor"] if n * d >= 600 else None)
    for dist in ("pairwise_distance", "cosine_distance"):
        cid = "%s-big-33x1001-%s-mean" % (p, dist)
        c.new(cid)
        c.add({k: G(c, cid, k, (33, 1001), -1, 1) for k in ("anchor", "positive", "negative")},
              {"reduction": "mean", "distance_function": dist, "swap": True, "margin": 0.1}, grad=["anchor"])
        cid = "%s-long-4096x1024-%s-mean-nograd" % (p, dist)
        c.new(cid)
        c.add({k: G(c, cid, k, (4096, 1024), -1, 1) for k in ("anchor", "positive", "negative")},
              {"reduction": "mean", "distance_function": dist, "margin": 0.05}, grad=[])
    r = c.new("%s-f64-cosine-mean" % p)
    c.add({k: f64(r.g.standard_normal((3, 4))) for k in ("anchor", "positive", "negative")},
          {"distance_function": "cosine_distance", "swap": True})
    _empty(c, p, lambda: {k: np.zeros((0, 3), np.float32) for k in ("anchor", "positive", "negative")})
    r = c.new("%s-err-shape-mismatch" % p)
    c.add({"anchor": r.n(2, 4), "positive": r.n(2, 5), "negative": r.n(2, 4)}, {}, want="error")
    r = c.new("%s-err-cosine-shape-mismatch" % p)
    c.add({"anchor": r.n(2, 4), "positive": r.n(3, 4), "negative": r.n(2, 4)},
          {"distance_function": "cosine_distance"}, want="error")
    r = c.new("%s-err-reduction-avg" % p)
    c.add(_apn(r, 2, 4), {"reduction": "avg"}, want="error")


BUILDERS = {
    "poisson_nll_loss": poisson_nll_loss,
    "gaussian_nll_loss": gaussian_nll_loss,
    "margin_ranking_loss": margin_ranking_loss,
    "hinge_embedding_loss": hinge_embedding_loss,
    "multilabel_margin_loss": multilabel_margin_loss,
    "huber_loss": huber_loss,
    "smooth_l1_loss": smooth_l1_loss,
    "soft_margin_loss": soft_margin_loss,
    "multilabel_soft_margin_loss": multilabel_soft_margin_loss,
    "multi_margin_loss": multi_margin_loss,
    "triplet_margin_loss": triplet_margin_loss,
    "triplet_margin_with_distance_loss": triplet_margin_with_distance_loss,
}
