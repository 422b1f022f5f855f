"""linear_cross_entropy cases: cross_entropy(linear(input, W, b)) with the
softcap and z_loss extensions (losses.py computes them in PyTorch by their
formulas, eval-protocol.md)."""
import numpy as np

from goldenlib import f32, f64, i64
from cases_group1 import REDS, idx_with

P = "lce"


def _inputs(r, lead, H, V, bias=True, scale=3.0, t=None):
    """input (lead..., H) ~ N(0, 1); W ~ N(0, 1) * scale / sqrt(H) (logits of a few units); b ~ N(0, 1)."""
    d = {"input": r.n(*lead, H),
         "linear_weight": f32(r.g.standard_normal((V, H)) * scale / np.sqrt(max(H, 1))),
         "target": t if t is not None else r.i(0, V, *lead)}
    if bias:
        d["linear_bias"] = r.n(V)
    return d


def linear_cross_entropy(c):
    # every reduction x option set, (N, H) = (6, 5), V = 7
    option_sets = {
        "plain": {},
        "weight": lambda r, V: {"weight": r.u(V, lo=0.2, hi=2.0)},
        "ignore": {"ignore_index": 2},
        "smoothing": {"label_smoothing": 0.15},
        "softcap": {"softcap": 2.0},
        "zloss": {"z_loss": 0.01},
        "all-options": lambda r, V: {"weight": r.u(V, lo=0.2, hi=2.0), "ignore_index": 2, "label_smoothing": 0.25,
                                     "softcap": 1.5, "z_loss": 0.05},
    }
    for oname, opts in option_sets.items():
        for red in REDS:
            for bias in (True, False):
                r = c.new("%s-%s-%s%s" % (P, oname, red, "" if bias else "-nobias"))
                o = opts(r, 7) if callable(opts) else dict(opts)
                t = idx_with(r, 7, (6,), 2) if "ignore_index" in o else None
                c.add(_inputs(r, (6,), 5, 7, bias=bias, t=t), dict(o, reduction=red))
    r = c.new("%s-defaults" % P)
    c.add(_inputs(r, (4,), 3, 5), {})
    r = c.new("%s-null-options" % P)
    c.add(_inputs(r, (4,), 3, 5), {"weight": None, "softcap": None, "z_loss": 0.0})
    # leading shapes: unbatched (H), K-dim (2, 3, H)
    for red in REDS:
        r = c.new("%s-unbatched-%s" % (P, red))
        c.add(_inputs(r, (), 4, 6), {"reduction": red, "z_loss": 0.1, "softcap": 3.0})
        r = c.new("%s-kdim-2x3-%s" % (P, red))
        c.add(_inputs(r, (2, 3), 4, 6, t=idx_with(r, 6, (2, 3), -100)), {"reduction": red, "label_smoothing": 0.1, "z_loss": 0.02})
    # ignored rows, all ignored, empty batch, zero total weight
    for red in REDS:
        r = c.new("%s-all-ignored-%s" % (P, red))
        c.add(_inputs(r, (3,), 4, 5, t=i64([-100, -100, -100])), {"reduction": red, "z_loss": 0.1, "label_smoothing": 0.1})
        r = c.new("%s-empty-%s" % (P, red))
        c.add(_inputs(r, (0,), 4, 5), {"reduction": red})
        r = c.new("%s-zero-target-weight-%s" % (P, red))
        c.add(_inputs(r, (3,), 4, 5, t=i64([1, 1, 1])), {"reduction": red, "weight": f32([1, 0, 1, 1, 1])})
    # H = 1; V = 1; sizes that are multiples of no tile or chunk; a batch the host cuts into many chunks
    for (n, h, v) in ((5, 1, 9), (4, 3, 1), (33, 17, 101), (65, 20, 300), (7, 33, 257)):
        for red in (("mean", "none") if n * h + v * h < 2000 else ("mean",)):
            r = c.new("%s-size-%dx%dx%d-%s" % (P, n, h, v, red))
            c.add(_inputs(r, (n,), h, v), {"reduction": red, "label_smoothing": 0.05, "z_loss": 1e-3})
    # 4096 x 2000 logits (32 MB): the host cuts them into chunks of 4 MiB
    r = c.new("%s-multichunk-4096x4x2000-mean" % P)
    c.add(_inputs(r, (4096,), 4, 2000, t=idx_with(r, 2000, (4096,), -100, frac=0.1)),
          {"reduction": "mean", "softcap": 4.0, "z_loss": 1e-3, "label_smoothing": 0.1})
    # large logits: softcap keeps them finite, z_loss pulls on a large lse
    r = c.new("%s-large-logits-softcap-sum" % P)
    c.add(_inputs(r, (4,), 6, 10, scale=60.0), {"reduction": "sum", "softcap": 30.0, "z_loss": 1e-4})
    r = c.new("%s-large-logits-none" % P)
    c.add(_inputs(r, (4,), 6, 10, scale=60.0), {"reduction": "none"})
    # float64 inputs
    for red in REDS:
        r = c.new("%s-f64-all-options-%s" % (P, red))
        d = _inputs(r, (5,), 4, 6, t=idx_with(r, 6, (5,), 2))
        d = {k: (f64(v) if v.dtype == np.float32 else v) for k, v in d.items()}
        c.add(d, {"weight": f64(r.g.uniform(0.5, 2, 6)), "ignore_index": 2, "label_smoothing": 0.2, "softcap": 2.0,
                  "z_loss": 0.01, "reduction": red})
    # errors: PyTorch's own and the spec's
    r = c.new("%s-err-target-out-of-range" % P)
    c.add(_inputs(r, (3,), 4, 5, t=i64([0, 5, 1])), {}, want="error")
    r = c.new("%s-err-target-negative" % P)
    c.add(_inputs(r, (3,), 4, 5, t=i64([0, -1, 1])), {}, want="error")
    r = c.new("%s-err-hidden-mismatch" % P)
    d = _inputs(r, (3,), 4, 5)
    d["linear_weight"] = r.n(5, 3)
    c.add(d, {}, want="error")
    r = c.new("%s-err-bias-length" % P)
    d = _inputs(r, (3,), 4, 5)
    d["linear_bias"] = r.n(4)
    c.add(d, {}, want="error")
    r = c.new("%s-err-target-shape" % P)
    c.add(_inputs(r, (2, 3), 4, 5, t=r.i(0, 5, 6)), {}, want="error")
    r = c.new("%s-err-target-float" % P)
    d = _inputs(r, (3,), 4, 5)
    d["target"] = f32([0, 1, 2])
    c.add(d, {}, grad=["input", "linear_weight", "linear_bias"], want="error")
    r = c.new("%s-err-weight-length" % P)
    c.add(_inputs(r, (3,), 4, 5), {"weight": f32([1, 1, 1])}, want="error")
    for name, val in (("softcap-zero", {"softcap": 0.0}), ("softcap-negative", {"softcap": -1.0}),
                      ("z-loss-negative", {"z_loss": -0.1}), ("smoothing-above-1", {"label_smoothing": 1.5})):
        r = c.new("%s-err-%s" % (P, name))
        c.add(_inputs(r, (3,), 4, 5), val, want="error")
    r = c.new("%s-err-input-0dim" % P)
    d = _inputs(r, (3,), 4, 5)
    d["input"] = f32(1.0)
    d["target"] = i64(0)
    c.add(d, {}, want="error")


BUILDERS = {"linear_cross_entropy": linear_cross_entropy}
