"""ctc_loss cases.  log_probs are log_softmax of random float32 (stored as
float32 data); the float64 expectation upcasts those same values."""
import numpy as np

from goldenlib import f32, f64, i64
from cases_group1 import G, REDS

GRAD = ["log_probs"]


def _labels(r, C, blank, n):
    """n labels in [0, C) avoiding blank."""
    v = r.i(0, C - 1, n)
    return np.where(v >= blank, v + 1, v).astype(np.int64)


def _batch(r, T, N, C, S, blank=0, il=None, tl=None):
    lp = r.log_softmax(T, N, C, scale=2)
    tl = i64(tl if tl is not None else r.i(1, S + 1, N))
    il = i64(il if il is not None else np.full(N, T))
    tg = np.zeros((N, S), np.int64)
    for n in range(N):
        tg[n, :] = _labels(r, C, blank, S)
        tg[n, tl[n]:] = blank if blank != 0 else 0  # padding (ignored by torch)
    return lp, tg, il, tl


def _case(lp, tg, il, tl):
    return {"log_probs": lp, "targets": tg, "input_lengths": il, "target_lengths": tl}


def _concat(tg, tl):
    return np.concatenate([tg[n, :tl[n]] for n in range(len(tl))]).astype(np.int64)


def ctc_loss(c):
    p = "ctc"
    for red in REDS:
        r = c.new("%s-padded-%s" % (p, red))
        c.add(_case(*_batch(r, 12, 3, 5, 4)), {"reduction": red})
        r = c.new("%s-concat-%s" % (p, red))
        lp, tg, il, tl = _batch(r, 12, 3, 5, 4, il=[12, 10, 7])
        c.add(_case(lp, _concat(tg, tl), il, tl), {"reduction": red})
        r = c.new("%s-unbatched-%s" % (p, red))
        lp = r.log_softmax(10, 6, scale=2)
        c.add(_case(lp, _labels(r, 6, 0, 4), i64(10), i64(4)), {"reduction": red})
    r = c.new("%s-defaults" % p)
    c.add(_case(*_batch(r, 8, 2, 4, 3)), {})
    r = c.new("%s-unbatched-lengths-1d-mean" % p)
    lp = r.log_softmax(9, 5, scale=2)
    c.add(_case(lp, _labels(r, 5, 0, 3), i64([8]), i64([3])), {"reduction": "mean"})
    r = c.new("%s-err-unbatched-target-longer-than-length" % p)  # a 1-D target is the concatenated form
    lp = r.log_softmax(9, 5, scale=2)
    c.add(_case(lp, i64([2, 3, 1, 0, 0]), i64(9), i64(3)), {"reduction": "none"}, want="error")
    # blank other than 0
    for blank in (4, 2):
        for red in ("none", "mean"):
            r = c.new("%s-blank%d-%s" % (p, blank, red))
            c.add(_case(*_batch(r, 10, 3, 5, 4, blank=blank)), {"blank": blank, "reduction": red})
    r = c.new("%s-blank-last-concat-sum" % p)
    lp, tg, il, tl = _batch(r, 10, 2, 7, 5, blank=6)
    c.add(_case(lp, _concat(tg, tl), il, tl), {"blank": 6, "reduction": "sum"})
    # repeated labels need a blank in between; impossible alignments are inf
    r = c.new("%s-repeats-none" % p)
    lp = r.log_softmax(8, 3, 4, scale=2)
    c.add(_case(lp, i64([[1, 1, 2, 2], [3, 3, 3, 0], [1, 2, 1, 2]]), i64([8, 8, 8]), i64([4, 3, 4])),
          {"reduction": "none"})
    r = c.new("%s-tight-alignment-none" % p)  # T == L + number of repeats: exactly one path... or few
    lp = r.log_softmax(6, 2, 4, scale=2)
    c.add(_case(lp, i64([[1, 1, 2, 2], [1, 2, 3, 1]]), i64([6, 4]), i64([4, 4])), {"reduction": "none"})
    for zi in (False, True):
        for red in REDS:
            r = c.new("%s-impossible-zero-infinity-%s-%s" % (p, "T" if zi else "F", red))
            lp = r.log_softmax(5, 3, 4, scale=2)
            c.add(_case(lp, i64([[1, 1, 1], [1, 2, 3], [2, 2, 0]]), i64([4, 5, 2]), i64([3, 3, 2])),
                  {"zero_infinity": zi, "reduction": red})
    r = c.new("%s-possible-zero-infinity-mean" % p)  # zero_infinity changes nothing here
    c.add(_case(*_batch(r, 10, 2, 5, 3)), {"zero_infinity": True})
    # zero-length targets: the all-blank path; mean divides by max(target_length, 1)
    for red in REDS:
        r = c.new("%s-zero-length-target-%s" % (p, red))
        lp, tg, il, tl = _batch(r, 7, 3, 4, 3, tl=[0, 2, 0], il=[7, 6, 3])
        c.add(_case(lp, tg, il, tl), {"reduction": red})
    r = c.new("%s-zero-length-target-concat-none" % p)
    lp, tg, il, tl = _batch(r, 7, 3, 4, 3, tl=[0, 2, 0])
    c.add(_case(lp, _concat(tg, tl), il, tl), {"reduction": "none"})
    r = c.new("%s-all-zero-length-targets-concat-mean" % p)
    lp = r.log_softmax(5, 2, 3)
    c.add(_case(lp, np.zeros((0,), np.int64), i64([5, 3]), i64([0, 0])), {"reduction": "mean"})
    # (input_length 0 is left out: torch 1.13 reads uninitialised memory for it)
    r = c.new("%s-input-length-shorter-than-T-sum" % p)  # frames beyond input_length get no gradient
    c.add(_case(*_batch(r, 12, 4, 5, 3, il=[12, 9, 5, 3], tl=[3, 2, 2, 1])), {"reduction": "sum"})
    r = c.new("%s-T1-none" % p)
    lp = r.log_softmax(1, 3, 4)
    c.add(_case(lp, i64([[1], [2], [0]]), i64([1, 1, 1]), i64([1, 1, 0])), {"reduction": "none"})
    r = c.new("%s-C2-none" % p)
    lp = r.log_softmax(6, 2, 2)
    c.add(_case(lp, i64([[1, 1], [1, 0]]), i64([6, 6]), i64([2, 1])), {"reduction": "none"})
    r = c.new("%s-large-C-mean" % p)
    c.add(_case(*_batch(r, 15, 3, 100, 6)), {"reduction": "mean"})
    r = c.new("%s-varied-lengths-N7-none" % p)
    c.add(_case(*_batch(r, 20, 7, 6, 9, il=[20, 19, 15, 11, 8, 20, 13], tl=[9, 1, 5, 0, 4, 7, 6])),
          {"reduction": "none"})
    r = c.new("%s-peaked-log-probs-none" % p)  # near-deterministic frames (values around -30)
    lp = r.log_softmax(8, 2, 5, scale=15)
    c.add(_case(lp, i64([[1, 2, 3], [4, 4, 0]]), i64([8, 8]), i64([3, 2])), {"reduction": "none"})
    r = c.new("%s-unnormalized-log-probs-none" % p)  # torch's gradient formula assumes log_softmax input
    c.add(_case(r.n(6, 2, 4), i64([[1, 2], [3, 0]]), i64([6, 6]), i64([2, 1])), {"reduction": "none"})
    r = c.new("%s-neginf-log-probs-none" % p)
    lp = r.log_softmax(6, 2, 4)
    lp[:, :, 3] = -np.inf
    c.add(_case(lp, i64([[1, 2], [3, 0]]), i64([6, 6]), i64([2, 1])), {"reduction": "none"})
    r = c.new("%s-target-contains-blank-none" % p)  # accepted by torch
    lp = r.log_softmax(8, 1, 4)
    c.add(_case(lp, i64([[1, 0, 2]]), i64([8]), i64([3])), {"reduction": "none"})
    # long sequences
    cid = "%s-long-T1000-N2-C20-S200-mean" % p
    r = c.new(cid)
    lp = r.log_softmax(1000, 2, 20, scale=1.5)
    tg = np.stack([_labels(r, 20, 0, 200), _labels(r, 20, 0, 200)])
    c.add(_case(lp, tg, i64([1000, 950]), i64([200, 173])), {"reduction": "mean"})
    cid = "%s-long-T1000-N16-C50-generated-none-nograd" % p  # log_probs not normalised
    r = c.new(cid)
    tl = r.i(50, 301, 16)
    tg = np.stack([_labels(r, 50, 0, 300) for _ in range(16)])
    c.add(_case(G(c, cid, "log_probs", (1000, 16, 50), -6, -2), tg, r.i(700, 1001, 16), tl),
          {"reduction": "none"}, grad=[])
    cid = "%s-long-T2000-N4-C30-zero-infinity-mean-nograd" % p
    r = c.new(cid)
    tg = np.stack([_labels(r, 30, 0, 600) for _ in range(4)])
    c.add(_case(G(c, cid, "log_probs", (2000, 4, 30), -5, -1), tg, i64([2000, 1999, 1500, 1000]),
                i64([600, 17, 400, 600])), {"reduction": "mean", "zero_infinity": True}, grad=[])
    # float64
    r = c.new("%s-f64-none" % p)
    lp, tg, il, tl = _batch(r, 9, 2, 5, 3)
    c.add(_case(lp.astype(np.float64), tg, il, tl), {"reduction": "none"})
    r = c.new("%s-f64-blank-last-mean" % p)
    lp, tg, il, tl = _batch(r, 9, 2, 5, 3, blank=4)
    c.add(_case(lp.astype(np.float64), tg, il, tl), {"blank": 4, "reduction": "mean"})
    # empty batch
    for red in REDS:
        c.new("%s-empty-batch-%s" % (p, red))
        c.add(_case(np.zeros((5, 0, 3), np.float32), np.zeros((0, 2), np.int64), np.zeros((0,), np.int64),
                    np.zeros((0,), np.int64)), {"reduction": red})
    # errors
    r = c.new("%s-err-input-length-above-T" % p)
    lp, tg, il, tl = _batch(r, 6, 2, 4, 3)
    c.add(_case(lp, tg, i64([7, 5]), tl), {}, want="error")
    r = c.new("%s-err-target-length-above-S" % p)
    lp, tg, il, tl = _batch(r, 6, 2, 4, 3)
    c.add(_case(lp, tg, il, i64([4, 2])), {}, want="error")
    r = c.new("%s-err-blank-equals-C" % p)
    c.add(_case(*_batch(r, 6, 2, 4, 3)), {"blank": 4}, want="error")
    r = c.new("%s-err-blank-negative" % p)
    c.add(_case(*_batch(r, 6, 2, 4, 3)), {"blank": -1}, want="error")
    r = c.new("%s-err-input-lengths-size" % p)
    lp, tg, il, tl = _batch(r, 6, 2, 4, 3)
    c.add(_case(lp, tg, i64([6]), tl), {}, want="error")
    r = c.new("%s-err-target-lengths-size" % p)
    lp, tg, il, tl = _batch(r, 6, 2, 4, 3)
    c.add(_case(lp, tg, il, i64([3, 2, 1])), {}, want="error")
    r = c.new("%s-err-targets-batch" % p)
    lp, tg, il, tl = _batch(r, 6, 2, 4, 3)
    c.add(_case(lp, tg[:1], il, tl), {}, want="error")
    r = c.new("%s-err-concat-too-short" % p)
    lp, tg, il, tl = _batch(r, 6, 2, 4, 3, tl=[3, 2])
    c.add(_case(lp, _concat(tg, tl)[:4], il, tl), {}, want="error")
    r = c.new("%s-err-4d-log-probs" % p)
    lp, tg, il, tl = _batch(r, 6, 2, 4, 3)
    c.add(_case(lp[None], tg, il, tl), {}, want="error")
    r = c.new("%s-err-reduction-avg" % p)
    c.add(_case(*_batch(r, 6, 2, 4, 3)), {"reduction": "avg"}, want="error")


BUILDERS = {"ctc_loss": ctc_loss}
