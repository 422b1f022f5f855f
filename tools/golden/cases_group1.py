"""Group 1 cases: cross_entropy, nll_loss, kl_div, binary_cross_entropy,
binary_cross_entropy_with_logits, cosine_embedding_loss, entropy, l1_loss,
mse_loss."""
import numpy as np

from goldenlib import Generated, f32, f64, i64, seed_of

REDS = ["none", "mean", "sum"]
NAN, INF = float("nan"), float("inf")
LONG_N = 4194304  # 2**22 elements for the long-reduction cases


def G(c, cid, name, shape, low, high, dtype="float32"):
    """Generated float input (splitmix64 spec) with a seed derived from the case."""
    return Generated(shape, seed_of(c.loss, cid, name), low=low, high=high, dtype=dtype)


def GI(c, cid, name, shape, lo, hi):
    return Generated(shape, seed_of(c.loss, cid, name), int_low=lo, int_high=hi)


def idx_with(r, C, shape, special, frac=0.3):
    """Class indices in [0, C) with about `frac` of them replaced by `special`."""
    t = r.i(0, C, *shape)
    m = r.u(*shape) < frac
    t = np.where(m, special, t).astype(np.int64)
    return np.asarray(t, dtype=np.int64)


# ==========================================================================
# cross_entropy
# ==========================================================================
CE_SHAPES = {  # name: (input shape, class-index target shape)
    "unbatched": ((5,), ()),
    "nc": ((4, 5), (4,)),
    "ncd": ((2, 3, 5), (2, 5)),
    "ncdd": ((2, 3, 4, 5), (2, 4, 5)),
    "ncddd": ((2, 3, 2, 2, 3), (2, 2, 2, 3)),
}


def _cdim(ish):
    return ish[0] if len(ish) == 1 else ish[1]


def cross_entropy(c):
    # ---- class-index targets: every shape x reduction x option combination
    for sname, (ish, tsh) in CE_SHAPES.items():
        C = _cdim(ish)
        full = sname in ("unbatched", "nc", "ncdd")
        for red in REDS:
            cid = "ce-idx-%s-%s" % (sname, red)
            r = c.new(cid)
            c.add({"input": r.n(*ish), "target": r.i(0, C, *tsh)}, {"reduction": red})

            cid = "ce-idx-%s-all-options-%s" % (sname, red)
            r = c.new(cid)
            c.add({"input": r.n(*ish, scale=2), "target": idx_with(r, C, tsh, 2)},
                  {"weight": r.u(C, lo=0.2, hi=2.0), "ignore_index": 2, "reduction": red,
                   "label_smoothing": 0.25})
            if sname == "ncddd":
                continue
            cid = "ce-idx-%s-weight-%s" % (sname, red)
            r = c.new(cid)
            c.add({"input": r.n(*ish), "target": r.i(0, C, *tsh)},
                  {"weight": r.u(C, lo=0.1, hi=3.0), "reduction": red})
            if not full:
                continue
            cid = "ce-idx-%s-ignore-default-%s" % (sname, red)
            r = c.new(cid)
            tgt = idx_with(r, C, tsh, -100) if tsh else i64(3)
            c.add({"input": r.n(*ish), "target": tgt}, {"ignore_index": -100, "reduction": red})

            cid = "ce-idx-%s-ignore2-%s" % (sname, red)
            r = c.new(cid)
            tgt = idx_with(r, C, tsh, 2) if tsh else i64(2)
            c.add({"input": r.n(*ish), "target": tgt}, {"ignore_index": 2, "reduction": red})

            cid = "ce-idx-%s-smoothing-%s" % (sname, red)
            r = c.new(cid)
            c.add({"input": r.n(*ish), "target": r.i(0, C, *tsh)},
                  {"label_smoothing": 0.1, "reduction": red})

            cid = "ce-idx-%s-weight-smoothing-%s" % (sname, red)
            r = c.new(cid)
            c.add({"input": r.n(*ish), "target": r.i(0, C, *tsh)},
                  {"weight": r.u(C, lo=0.1, hi=3.0), "label_smoothing": 0.3, "reduction": red})

    # defaults: no options at all; explicit nulls
    r = c.new("ce-idx-nc-defaults")
    c.add({"input": r.n(3, 4), "target": r.i(0, 4, 3)}, {})
    r = c.new("ce-idx-nc-null-weight")
    c.add({"input": r.n(3, 4), "target": r.i(0, 4, 3)}, {"weight": None, "reduction": "mean"})

    # ---- class-probability targets
    for sname, (ish, _) in CE_SHAPES.items():
        if sname == "ncddd":
            continue
        axis = 0 if len(ish) == 1 else 1
        C = ish[axis]
        for red in REDS:
            cid = "ce-prob-%s-%s" % (sname, red)
            r = c.new(cid)
            c.add({"input": r.n(*ish), "target": r.softmax(*ish, axis=axis)}, {"reduction": red})
            if sname in ("nc", "ncdd"):
                cid = "ce-prob-%s-weight-%s" % (sname, red)
                r = c.new(cid)
                c.add({"input": r.n(*ish), "target": r.softmax(*ish, axis=axis)},
                      {"weight": r.u(C, lo=0.1, hi=3.0), "reduction": red})
                cid = "ce-prob-%s-weight-smoothing-%s" % (sname, red)
                r = c.new(cid)
                c.add({"input": r.n(*ish), "target": r.softmax(*ish, axis=axis)},
                      {"weight": r.u(C, lo=0.1, hi=3.0), "label_smoothing": 0.2, "reduction": red})
        cid = "ce-prob-%s-smoothing-mean" % sname
        r = c.new(cid)
        c.add({"input": r.n(*ish), "target": r.softmax(*ish, axis=axis)},
              {"label_smoothing": 0.15, "reduction": "mean"})
    r = c.new("ce-prob-nc-onehot-mean")
    t = np.eye(6, dtype=np.float32)[r.i(0, 6, 5)]
    c.add({"input": r.n(5, 6), "target": t}, {"reduction": "mean"})
    r = c.new("ce-prob-nc-unnormalized-none")  # torch does not check that rows sum to 1
    c.add({"input": r.n(3, 4), "target": r.u(3, 4, lo=0, hi=2)}, {"reduction": "none"})
    r = c.new("ce-prob-nc-negative-target-none")  # nor that they are >= 0
    c.add({"input": r.n(3, 4), "target": r.u(3, 4, lo=-1, hi=1)}, {"reduction": "none"})
    r = c.new("ce-prob-nc-ignore-index-negative-accepted")  # negative ignore_index is accepted (unused)
    c.add({"input": r.n(3, 4), "target": r.softmax(3, 4)}, {"ignore_index": -5, "reduction": "mean"})
    r = c.new("ce-prob-nc-hard-logits-none")
    x = f32([[1e4, -1e4, 0, 5], [88, -88, 0, 1], [-3e4, 3e4, 1, 2]])
    c.add({"input": x, "target": r.softmax(3, 4)}, {"reduction": "none"})
    r = c.new("ce-prob-nc-neginf-logit-zero-prob-none")  # -inf logit times 0 probability
    x = f32([[-INF, 1, 2, 3], [0, 0, 0, 0]])
    t = f32([[0, 0.2, 0.3, 0.5], [0.25, 0.25, 0.25, 0.25]])
    c.add({"input": x, "target": t}, {"reduction": "none"})
    r = c.new("ce-prob-nc-neginf-logit-with-prob-none")
    x = f32([[-INF, 1, 2, 3]])
    c.add({"input": x, "target": f32([[0.1, 0.2, 0.3, 0.4]])}, {"reduction": "none"})

    # ---- all targets ignored / zero total weight
    for red in REDS:
        r = c.new("ce-all-ignored-%s" % red)
        c.add({"input": r.n(3, 4), "target": i64([-100, -100, -100])}, {"reduction": red})
    r = c.new("ce-all-ignored-weight-mean")
    c.add({"input": r.n(3, 4), "target": i64([1, 1, 1])},
          {"weight": r.u(4, lo=0.5, hi=1.5), "ignore_index": 1, "reduction": "mean"})
    r = c.new("ce-all-ignored-smoothing-mean")
    c.add({"input": r.n(3, 4), "target": i64([-100, -100, -100])}, {"label_smoothing": 0.2})
    r = c.new("ce-all-ignored-smoothing-sum")
    c.add({"input": r.n(3, 4), "target": i64([-100, -100, -100])},
          {"label_smoothing": 0.2, "reduction": "sum"})
    r = c.new("ce-all-ignored-ncdd-mean")
    c.add({"input": r.n(2, 3, 2, 2), "target": np.full((2, 2, 2), 2, np.int64)}, {"ignore_index": 2})
    r = c.new("ce-all-ignored-unbatched-mean")
    c.add({"input": r.n(4), "target": i64(-100)}, {"reduction": "mean"})
    r = c.new("ce-zero-total-weight-mean")
    c.add({"input": r.n(3, 4), "target": i64([0, 1, 0])},
          {"weight": f32([0, 0, 1, 1]), "reduction": "mean"})
    r = c.new("ce-zero-total-weight-smoothing-mean")
    c.add({"input": r.n(3, 4), "target": i64([0, 1, 0])},
          {"weight": f32([0, 0, 1, 1]), "label_smoothing": 0.1, "reduction": "mean"})
    r = c.new("ce-ignore-index-above-classes")  # ignore_index >= C, targets equal to it ignored
    c.add({"input": r.n(4, 5), "target": i64([5, 1, 5, 4])}, {"ignore_index": 5, "reduction": "mean"})
    r = c.new("ce-ignore-index-minus1")
    c.add({"input": r.n(4, 5), "target": i64([-1, 1, 0, -1])},
          {"ignore_index": -1, "label_smoothing": 0.1, "reduction": "mean"})
    r = c.new("ce-ignore-index-is-valid-class-weighted-sum")
    c.add({"input": r.n(6, 3), "target": i64([0, 1, 2, 0, 1, 2])},
          {"ignore_index": 0, "weight": f32([5, 1, 0.5]), "reduction": "sum"})

    # ---- label_smoothing edge values
    for ls in (1.0, 0.0):
        r = c.new("ce-smoothing-%g" % ls)
        c.add({"input": r.n(4, 5), "target": r.i(0, 5, 4)}, {"label_smoothing": ls, "reduction": "none"})
    r = c.new("ce-smoothing-negative-accepted")  # torch 1.13 silently accepts negative smoothing (acts as 0)
    c.add({"input": r.n(4, 5), "target": r.i(0, 5, 4)}, {"label_smoothing": -0.1, "reduction": "mean"})

    # ---- hard logits
    x = f32([[1e4, -1e4, 0, 5], [88, -88, 0, 1], [-88, 88, -88, 88], [3e4, -3e4, 0, 1e4],
             [7, 7, 7, 7], [-1e4, 1e4, 0, 0], [1e30, -1e30, 0, 0], [0, 0, 0, -3e38]])
    t = i64([1, 1, 0, 1, 2, 1, 1, 3])
    for red in REDS:
        c.new("ce-hard-logits-%s" % red)
        c.add({"input": x, "target": t}, {"reduction": red})
    c.new("ce-hard-logits-weight-smoothing-mean")
    c.add({"input": x, "target": t},
          {"weight": f32([1, 2, 0.5, 3]), "label_smoothing": 0.1, "reduction": "mean"})
    r = c.new("ce-large-spread-ncdd-none")
    xx = r.n(2, 4, 3, 3, scale=1e3)
    c.add({"input": xx, "target": r.i(0, 4, 2, 3, 3)}, {"reduction": "none", "label_smoothing": 0.05})

    # ---- non-finite inputs
    x = f32([[-INF, 1, 2, 3], [1, -INF, 2, 3], [INF, 1, 2, 3], [NAN, 1, 2, 3], [1, 2, 3, 4]])
    t = i64([1, 1, 1, 1, 0])
    for red in ("none", "mean"):
        c.new("ce-nonfinite-%s" % red)
        c.add({"input": x, "target": t}, {"reduction": red})
    c.new("ce-nonfinite-neginf-nontarget-smoothing-none")  # smoothing makes -inf logits count
    c.add({"input": f32([[-INF, 1, 2, 3], [0, 1, 2, 3]]), "target": i64([1, 2])},
          {"label_smoothing": 0.1, "reduction": "none"})
    c.new("ce-nonfinite-nan-ignored-row-mean")  # NaN in an ignored row
    c.add({"input": f32([[NAN, 1, 2], [0, 1, 2]]), "target": i64([-100, 2])}, {"reduction": "mean"})

    # ---- tiny and odd sizes
    for (n, C) in [(1, 1), (3, 1), (1, 2), (2, 3), (7, 93), (93, 7), (257, 3), (1000, 3), (3, 1000)]:
        cid = "ce-size-%dx%d" % (n, C)
        r = c.new(cid)
        c.add({"input": r.n(n, C, scale=2), "target": r.i(0, C, n)}, {"reduction": "mean"})
    r = c.new("ce-size-257x3-all-options-sum")
    c.add({"input": r.n(257, 3), "target": idx_with(r, 3, (257,), -100)},
          {"weight": r.u(3, lo=0.5, hi=2), "label_smoothing": 0.1, "reduction": "sum"})
    r = c.new("ce-size-5x3x17x19-weight-mean")
    c.add({"input": r.n(5, 3, 17, 19), "target": idx_with(r, 3, (5, 17, 19), -100, 0.1)},
          {"weight": f32([0.3, 1, 2])})

    # ---- bigger than a work-group (generated inputs)
    cid = "ce-big-33x1001-mean"
    c.new(cid)
    c.add({"input": G(c, cid, "input", (33, 1001), -4, 4), "target": GI(c, cid, "target", (33,), 0, 1001)},
          {"reduction": "mean"})
    cid = "ce-big-300x129-all-options-mean"
    r = c.new(cid)
    c.add({"input": G(c, cid, "input", (300, 129), -5, 5),
           "target": idx_with(r, 129, (300,), 7, 0.05)},
          {"weight": r.u(129, lo=0.1, hi=2), "ignore_index": 7, "label_smoothing": 0.1, "reduction": "mean"})
    cid = "ce-big-512x1000-mean-nograd"
    c.new(cid)
    c.add({"input": G(c, cid, "input", (512, 1000), -6, 6), "target": GI(c, cid, "target", (512,), 0, 1000)},
          {"reduction": "mean"}, grad=[])
    cid = "ce-big-512x1000-prob-smoothing-sum-nograd"
    c.new(cid)
    c.add({"input": G(c, cid, "input", (512, 1000), -6, 6), "target": G(c, cid, "target", (512, 1000), 0, 0.002)},
          {"reduction": "sum", "label_smoothing": 0.1}, grad=[])
    for red in REDS:
        cid = "ce-big-4096x37-%s-nograd" % red
        r = c.new(cid)
        c.add({"input": G(c, cid, "input", (4096, 37), -3, 3), "target": GI(c, cid, "target", (4096,), 0, 37)},
              {"reduction": red, "weight": r.u(37, lo=0.5, hi=1.5)}, grad=[])
    cid = "ce-big-4096x37-ignore-smoothing-mean"
    c.new(cid)
    c.add({"input": G(c, cid, "input", (4096, 37), -3, 3), "target": GI(c, cid, "target", (4096,), -1, 37)},
          {"reduction": "mean", "ignore_index": -1, "label_smoothing": 0.2}, grad=[])
    cid = "ce-vocab-1x32000-mean"
    c.new(cid)
    c.add({"input": G(c, cid, "input", (1, 32000), -10, 10), "target": i64([31999])}, {"reduction": "mean"})
    cid = "ce-vocab-8x32000-smoothing-mean-nograd"
    c.new(cid)
    c.add({"input": G(c, cid, "input", (8, 32000), -10, 10), "target": i64([0, 5, 31999, 17, 123, 4000, -100, 9])},
          {"reduction": "mean", "label_smoothing": 0.1}, grad=[])
    # long reductions: mean over 65536 rows
    cid = "ce-long-65536x64-mean-nograd"
    c.new(cid)
    c.add({"input": G(c, cid, "input", (65536, 64), -8, 8), "target": GI(c, cid, "target", (65536,), 0, 64)},
          {"reduction": "mean"}, grad=[])
    cid = "ce-long-16x7x256x128-ignore-weight-mean-nograd"
    r = c.new(cid)
    c.add({"input": G(c, cid, "input", (16, 7, 256, 128), -8, 8),
           "target": GI(c, cid, "target", (16, 256, 128), -1, 7)},
          {"reduction": "mean", "ignore_index": -1, "weight": r.u(7, lo=0.5, hi=2)}, grad=[])

    # ---- float64 inputs
    r = c.new("ce-f64-nc-all-options-mean")
    c.add({"input": f64(r.g.standard_normal((5, 4))), "target": i64([0, 3, -100, 2, 1])},
          {"weight": f64(r.g.uniform(0.5, 2, 4)), "label_smoothing": 0.1, "reduction": "mean"})
    r = c.new("ce-f64-ncdd-none")
    c.add({"input": f64(r.g.standard_normal((2, 3, 2, 4))), "target": r.i(0, 3, 2, 2, 4)}, {"reduction": "none"})
    r = c.new("ce-f64-prob-nc-sum")
    c.add({"input": f64(r.g.standard_normal((3, 5))), "target": f64(r.softmax(3, 5))}, {"reduction": "sum"})

    # ---- empty batch
    for red in REDS:
        r = c.new("ce-empty-batch-%s" % red)
        c.add({"input": np.zeros((0, 5), np.float32), "target": np.zeros((0,), np.int64)}, {"reduction": red})
    r = c.new("ce-empty-batch-prob-mean")
    c.add({"input": np.zeros((0, 5), np.float32), "target": np.zeros((0, 5), np.float32)}, {"reduction": "mean"})
    r = c.new("ce-empty-spatial-mean")
    c.add({"input": np.zeros((2, 3, 0), np.float32), "target": np.zeros((2, 0), np.int64)}, {"reduction": "mean"})

    # ---- seeds (hand examples from the notes)
    x = np.full((2, 3), 0.5, np.float32)
    c.new("seed-ce-uniform-1.0986")
    c.add({"input": x, "target": i64([0, 1])}, {"reduction": "none"})
    c.new("seed-ce-weight-0.6592-0.2197")
    c.add({"input": x, "target": i64([0, 1])}, {"weight": f32([0.6, 0.2, 0.2]), "reduction": "none"})
    c.new("seed-ce-ignore1")
    c.add({"input": np.full((3, 3), 0.5, np.float32), "target": i64([0, 1, 2])},
          {"ignore_index": 1, "reduction": "none"})

    # ---- errors (all messages are torch's own)
    r = c.new("ce-err-target-equals-C")
    c.add({"input": r.n(3, 5), "target": i64([0, 5, 1])}, {}, want="error")
    r = c.new("ce-err-target-negative")
    c.add({"input": r.n(3, 5), "target": i64([0, -1, 1])}, {}, want="error")
    r = c.new("ce-err-target-minus100-with-custom-ignore")
    c.add({"input": r.n(3, 5), "target": i64([0, -100, 1])}, {"ignore_index": 2}, want="error")
    r = c.new("ce-err-target-out-of-range-reduction-none")
    c.add({"input": r.n(3, 5), "target": i64([0, 1, 9])}, {"reduction": "none"}, want="error")
    r = c.new("ce-err-target-out-of-range-kdim")
    c.add({"input": r.n(2, 3, 4), "target": np.full((2, 4), 7, np.int64)}, {}, want="error")
    r = c.new("ce-err-target-out-of-range-unbatched")
    c.add({"input": r.n(5), "target": i64(5)}, {}, want="error")
    r = c.new("ce-err-zero-classes")
    c.add({"input": np.zeros((3, 0), np.float32), "target": i64([0, 0, 0])}, {}, want="error")
    r = c.new("ce-err-batch-mismatch")
    c.add({"input": r.n(3, 4), "target": i64([0, 1])}, {}, want="error")
    r = c.new("ce-err-spatial-mismatch")
    c.add({"input": r.n(2, 3, 4), "target": np.zeros((2, 5), np.int64)}, {}, want="error")
    r = c.new("ce-err-unbatched-target-1d")
    c.add({"input": r.n(4), "target": i64([1])}, {}, want="error")
    r = c.new("ce-err-weight-length")
    c.add({"input": r.n(3, 4), "target": i64([0, 1, 2])}, {"weight": f32([1, 1, 1])}, want="error")
    r = c.new("ce-err-label-smoothing-1.5")
    c.add({"input": r.n(3, 4), "target": i64([0, 1, 2])}, {"label_smoothing": 1.5}, want="error")
    r = c.new("ce-err-float-target-wrong-shape")
    c.add({"input": r.n(3, 4), "target": r.u(3)}, {}, want="error")
    r = c.new("ce-err-int-target-input-shape")
    c.add({"input": r.n(3, 4), "target": np.zeros((3, 4), np.int64)}, {}, want="error")
    r = c.new("ce-err-scalar-input")
    c.add({"input": f32(1.0), "target": i64(0)}, {}, want="error")
    r = c.new("ce-err-prob-target-ignore-index")
    c.add({"input": r.n(3, 4), "target": r.softmax(3, 4)}, {"ignore_index": 2}, want="error")
    for bad in ("avg", "batchmean"):
        r = c.new("ce-err-reduction-%s" % bad)
        c.add({"input": r.n(3, 4), "target": i64([0, 1, 2])}, {"reduction": bad}, want="error")


# ==========================================================================
# nll_loss
# ==========================================================================
def nll_loss(c):
    for sname, (ish, tsh) in CE_SHAPES.items():
        C = _cdim(ish)
        axis = 0 if len(ish) == 1 else 1
        for red in REDS:
            cid = "nll-%s-%s" % (sname, red)
            r = c.new(cid)
            c.add({"input": r.log_softmax(*ish, axis=axis), "target": r.i(0, C, *tsh)}, {"reduction": red})
            if sname == "ncddd":
                continue
            cid = "nll-%s-weight-ignore2-%s" % (sname, red)
            r = c.new(cid)
            tgt = idx_with(r, C, tsh, 2) if tsh else i64(1)
            c.add({"input": r.log_softmax(*ish, axis=axis), "target": tgt},
                  {"weight": r.u(C, lo=0.2, hi=2), "ignore_index": 2, "reduction": red})
            if sname in ("nc", "ncdd"):
                cid = "nll-%s-weight-%s" % (sname, red)
                r = c.new(cid)
                c.add({"input": r.n(*ish), "target": r.i(0, C, *tsh)},
                      {"weight": r.u(C, lo=0.2, hi=2), "reduction": red})
                cid = "nll-%s-ignore-default-%s" % (sname, red)
                r = c.new(cid)
                c.add({"input": r.n(*ish), "target": idx_with(r, C, tsh, -100)},
                      {"ignore_index": -100, "reduction": red})
    r = c.new("nll-defaults")
    c.add({"input": r.log_softmax(4, 3), "target": r.i(0, 3, 4)}, {})
    r = c.new("nll-unbatched-ignored-mean")
    c.add({"input": r.log_softmax(4), "target": i64(-100)}, {"reduction": "mean"})
    for red in REDS:
        r = c.new("nll-all-ignored-%s" % red)
        c.add({"input": r.log_softmax(3, 4), "target": i64([-100, -100, -100])}, {"reduction": red})
    r = c.new("nll-all-ignored-weight-mean")
    c.add({"input": r.log_softmax(3, 4), "target": i64([2, 2, 2])},
          {"weight": r.u(4, lo=0.5, hi=1), "ignore_index": 2, "reduction": "mean"})
    r = c.new("nll-zero-total-weight-mean")
    c.add({"input": r.log_softmax(3, 4), "target": i64([0, 1, 2])}, {"weight": f32([0, 0, 0, 1])})
    r = c.new("nll-zero-total-weight-ncdd-mean")
    c.add({"input": r.log_softmax(2, 3, 2, 2, axis=1), "target": np.zeros((2, 2, 2), np.int64)},
          {"weight": f32([0, 1, 1])})
    r = c.new("nll-ignore-index-above-classes")
    c.add({"input": r.log_softmax(4, 5), "target": i64([5, 1, 5, 4])}, {"ignore_index": 5})
    r = c.new("nll-ignore-index-minus1-sum")
    c.add({"input": r.log_softmax(4, 5), "target": i64([-1, 1, 0, -1])}, {"ignore_index": -1, "reduction": "sum"})
    # values are picked, not transformed: positive, huge, non-finite
    c.new("nll-nonfinite-none")
    c.add({"input": f32([[-INF, 0, 1], [NAN, 0, 1], [INF, 2, 3], [1e30, -1e30, 5], [-3e38, 3e38, 0]]),
           "target": i64([0, 0, 1, 1, 0])}, {"reduction": "none"})
    c.new("nll-nonfinite-mean")
    c.add({"input": f32([[-INF, 0, 1], [0.5, 0, 1]]), "target": i64([0, 2])}, {"reduction": "mean"})
    c.new("nll-nan-in-unpicked-mean")
    c.add({"input": f32([[NAN, 0, 1], [0.5, NAN, 1]]), "target": i64([1, 2])}, {"reduction": "mean"})
    # seeds
    x = f32([[0.6, 0.2, 0.2], [0.4, 1.2, 0.4]])
    c.new("seed-nll-none--0.6--1.2")
    c.add({"input": x, "target": i64([0, 1])}, {"reduction": "none"})
    c.new("seed-nll-weight-mean--0.75")
    c.add({"input": x, "target": i64([0, 1])}, {"weight": f32([0.6, 0.2, 0.2]), "reduction": "mean"})
    # sizes
    for (n, C) in [(1, 1), (1, 2), (2, 3), (7, 93), (93, 7), (257, 3), (1000, 3)]:
        r = c.new("nll-size-%dx%d" % (n, C))
        c.add({"input": r.log_softmax(n, C), "target": r.i(0, C, n)}, {"reduction": "mean"})
    r = c.new("nll-size-4x5x13x31-weight-ignore-mean")
    c.add({"input": r.log_softmax(4, 5, 13, 31, axis=1), "target": idx_with(r, 5, (4, 13, 31), -100, 0.1)},
          {"weight": r.u(5, lo=0.5, hi=2)})
    cid = "nll-big-33x1001-weight-mean"
    r = c.new(cid)
    c.add({"input": G(c, cid, "input", (33, 1001), -10, 0), "target": GI(c, cid, "target", (33,), 0, 1001)},
          {"weight": r.u(1001, lo=0.5, hi=2)})
    for red in REDS:
        cid = "nll-big-4096x37-%s-nograd" % red
        c.new(cid)
        c.add({"input": G(c, cid, "input", (4096, 37), -10, 0), "target": GI(c, cid, "target", (4096,), -1, 37)},
              {"reduction": red, "ignore_index": -1}, grad=[])
    cid = "nll-vocab-1x32000-sum"
    c.new(cid)
    c.add({"input": G(c, cid, "input", (1, 32000), -20, 0), "target": i64([12345])}, {"reduction": "sum"})
    cid = "nll-long-65536x64-weight-mean-nograd"
    r = c.new(cid)
    c.add({"input": G(c, cid, "input", (65536, 64), -10, 0), "target": GI(c, cid, "target", (65536,), 0, 64)},
          {"weight": r.u(64, lo=0.1, hi=1)}, grad=[])
    cid = "nll-long-4x3x1024x1024-sum-nograd"
    c.new(cid)
    c.add({"input": G(c, cid, "input", (4, 3, 1024, 1024), -10, 0),
           "target": GI(c, cid, "target", (4, 1024, 1024), 0, 3)}, {"reduction": "sum"}, grad=[])
    # float64
    r = c.new("nll-f64-nc-weight-ignore-mean")
    c.add({"input": f64(r.g.standard_normal((5, 4))), "target": i64([0, 3, -100, 2, 1])},
          {"weight": f64(r.g.uniform(0.5, 2, 4))})
    r = c.new("nll-f64-ncd-none")
    c.add({"input": f64(r.g.standard_normal((2, 3, 4))), "target": r.i(0, 3, 2, 4)}, {"reduction": "none"})
    # empty
    for red in REDS:
        c.new("nll-empty-batch-%s" % red)
        c.add({"input": np.zeros((0, 4), np.float32), "target": np.zeros((0,), np.int64)}, {"reduction": red})
    # errors
    r = c.new("nll-err-target-equals-C")
    c.add({"input": r.n(3, 5), "target": i64([0, 5, 1])}, {}, want="error")
    r = c.new("nll-err-target-negative")
    c.add({"input": r.n(3, 5), "target": i64([0, -2, 1])}, {"reduction": "sum"}, want="error")
    r = c.new("nll-err-target-minus100-custom-ignore")
    c.add({"input": r.n(3, 5), "target": i64([0, -100, 1])}, {"ignore_index": 0}, want="error")
    r = c.new("nll-err-target-out-of-range-kdim")
    c.add({"input": r.n(2, 3, 2, 2), "target": i64([[[0, 1], [2, 3]], [[0, 0], [0, 0]]])}, {}, want="error")
    r = c.new("nll-err-target-out-of-range-unbatched")
    c.add({"input": r.n(5), "target": i64(-1)}, {}, want="error")
    r = c.new("nll-err-batch-mismatch")
    c.add({"input": r.n(3, 4), "target": i64([0, 1, 2, 3])}, {}, want="error")
    r = c.new("nll-err-spatial-mismatch")
    c.add({"input": r.n(2, 3, 4, 4), "target": np.zeros((2, 4, 3), np.int64)}, {}, want="error")
    r = c.new("nll-err-weight-length")
    c.add({"input": r.n(3, 4), "target": i64([0, 1, 2])}, {"weight": f32([1, 1, 1, 1, 1])}, want="error")
    r = c.new("nll-err-float-target")
    c.add({"input": r.n(3, 4), "target": f32([0, 1, 2])}, {}, want="error")
    r = c.new("nll-err-scalar-input")
    c.add({"input": f32(1.0), "target": i64(0)}, {}, want="error")
    r = c.new("nll-err-reduction-avg")
    c.add({"input": r.n(3, 4), "target": i64([0, 1, 2])}, {"reduction": "avg"}, want="error")


# ==========================================================================
# kl_div
# ==========================================================================
KL_REDS = ["none", "mean", "sum", "batchmean"]


def kl_div(c):
    for sname, shape in [("nc", (3, 4)), ("ncd", (2, 3, 5)), ("1d", (7,)), ("0d", ())]:
        for lt in (False, True):
            for red in KL_REDS:
                cid = "kl-%s-%s-%s" % (sname, "logtarget" if lt else "probtarget", red)
                r = c.new(cid)
                inp = r.log_softmax(*shape) if shape else f32(-0.7)
                if lt:
                    tgt = r.log_softmax(*shape) if shape else f32(-1.3)
                else:
                    tgt = r.softmax(*shape) if shape else f32(0.4)
                c.add({"input": inp, "target": tgt}, {"reduction": red, "log_target": lt})
    r = c.new("kl-defaults")
    c.add({"input": r.log_softmax(2, 5), "target": r.softmax(2, 5)}, {})
    # target zeros: xlogy(0, 0) = 0
    for red in KL_REDS:
        r = c.new("kl-target-zeros-%s" % red)
        t = r.softmax(3, 4)
        t[0, 1] = 0
        t[1, :] = 0
        t[2, 3] = 0
        c.add({"input": r.log_softmax(3, 4), "target": t}, {"reduction": red})
    r = c.new("kl-target-zeros-input-neginf-none")  # 0 * -inf -> nan
    c.add({"input": f32([[-INF, -1, -0.5], [-1, -INF, -2]]), "target": f32([[0, 0.5, 0.5], [0.3, 0.7, 0]])},
          {"reduction": "none"})
    r = c.new("kl-logtarget-neginf-none")  # exp(-inf) * (-inf - x)
    c.add({"input": r.log_softmax(2, 3), "target": f32([[-INF, -0.5, -1], [-1, -2, -INF]])},
          {"reduction": "none", "log_target": True})
    r = c.new("kl-negative-target-none")
    c.add({"input": r.log_softmax(2, 3), "target": f32([[-0.5, 0.5, 1.0], [0.2, 0.3, 0.5]])},
          {"reduction": "none"})
    r = c.new("kl-unnormalized-input-sum")  # torch never checks input is a log-distribution
    c.add({"input": r.n(4, 6, scale=3), "target": r.u(4, 6, lo=0, hi=3)}, {"reduction": "sum"})
    r = c.new("kl-logtarget-unnormalized-batchmean")
    c.add({"input": r.n(4, 6, scale=3), "target": r.n(4, 6, scale=2)}, {"reduction": "batchmean", "log_target": True})
    r = c.new("kl-nan-input-mean")
    x = r.log_softmax(2, 3)
    x[1, 1] = NAN
    c.add({"input": x, "target": r.softmax(2, 3)}, {"reduction": "mean"})
    # broadcasting (torch broadcasts silently)
    r = c.new("kl-broadcast-target-row-sum")
    c.add({"input": r.log_softmax(3, 4), "target": r.softmax(4)}, {"reduction": "sum"})
    r = c.new("kl-broadcast-input-row-batchmean")
    c.add({"input": r.log_softmax(1, 4), "target": r.softmax(3, 4)}, {"reduction": "batchmean"})
    # seeds
    x = f32([[0.1132, 0.5477, 0.3390], [0.1132, 0.5477, 0.3390]])
    t = f32([[0.8541, 0.0511, 0.0947], [0.1132, 0.5477, 0.3390]])
    for red in KL_REDS:
        c.new("seed-kl-%s" % red)
        c.add({"input": x, "target": t}, {"reduction": red})
    # sizes
    for shape in [(1,), (2,), (3,), (93,), (257,), (1000, 3)]:
        r = c.new("kl-size-%s" % "x".join(map(str, shape)))
        c.add({"input": r.log_softmax(*shape), "target": r.softmax(*shape)}, {"reduction": "batchmean"})
    cid = "kl-big-33x1001-batchmean"
    c.new(cid)
    c.add({"input": G(c, cid, "input", (33, 1001), -12, -2), "target": G(c, cid, "target", (33, 1001), 0, 0.002)},
          {"reduction": "batchmean"}, grad=["input"])
    cid = "kl-big-33x1001-logtarget-sum-nograd"
    c.new(cid)
    c.add({"input": G(c, cid, "input", (33, 1001), -12, -2), "target": G(c, cid, "target", (33, 1001), -12, -2)},
          {"reduction": "sum", "log_target": True}, grad=[])
    for red, lt in [("mean", False), ("sum", True), ("batchmean", False)]:
        cid = "kl-long-%s-%s-nograd" % (red, "logtarget" if lt else "probtarget")
        c.new(cid)
        c.add({"input": G(c, cid, "input", (1024, 4096), -10, -5),
               "target": G(c, cid, "target", (1024, 4096), -10, -5) if lt else
               G(c, cid, "target", (1024, 4096), 0, 1e-3)},
              {"reduction": red, "log_target": lt}, grad=[])
    # float64
    r = c.new("kl-f64-batchmean")
    c.add({"input": f64(np.log(r.softmax(3, 5))), "target": f64(r.softmax(3, 5))}, {"reduction": "batchmean"})
    r = c.new("kl-f64-logtarget-none")
    c.add({"input": f64(r.g.standard_normal((2, 3))), "target": f64(r.g.standard_normal((2, 3)))},
          {"reduction": "none", "log_target": True})
    # empty
    for red in KL_REDS:
        c.new("kl-empty-%s" % red)
        c.add({"input": np.zeros((0, 3), np.float32), "target": np.zeros((0, 3), np.float32)}, {"reduction": red})
    # errors
    r = c.new("kl-err-reduction-avg")
    c.add({"input": r.log_softmax(2, 3), "target": r.softmax(2, 3)}, {"reduction": "avg"}, want="error")
    r = c.new("kl-err-shape-mismatch")
    c.add({"input": r.log_softmax(2, 3), "target": r.softmax(2, 4)}, {}, want="error")
    r = c.new("kl-err-int-target")
    c.add({"input": r.log_softmax(2, 3), "target": np.ones((2, 3), np.int64)}, {}, want="error")


# ==========================================================================
# binary_cross_entropy
# ==========================================================================
def binary_cross_entropy(c):
    for sname, shape in [("nc", (3, 4)), ("1d", (5,)), ("0d", ()), ("ncd", (2, 3, 4))]:
        for red in REDS:
            r = c.new("bce-%s-%s" % (sname, red))
            inp = r.u(*shape, lo=0.02, hi=0.98)
            c.add({"input": inp, "target": r.bits(*shape)}, {"reduction": red})
            r = c.new("bce-%s-soft-target-weight-%s" % (sname, red))
            c.add({"input": r.u(*shape, lo=0.02, hi=0.98), "target": r.u(*shape)},
                  {"weight": r.u(*shape, lo=0, hi=2), "reduction": red})
    r = c.new("bce-defaults")
    c.add({"input": r.u(4, lo=0.1, hi=0.9), "target": r.bits(4)}, {})
    # weight broadcasting
    for red in REDS:
        r = c.new("bce-weight-bcast-C-%s" % red)
        c.add({"input": r.u(4, 3, lo=0.05, hi=0.95), "target": r.bits(4, 3)},
              {"weight": r.u(3, lo=0.5, hi=2), "reduction": red})
    r = c.new("bce-weight-bcast-Nx1-mean")
    c.add({"input": r.u(4, 3, lo=0.05, hi=0.95), "target": r.bits(4, 3)}, {"weight": r.u(4, 1, lo=0.5, hi=2)})
    r = c.new("bce-weight-bcast-scalar-sum")
    c.add({"input": r.u(4, 3, lo=0.05, hi=0.95), "target": r.bits(4, 3)}, {"weight": f32(2.5), "reduction": "sum"})
    r = c.new("bce-weight-bcast-ncd-C1-none")
    c.add({"input": r.u(2, 3, 4, lo=0.05, hi=0.95), "target": r.u(2, 3, 4)},
          {"weight": r.u(3, 1, lo=0, hi=2), "reduction": "none"})
    # probabilities exactly 0 and 1: the log is clamped at -100
    x = f32([0, 0, 1, 1, 1e-30, 1 - 2 ** -24, 1e-45, 0.5])
    t = f32([0, 1, 0, 1, 1, 0, 1, 0.5])
    for red in REDS:
        c.new("bce-clamp-%s" % red)
        c.add({"input": x, "target": t}, {"reduction": red})
    c.new("bce-clamp-soft-target-weight-none")
    c.add({"input": f32([0, 1, 0, 1]), "target": f32([0.3, 0.3, 0.9, 0.9])},
          {"weight": f32([1, 2, 3, 4]), "reduction": "none"})
    r = c.new("bce-target-outside-0-1-none")  # accepted by torch
    c.add({"input": r.u(4, lo=0.1, hi=0.9), "target": f32([1.5, -0.5, 2, -1])}, {"reduction": "none"})
    r = c.new("bce-near-boundaries-none")
    c.add({"input": f32([1e-7, 1e-6, 0.999999, 0.9999999, 1e-20, 0.99999994]), "target": f32([1, 0, 0, 1, 0.5, 0.5])},
          {"reduction": "none"})
    # seeds
    c.new("seed-bce-two-class")
    x = f32([0.8, 0.3, 0.6])
    c.add({"input": x, "target": f32([1, 0, 1])}, {"reduction": "mean"})
    # sizes
    for shape in [(1,), (2,), (3,), (7,), (93,), (257,), (1000, 3)]:
        r = c.new("bce-size-%s" % "x".join(map(str, shape)))
        c.add({"input": r.u(*shape, lo=0.01, hi=0.99), "target": r.bits(*shape)}, {"reduction": "mean"})
    cid = "bce-big-33x1001-weight-bcast-mean"
    r = c.new(cid)
    c.add({"input": G(c, cid, "input", (33, 1001), 0.001, 0.999), "target": G(c, cid, "target", (33, 1001), 0, 1)},
          {"weight": r.u(1001, lo=0.5, hi=2), "reduction": "mean"}, grad=["input"])
    for red in ("mean", "sum"):
        cid = "bce-long-%s-nograd" % red
        c.new(cid)
        c.add({"input": G(c, cid, "input", (LONG_N,), 0.001, 0.999), "target": G(c, cid, "target", (LONG_N,), 0, 1)},
              {"reduction": red}, grad=[])
    cid = "bce-long-4000037-weight-bcast-mean-nograd"
    r = c.new(cid)
    c.add({"input": G(c, cid, "input", (4000037, 1), 0.4, 0.6), "target": G(c, cid, "target", (4000037, 1), 0, 1)},
          {"weight": f32([3.0]), "reduction": "mean"}, grad=[])
    # float64
    r = c.new("bce-f64-weight-mean")
    c.add({"input": f64(r.g.uniform(0.01, 0.99, (3, 4))), "target": f64(r.g.uniform(0, 1, (3, 4)))},
          {"weight": f64(r.g.uniform(0, 2, (4,)))})
    c.new("bce-f64-clamp-none")
    c.add({"input": f64([0, 1, 1e-300, 0.5]), "target": f64([1, 0, 1, 1])}, {"reduction": "none"})
    # empty
    for red in REDS:
        c.new("bce-empty-%s" % red)
        c.add({"input": np.zeros((0, 3), np.float32), "target": np.zeros((0, 3), np.float32)}, {"reduction": red})
    # errors
    c.new("bce-err-input-above-1")
    c.add({"input": f32([0.5, 1.5]), "target": f32([1, 0])}, {}, want="error")
    c.new("bce-err-input-negative")
    c.add({"input": f32([0.5, -0.01]), "target": f32([1, 0])}, {"reduction": "none"}, want="error")
    c.new("bce-err-input-nan")
    c.add({"input": f32([0.5, NAN]), "target": f32([1, 0])}, {"reduction": "sum"}, want="error")
    r = c.new("bce-err-shape-mismatch")
    c.add({"input": r.u(3), "target": r.u(4)}, {}, want="error")
    r = c.new("bce-err-shape-mismatch-broadcastable")
    c.add({"input": r.u(3, 4), "target": r.u(4)}, {}, want="error")
    r = c.new("bce-err-weight-not-broadcastable")
    c.add({"input": r.u(3, 4), "target": r.u(3, 4)}, {"weight": r.u(3)}, want="error")
    r = c.new("bce-err-weight-larger-than-input")
    c.add({"input": r.u(4), "target": r.u(4)}, {"weight": r.u(3, 4)}, want="error")
    r = c.new("bce-err-int-target")
    c.add({"input": r.u(4), "target": np.ones(4, np.int64)}, {}, want="error")
    r = c.new("bce-err-reduction-avg")
    c.add({"input": r.u(4), "target": r.u(4)}, {"reduction": "avg"}, want="error")


# ==========================================================================
# binary_cross_entropy_with_logits
# ==========================================================================
def binary_cross_entropy_with_logits(c):
    for sname, shape in [("nc", (3, 4)), ("1d", (5,)), ("0d", ()), ("ncd", (2, 3, 4))]:
        for red in REDS:
            r = c.new("bcel-%s-%s" % (sname, red))
            c.add({"input": r.n(*shape, scale=2), "target": r.bits(*shape)}, {"reduction": red})
            r = c.new("bcel-%s-soft-weight-posweight-%s" % (sname, red))
            C = shape[-1] if shape else 1
            c.add({"input": r.n(*shape, scale=2), "target": r.u(*shape)},
                  {"weight": r.u(*shape, lo=0, hi=2), "pos_weight": r.u(*((C,) if shape else ()), lo=0.2, hi=4),
                   "reduction": red})
    r = c.new("bcel-defaults")
    c.add({"input": r.n(4), "target": r.bits(4)}, {})
    for red in REDS:
        r = c.new("bcel-posweight-bcast-C-%s" % red)
        c.add({"input": r.n(4, 3, scale=3), "target": r.bits(4, 3)},
              {"pos_weight": r.u(3, lo=0.5, hi=5), "reduction": red})
        r = c.new("bcel-weight-bcast-C-%s" % red)
        c.add({"input": r.n(4, 3, scale=3), "target": r.u(4, 3)},
              {"weight": r.u(3, lo=0.5, hi=2), "reduction": red})
    r = c.new("bcel-posweight-1-mean")
    c.add({"input": r.n(4, 3), "target": r.bits(4, 3)}, {"pos_weight": f32([3.0])})
    r = c.new("bcel-posweight-ncd-C1-weight-Nx1x1-sum")
    c.add({"input": r.n(2, 3, 4), "target": r.u(2, 3, 4)},
          {"pos_weight": r.u(3, 1, lo=0.5, hi=3), "weight": r.u(2, 1, 1, lo=0.5, hi=3), "reduction": "sum"})
    r = c.new("bcel-weight-null-posweight-null")
    c.add({"input": r.n(4, 3), "target": r.bits(4, 3)}, {"weight": None, "pos_weight": None, "reduction": "sum"})
    # hard logits
    x = f32([1e4, -1e4, 1e4, -1e4, 100, -100, 100, -100, 88, -88, 0, 0, 3e38, -3e38, 20, -20, 17, -17])
    t = f32([1, 1, 0, 0, 1, 1, 0, 0, 0.5, 0.5, 1, 0, 0, 1, 1, 0, 0.3, 0.7])
    for red in REDS:
        c.new("bcel-hard-logits-%s" % red)
        c.add({"input": x, "target": t}, {"reduction": red})
    c.new("bcel-hard-logits-posweight-none")
    c.add({"input": x, "target": t}, {"pos_weight": f32(np.linspace(0.5, 4, 18)), "reduction": "none"})
    c.new("bcel-nonfinite-none")
    c.add({"input": f32([NAN, INF, -INF, INF, -INF, 0]), "target": f32([1, 1, 1, 0, 0, NAN])}, {"reduction": "none"})
    c.new("bcel-infinite-target-none")  # no pos_weight: (1 - y) x + softplus(-x), an infinite loss (not NaN)
    c.add({"input": f32([17, -17, 0, 17, 3]), "target": f32([-INF, -INF, INF, INF, 0.5])}, {"reduction": "none"})
    c.new("bcel-infinite-target-posweight-none")
    c.add({"input": f32([17, -17, 17]), "target": f32([-INF, -INF, INF])}, {"pos_weight": f32([2, 2, 2]), "reduction": "none"})
    c.new("bcel-nonfinite-posweight-none")
    c.add({"input": f32([INF, -INF, INF, -INF]), "target": f32([1, 1, 0, 0])},
          {"pos_weight": f32([2, 2, 2, 2]), "reduction": "none"})
    r = c.new("bcel-target-outside-0-1-none")
    c.add({"input": r.n(4), "target": f32([1.5, -0.5, 2, -1])}, {"reduction": "none", "pos_weight": f32([2])})
    r = c.new("bcel-negative-posweight-none")  # torch does not check
    c.add({"input": r.n(2, 3), "target": r.u(2, 3)}, {"reduction": "none", "pos_weight": f32([-1, 0, 2])})
    # seed: BCEWithLogitsLoss example (all-zero targets)
    c.new("seed-bcel-0.7496-1.5629-0.5620")
    c.add({"input": f32([0.1099, 1.3278, -0.2820]), "target": f32([0, 0, 0])}, {"reduction": "none"})
    for shape in [(1,), (2,), (3,), (7,), (93,), (257,), (1000, 3)]:
        r = c.new("bcel-size-%s" % "x".join(map(str, shape)))
        c.add({"input": r.n(*shape, scale=3), "target": r.bits(*shape)}, {"reduction": "mean"})
    cid = "bcel-big-33x1001-posweight-weight-mean"
    r = c.new(cid)
    c.add({"input": G(c, cid, "input", (33, 1001), -8, 8), "target": G(c, cid, "target", (33, 1001), 0, 1)},
          {"weight": r.u(33, 1, lo=0.5, hi=2), "pos_weight": r.u(1001, lo=0.5, hi=3), "reduction": "mean"},
          grad=["input"])
    for red in ("mean", "sum"):
        cid = "bcel-long-%s-nograd" % red
        c.new(cid)
        c.add({"input": G(c, cid, "input", (LONG_N,), -6, 6), "target": G(c, cid, "target", (LONG_N,), 0, 1)},
              {"reduction": red}, grad=[])
    cid = "bcel-long-2048x2048-posweight-mean-nograd"
    r = c.new(cid)
    c.add({"input": G(c, cid, "input", (2048, 2048), -3, 3), "target": G(c, cid, "target", (2048, 2048), 0, 1)},
          {"pos_weight": r.u(2048, lo=0.5, hi=2),
           "reduction": "mean"}, grad=[])
    r = c.new("bcel-f64-posweight-mean")
    c.add({"input": f64(r.g.standard_normal((3, 4)) * 3), "target": f64(r.g.uniform(0, 1, (3, 4)))},
          {"pos_weight": f64(r.g.uniform(0.5, 3, (4,))), "weight": f64(r.g.uniform(0, 2, (3, 4)))})
    c.new("bcel-f64-hard-none")
    c.add({"input": f64([1e4, -1e4, 800, -800, 40, -40]), "target": f64([0, 1, 0, 1, 0, 1])}, {"reduction": "none"})
    for red in REDS:
        c.new("bcel-empty-%s" % red)
        c.add({"input": np.zeros((0, 3), np.float32), "target": np.zeros((0, 3), np.float32)}, {"reduction": red})
    r = c.new("bcel-err-shape-mismatch")
    c.add({"input": r.n(3), "target": r.u(4)}, {}, want="error")
    r = c.new("bcel-err-shape-mismatch-broadcastable")
    c.add({"input": r.n(3, 4), "target": r.u(1, 4)}, {}, want="error")
    r = c.new("bcel-err-posweight-not-broadcastable")
    c.add({"input": r.n(3, 4), "target": r.u(3, 4)}, {"pos_weight": r.u(3)}, want="error")
    r = c.new("bcel-err-weight-not-broadcastable")
    c.add({"input": r.n(3, 4), "target": r.u(3, 4)}, {"weight": r.u(2, 4)}, want="error")
    r = c.new("bcel-err-posweight-larger-than-input")
    c.add({"input": r.n(4), "target": r.u(4)}, {"pos_weight": r.u(3, 4)}, want="error")
    r = c.new("bcel-err-int-target")
    c.add({"input": r.n(4), "target": np.ones(4, np.int64)}, {}, want="error")
    r = c.new("bcel-err-reduction-batchmean")
    c.add({"input": r.n(4), "target": r.u(4)}, {"reduction": "batchmean"}, want="error")


# ==========================================================================
# cosine_embedding_loss
# ==========================================================================
def cosine_embedding_loss(c):
    for margin in (0.0, 0.5, -0.5):
        for red in REDS:
            r = c.new("cos-nd-margin%g-%s" % (margin, red))
            c.add({"input1": r.n(5, 6), "input2": r.n(5, 6), "target": r.sign(5)},
                  {"margin": margin, "reduction": red})
    for red in REDS:
        r = c.new("cos-unbatched-%s" % red)
        c.add({"input1": r.n(6), "input2": r.n(6), "target": f32(-1.0)}, {"margin": 0.2, "reduction": red})
    r = c.new("cos-unbatched-positive-mean")
    c.add({"input1": r.n(4), "input2": r.n(4), "target": f32(1.0)}, {})
    r = c.new("cos-defaults")
    c.add({"input1": r.n(3, 4), "input2": r.n(3, 4), "target": r.sign(3)}, {})
    # zero vectors: torch adds EPSILON=1e-12 to the squared norms
    z = np.zeros(4, np.float32)
    r = c.new("cos-zero-vectors-none")
    a = np.stack([z, z, r.n(4), z, r.n(4)])
    b = np.stack([r.n(4), z, z, z, r.n(4)])
    c.add({"input1": a, "input2": b, "target": f32([1, 1, -1, -1, 1])}, {"margin": 0.1, "reduction": "none"})
    c.new("cos-tiny-vectors-none")
    c.add({"input1": f32([[1e-7, 0, 0], [1e-20, 1e-20, 0]]), "input2": f32([[1e-7, 1e-7, 0], [1, 1, 0]]),
           "target": f32([1, -1])}, {"reduction": "none", "margin": -0.5})
    r = c.new("cos-identical-opposite-none")
    v = r.n(3, 5)
    c.add({"input1": np.concatenate([v, v]), "input2": np.concatenate([v, -v]),
           "target": f32([1, -1, 1, -1, 1, -1])}, {"reduction": "none", "margin": 0.3})
    r = c.new("cos-target-not-pm1-none")  # targets other than +-1 give 0 loss
    c.add({"input1": r.n(4, 3), "input2": r.n(4, 3), "target": f32([0, 2, 0.5, -3])}, {"reduction": "none"})
    r = c.new("cos-int-target-mean")
    c.add({"input1": r.n(4, 3), "input2": r.n(4, 3), "target": i64([1, -1, -1, 1])}, {"reduction": "mean"})
    r = c.new("cos-D1-none")
    c.add({"input1": r.n(4, 1), "input2": r.n(4, 1), "target": f32([1, -1, 1, -1])}, {"reduction": "none"})
    r = c.new("cos-N1-sum")
    c.add({"input1": r.n(1, 9), "input2": r.n(1, 9), "target": f32([-1])}, {"reduction": "sum", "margin": -0.2})
    r = c.new("cos-large-magnitude-none")
    c.add({"input1": r.n(3, 4, scale=1e8), "input2": r.n(3, 4, scale=1e-8), "target": f32([1, -1, 1])},
          {"reduction": "none"})
    c.new("cos-nonfinite-none")
    c.add({"input1": f32([[NAN, 1], [INF, 1], [1, 2]]), "input2": f32([[1, 1], [1, 1], [1, -INF]]),
           "target": f32([1, -1, 1])}, {"reduction": "none"})
    for (n, d) in [(93, 7), (257, 3), (1000, 3), (3, 1000)]:
        r = c.new("cos-size-%dx%d" % (n, d))
        c.add({"input1": r.n(n, d), "input2": r.n(n, d), "target": r.sign(n)}, {"reduction": "mean", "margin": 0.1})
    cid = "cos-big-33x1001-mean"
    r = c.new(cid)
    c.add({"input1": G(c, cid, "input1", (33, 1001), -1, 1), "input2": G(c, cid, "input2", (33, 1001), -1, 1),
           "target": r.sign(33)}, {"reduction": "mean", "margin": -0.01}, grad=["input1"])
    cid = "cos-big-1x2049-sum"
    r = c.new(cid)
    c.add({"input1": r.n(1, 2049), "input2": r.n(1, 2049), "target": f32([1])}, {"reduction": "sum"})
    cid = "cos-long-4096x1024-mean-nograd"
    r = c.new(cid)
    c.add({"input1": G(c, cid, "input1", (4096, 1024), -1, 1), "input2": G(c, cid, "input2", (4096, 1024), -1, 1),
           "target": r.sign(4096)}, {"reduction": "mean"}, grad=[])
    cid = "cos-long-1x4194304-sum-nograd"
    c.new(cid)
    c.add({"input1": G(c, cid, "input1", (1, LONG_N), 0, 1), "input2": G(c, cid, "input2", (1, LONG_N), 0, 1),
           "target": f32([-1])}, {"reduction": "sum"}, grad=[])
    cid = "cos-long-65536x64-int-target-margin-sum-nograd"
    r = c.new(cid)
    c.add({"input1": G(c, cid, "input1", (65536, 64), -1, 1), "input2": G(c, cid, "input2", (65536, 64), -1, 1),
           "target": GI(c, cid, "target", (65536,), -1, 2)}, {"reduction": "sum", "margin": 0.05}, grad=[])
    r = c.new("cos-f64-mean")
    c.add({"input1": f64(r.g.standard_normal((4, 5))), "input2": f64(r.g.standard_normal((4, 5))),
           "target": f64([1, -1, 1, -1])}, {"margin": 0.25})
    r = c.new("cos-f64-unbatched-none")
    c.add({"input1": f64(r.g.standard_normal(3)), "input2": f64(r.g.standard_normal(3)), "target": f64(-1)},
          {"reduction": "none"})
    for red in REDS:
        c.new("cos-empty-%s" % red)
        c.add({"input1": np.zeros((0, 4), np.float32), "input2": np.zeros((0, 4), np.float32),
               "target": np.zeros((0,), np.float32)}, {"reduction": red})
    # input1, input2 and the target's rows broadcast together (torch 1.13 accepts all of these)
    for (s1, s2, st) in [((3, 4), (1, 4), 3), ((1, 4), (3, 4), 3), ((3, 4), (3, 1), 3), ((1, 4), (1, 4), 3),
                         ((3, 4), (1, 1), 1)]:
        for red in ("none", "mean"):
            r = c.new("cos-broadcast-%s-%s-target%d-%s" % ("x".join(map(str, s1)), "x".join(map(str, s2)), st, red))
            c.add({"input1": r.n(*s1), "input2": r.n(*s2), "target": r.sign(st)}, {"reduction": red, "margin": 0.1})
    r = c.new("cos-broadcast-unbatched-4-1-none")
    c.add({"input1": r.n(4), "input2": r.n(1), "target": f32(1.0)}, {"reduction": "none"})
    # a floating target of another dtype: the output keeps the inputs' dtype
    r = c.new("cos-f32-inputs-f64-target-mean")
    c.add({"input1": r.n(3, 4), "input2": r.n(3, 4), "target": f64(r.sign(3))}, {"margin": 0.2})
    r = c.new("cos-f64-inputs-f32-target-none")
    c.add({"input1": f64(r.n(3, 4)), "input2": f64(r.n(3, 4)), "target": r.sign(3)}, {"reduction": "none"})
    r = c.new("cos-err-1d-inputs-1d-target")
    c.add({"input1": r.n(4), "input2": r.n(4), "target": f32([1])}, {}, want="error")
    r = c.new("cos-err-2d-inputs-0d-target")
    c.add({"input1": r.n(2, 4), "input2": r.n(2, 4), "target": f32(1)}, {}, want="error")
    r = c.new("cos-err-3d-inputs")
    c.add({"input1": r.n(2, 4, 3), "input2": r.n(2, 4, 3), "target": f32([1, -1])}, {}, want="error")
    r = c.new("cos-err-input-shape-mismatch")
    c.add({"input1": r.n(2, 4), "input2": r.n(2, 5), "target": f32([1, -1])}, {}, want="error")
    r = c.new("cos-err-target-length")
    c.add({"input1": r.n(3, 4), "input2": r.n(3, 4), "target": f32([1, -1])}, {}, want="error")
    r = c.new("cos-err-reduction-avg")
    c.add({"input1": r.n(3, 4), "input2": r.n(3, 4), "target": f32([1, -1, 1])}, {"reduction": "avg"}, want="error")


# ==========================================================================
# entropy  (torch.distributions.Categorical(...).entropy())
# ==========================================================================
def entropy(c):
    for kind in ("probs", "logits"):
        for sname, shape in [("k", (5,)), ("nk", (4, 6)), ("nmk", (2, 3, 4))]:
            for red in (None, "none", "mean", "sum"):
                cid = "ent-%s-%s-%s" % (kind, sname, red or "default")
                r = c.new(cid)
                x = r.u(*shape, lo=0.05, hi=1) if kind == "probs" else r.n(*shape, scale=2)
                c.add({kind: x}, {} if red is None else {"reduction": red})
    r = c.new("ent-probs-normalized-none")
    c.add({"probs": r.softmax(3, 5)}, {"reduction": "none"})
    r = c.new("ent-probs-with-zeros-none")
    p = r.softmax(4, 5)
    p[0, 1] = 0
    p[1, :3] = 0
    p[2, :] = f32([0, 0, 1, 0, 0])
    c.add({"probs": p}, {"reduction": "none"})
    c.new("ent-probs-onehot-sum")
    c.add({"probs": np.eye(4, dtype=np.float32)}, {"reduction": "sum"})
    c.new("ent-probs-uniform-none")
    c.add({"probs": np.full((2, 8), 0.125, np.float32)}, {"reduction": "none"})
    c.new("ent-probs-tiny-values-none")
    c.add({"probs": f32([[1e-9, 1 - 1e-9, 0], [1e-3, 1e-3, 1e-3], [1e38, 1e38, 0]])}, {"reduction": "none"})
    r = c.new("ent-probs-unnormalized-mean")
    c.add({"probs": r.u(3, 4, lo=0, hi=50)}, {"reduction": "mean"})
    c.new("ent-probs-K1-none")
    c.add({"probs": f32([[0.3], [2.0]])}, {"reduction": "none"})
    c.new("ent-logits-neginf-none")
    c.add({"logits": f32([[0, -INF, 1], [-INF, -INF, 2], [5, 5, 5]])}, {"reduction": "none"})
    c.new("ent-logits-hard-none")
    c.add({"logits": f32([[1e4, -1e4, 0], [88, -88, 0], [3e38, 0, -3e38], [-1e4, -1e4, -1e4], [1e-30, 0, 0]])},
          {"reduction": "none"})
    c.new("ent-logits-K1-sum")
    c.add({"logits": f32([[3.0], [-2.0]])}, {"reduction": "sum"})
    # seeds (note 000: entropy of a distribution)
    c.new("seed-ent-probs-0.1-0.2-0.7")
    c.add({"probs": f32([0.1, 0.2, 0.7])}, {})
    for (n, k) in [(7, 93), (93, 7), (257, 3), (1000, 3)]:
        r = c.new("ent-size-logits-%dx%d" % (n, k))
        c.add({"logits": r.n(n, k, scale=3)}, {"reduction": "mean"})
    r = c.new("ent-size-probs-257x3")
    c.add({"probs": r.u(257, 3)}, {"reduction": "sum"})
    cid = "ent-big-logits-33x1001-none"
    c.new(cid)
    c.add({"logits": G(c, cid, "logits", (33, 1001), -5, 5)}, {"reduction": "none"})
    cid = "ent-big-probs-33x1001-mean-nograd"
    c.new(cid)
    c.add({"probs": G(c, cid, "probs", (33, 1001), 0, 1)}, {"reduction": "mean"}, grad=[])
    cid = "ent-vocab-logits-2x32000-none-nograd"
    c.new(cid)
    c.add({"logits": G(c, cid, "logits", (2, 32000), -10, 10)}, {"reduction": "none"}, grad=[])
    r = c.new("ent-vocab-probs-1x32000-sum")
    p = np.zeros((1, 32000), np.float32)
    p[0, r.i(0, 32000, 50)] = r.u(50)
    c.add({"probs": p}, {"reduction": "sum"}, grad=[])
    for red in ("none", "mean"):
        cid = "ent-big-4096x37-%s-nograd" % red
        c.new(cid)
        c.add({"logits": G(c, cid, "logits", (4096, 37), -4, 4)}, {"reduction": red}, grad=[])
    cid = "ent-long-65536x64-mean-nograd"
    c.new(cid)
    c.add({"logits": G(c, cid, "logits", (65536, 64), -4, 4)}, {"reduction": "mean"}, grad=[])
    cid = "ent-long-probs-4096x1024-sum-nograd"
    c.new(cid)
    c.add({"probs": G(c, cid, "probs", (4096, 1024), 0, 1)}, {"reduction": "sum"}, grad=[])
    r = c.new("ent-f64-probs-none")
    c.add({"probs": f64(r.g.uniform(0, 1, (3, 4)))}, {"reduction": "none"})
    c.new("ent-f64-probs-onehot-none")
    c.add({"probs": f64([[0, 1, 0], [0.5, 0.5, 0]])}, {"reduction": "none"})
    r = c.new("ent-f64-logits-mean")
    c.add({"logits": f64(r.g.standard_normal((3, 4)))}, {"reduction": "mean"})
    for red in REDS:
        c.new("ent-empty-batch-probs-%s" % red)
        c.add({"probs": np.zeros((0, 3), np.float32)}, {"reduction": red})
    c.new("ent-empty-batch-logits-none")  # torch 1.13 fails on this one (reshape of 0 elements)
    c.add({"logits": np.zeros((0, 3), np.float32)}, {"reduction": "none"})
    # errors (Categorical's argument validation)
    c.new("ent-err-negative-prob")
    c.add({"probs": f32([0.5, -0.1, 0.6])}, {}, want="error")
    c.new("ent-err-zero-row")
    c.add({"probs": f32([[0, 0, 0], [1, 2, 3]])}, {}, want="error")
    c.new("ent-err-prob-inf")
    c.add({"probs": f32([0, INF, 1])}, {}, want="error")
    c.new("ent-err-prob-nan")
    c.add({"probs": f32([0.2, NAN, 1])}, {}, want="error")
    c.new("ent-err-scalar-probs")
    c.add({"probs": f32(1.0)}, {}, want="error")
    c.new("ent-err-scalar-logits")
    c.add({"logits": f32(1.0)}, {}, want="error")
    c.new("ent-err-zero-classes")
    c.add({"probs": np.zeros((2, 0), np.float32)}, {}, want="error")
    c.new("ent-err-logits-nan")
    c.add({"logits": f32([0, NAN, 1])}, {}, want="error")
    c.new("ent-err-logits-posinf")
    c.add({"logits": f32([0, INF, 1])}, {}, want="error")
    c.new("ent-err-both-probs-and-logits")
    c.add({"probs": f32([0.5, 0.5]), "logits": f32([0, 0])}, {}, want="error")
    c.new("ent-err-neither")
    c.add({}, {}, want="error")


# ==========================================================================
# l1_loss and mse_loss (same case list)
# ==========================================================================
def _pointwise(c, p, offset_case):
    for shape in [(), (1,), (2,), (3,), (7,), (93,), (257,), (4, 5, 6), (1000, 3)]:
        name = "x".join(map(str, shape)) or "scalar"
        reds = REDS if shape in [(), (3,), (4, 5, 6), (257,)] else ["mean"]
        for red in reds:
            r = c.new("%s-size-%s-%s" % (p, name, red))
            c.add({"input": r.n(*shape), "target": r.n(*shape)}, {"reduction": red},
                  grad=["input"] if len(shape) and shape[0] >= 93 else None)
    r = c.new("%s-defaults" % p)
    c.add({"input": r.n(2, 3), "target": r.n(2, 3)}, {})
    r = c.new("%s-equal-inputs-none" % p)  # |x - y| at 0: subgradient 0
    x = r.n(5)
    c.add({"input": x, "target": x.copy()}, {"reduction": "none"})
    c.new("%s-nonfinite-none" % p)
    c.add({"input": f32([NAN, INF, -INF, INF, 1, 3e38, -3e38]), "target": f32([0, 0, 0, INF, NAN, -3e38, 3e38])},
          {"reduction": "none"})
    c.new("%s-nonfinite-mean" % p)
    c.add({"input": f32([1, 2, INF]), "target": f32([0, 0, 0])}, {"reduction": "mean"})
    c.new("%s-overflow-sum" % p)
    c.add({"input": f32([3e38, 3e38, -1]), "target": f32([-3e38, 0, 1])}, {"reduction": "sum"})
    # broadcasting: torch warns (size mismatch) and broadcasts
    r = c.new("%s-broadcast-target-row-mean" % p)
    c.add({"input": r.n(3, 4), "target": r.n(4)}, {"reduction": "mean"})
    r = c.new("%s-broadcast-input-row-none" % p)
    c.add({"input": r.n(1, 4), "target": r.n(3, 4)}, {"reduction": "none"})
    r = c.new("%s-broadcast-scalar-target-sum" % p)
    c.add({"input": r.n(3, 2), "target": f32(0.5)}, {"reduction": "sum"})
    r = c.new("%s-broadcast-both-sum" % p)
    c.add({"input": r.n(3, 1), "target": r.n(1, 4)}, {"reduction": "sum"})
    r = c.new("%s-int64-target-nograd" % p)  # forward accepted (backward is not)
    c.add({"input": r.n(2, 3), "target": r.i(-2, 3, 2, 3)}, {"reduction": "mean"}, grad=[])
    # seeds
    if p == "l1":
        c.new("seed-l1-0.8333")
        c.add({"input": f32([[3, 0, 3], [3, 0, 3]]), "target": f32([[2, 0, 3], [2, 0, 0]])}, {"reduction": "mean"})
        c.new("seed-l1-sum-5")
        c.add({"input": f32([[3, 0, 3], [3, 0, 3]]), "target": f32([[2, 0, 3], [2, 0, 0]])}, {"reduction": "sum"})
    else:
        c.new("seed-mse-4.6667")
        c.add({"input": f32([[2, 0, 3], [3, 0, 1]]), "target": f32([[2, 0, 0], [0, 3, 0]])}, {"reduction": "mean"})
        c.new("seed-mse-none")
        c.add({"input": f32([[2, 0, 3], [3, 0, 1]]), "target": f32([[2, 0, 0], [0, 3, 0]])}, {"reduction": "none"})
    # bigger than a work-group
    cid = "%s-big-33x1001-mean" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (33, 1001), -3, 3), "target": G(c, cid, "target", (33, 1001), -3, 3)},
          {"reduction": "mean"}, grad=["input"])
    cid = "%s-big-4096x37-sum-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (4096, 37), -3, 3), "target": G(c, cid, "target", (4096, 37), -3, 3)},
          {"reduction": "sum"}, grad=[])
    # long reductions
    cid = "%s-long-4194304-mean-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (LONG_N,), -3, 3), "target": G(c, cid, "target", (LONG_N,), -3, 3)},
          {"reduction": "mean"}, grad=[])
    cid = "%s-long-2048x2048-sum-nograd" % p
    c.new(cid)
    c.add({"input": G(c, cid, "input", (2048, 2048), 0, 1), "target": G(c, cid, "target", (2048, 2048), -1, 0)},
          {"reduction": "sum"}, grad=[])
    cid = "%s-long-4000037-offset-mean-nograd" % p  # naive float32 accumulation loses digits here
    c.new(cid)
    c.add({"input": G(c, cid, "input", (4000037,), 100, 101), "target": G(c, cid, "target", (4000037,), 0, 0.001)},
          {"reduction": "mean"}, grad=[])
    # float64
    r = c.new("%s-f64-mean" % p)
    c.add({"input": f64(r.g.standard_normal((3, 4))), "target": f64(r.g.standard_normal((3, 4)))}, {})
    r = c.new("%s-f64-none" % p)
    c.add({"input": f64(r.g.standard_normal(5) * 1e10), "target": f64(r.g.standard_normal(5))}, {"reduction": "none"})
    # empty
    for red in REDS:
        c.new("%s-empty-%s" % (p, red))
        c.add({"input": np.zeros((0,), np.float32), "target": np.zeros((0,), np.float32)}, {"reduction": red})
    c.new("%s-empty-2d-mean" % p)
    c.add({"input": np.zeros((3, 0), np.float32), "target": np.zeros((3, 0), np.float32)}, {"reduction": "mean"})
    # errors
    r = c.new("%s-err-shape-mismatch" % p)
    c.add({"input": r.n(3, 4), "target": r.n(3)}, {}, want="error")
    r = c.new("%s-err-shape-mismatch-2d" % p)
    c.add({"input": r.n(2, 3), "target": r.n(3, 2)}, {"reduction": "none"}, want="error")
    for bad in ("avg", "batchmean"):
        r = c.new("%s-err-reduction-%s" % (p, bad))
        c.add({"input": r.n(3), "target": r.n(3)}, {"reduction": bad}, want="error")


def l1_loss(c):
    _pointwise(c, "l1", True)


def mse_loss(c):
    _pointwise(c, "mse", True)
    _int_target_gradient(c, "mse")


def _int_target_gradient(c, p, options=None):
    """An int64 target: torch 1.13's forward promotes it, its fused backward raises
    "Found dtype Long but expected Float"."""
    r = c.new("%s-int-target-forward-mean" % p)
    c.add({"input": r.n(4), "target": i64([1, 0, -2, 3])}, dict(options or {}), grad=[])
    r = c.new("%s-int-target-grad-err" % p)
    c.add({"input": r.n(4), "target": i64([1, 0, -2, 3])}, dict(options or {}), grad=["input"], want="error")


BUILDERS = {
    "cross_entropy": cross_entropy,
    "nll_loss": nll_loss,
    "kl_div": kl_div,
    "binary_cross_entropy": binary_cross_entropy,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "cosine_embedding_loss": cosine_embedding_loss,
    "entropy": entropy,
    "l1_loss": l1_loss,
    "mse_loss": mse_loss,
}
