"""ctc_loss cases: padded and concatenated targets, every reduction, zero_infinity, blank not 0,
repeated labels, zero-length targets, impossible alignments, unbatched, long sequences
(T = 1000, S = 200) and PyTorch's argument errors.

Cases avoid what PyTorch 1.13 leaves undefined (it reads out of bounds or uninitialised memory):
target labels outside [0, C), negative lengths, input_lengths of 0."""
import numpy as np

from goldenlib import i64

REDS = ["none", "mean", "sum"]


def _targets(r, C, blank, lengths, S, repeats=0.0):
    """Padded (N, S) labels in [0, C) other than blank; with probability `repeats` a label repeats
    the previous one. Padding is filled with labels too (PyTorch ignores it)."""
    labels = [c for c in range(C) if c != blank]
    t = np.asarray(labels, dtype=np.int64)[r.i(0, len(labels), len(lengths), max(S, 1))][:, :S]
    if repeats > 0 and S > 1:
        rep = r.u(len(lengths), S) < repeats
        for n in range(len(lengths)):
            for s in range(1, S):
                if rep[n, s]:
                    t[n, s] = t[n, s - 1]
    return np.ascontiguousarray(t, dtype=np.int64)


def _concat(t, lengths):
    return i64(np.concatenate([t[n, :lengths[n]] for n in range(len(lengths))]) if len(lengths) else np.zeros(0))


def ctc_loss(c):
    # T, N, C, S, input lengths, target lengths, blank, repeat probability
    shapes = {
        "small": (6, 3, 5, 3, [6, 5, 6], [3, 2, 1], 0, 0.0),
        "varlen": (12, 4, 7, 5, [12, 9, 4, 7], [5, 3, 1, 0], 0, 0.0),
        "blank-last": (10, 3, 6, 4, [10, 8, 10], [4, 3, 2], 5, 0.0),
        "blank-mid": (10, 3, 6, 4, [10, 7, 9], [4, 4, 2], 2, 0.0),
        "repeats": (15, 3, 4, 6, [15, 12, 15], [6, 5, 4], 0, 0.7),
        "zero-targets": (8, 3, 5, 3, [8, 5, 1], [0, 0, 0], 0, 0.0),
        "wide": (20, 2, 70, 8, [20, 17], [8, 6], 3, 0.2),
        "big-wg": (90, 2, 9, 70, [90, 88], [70, 40], 0, 0.1),
    }
    for name, (T, N, C, S, il, tl, blank, rep) in shapes.items():
        for layout in ["padded", "concat"]:
            for red in REDS:
                r = c.new("%s-%s-%s" % (name, layout, red))
                tg = _targets(r, C, blank, tl, S, rep)
                targets = tg if layout == "padded" else _concat(tg, tl)
                c.add({"log_probs": r.log_softmax(T, N, C, scale=2), "targets": targets,
                       "input_lengths": i64(il), "target_lengths": i64(tl)},
                      {"blank": blank, "reduction": red}, want="ok")
    # impossible alignments: target longer than the input allows (a repeat needs a blank between)
    for zi in [False, True]:
        for red in REDS:
            r = c.new("impossible-zi%d-%s" % (zi, red))
            tg = i64([[1, 1, 2, 2], [1, 2, 3, 1], [3, 3, 3, 0]])
            c.add({"log_probs": r.log_softmax(5, 3, 4), "targets": tg,
                   "input_lengths": i64([5, 3, 5]), "target_lengths": i64([4, 4, 3])},
                  {"reduction": red, "zero_infinity": zi}, want="ok")
            r = c.new("impossible-repeats-zi%d-%s" % (zi, red))
            tg = i64([[2, 2, 2], [2, 2, 2]])
            c.add({"log_probs": r.log_softmax(4, 2, 3), "targets": tg,
                   "input_lengths": i64([4, 5 - 1]), "target_lengths": i64([3, 2])},
                  {"reduction": red, "zero_infinity": zi}, want="ok")
    # a target label equal to blank (PyTorch accepts it)
    r = c.new("target-is-blank")
    c.add({"log_probs": r.log_softmax(7, 2, 4), "targets": i64([[1, 0, 2], [0, 0, 3]]),
           "input_lengths": i64([7, 6]), "target_lengths": i64([3, 3])}, {"reduction": "none"}, want="ok")
    # unbatched
    for red in REDS:
        r = c.new("unbatched-1d-%s" % red)
        c.add({"log_probs": r.log_softmax(9, 5), "targets": i64([1, 2, 2, 4]),
               "input_lengths": i64(9), "target_lengths": i64(4)}, {"reduction": red}, want="ok")
    r = c.new("unbatched-2d-targets")
    c.add({"log_probs": r.log_softmax(9, 5), "targets": i64([[3, 2, 1, 1, 4]]),
           "input_lengths": i64([8]), "target_lengths": i64([3])}, {"reduction": "none", "blank": 4}, want="ok")
    # float64 log_probs; unnormalised log_probs (PyTorch does not require a log_softmax)
    r = c.new("float64")
    c.add({"log_probs": r.log_softmax(8, 3, 5).astype(np.float64), "targets": i64([[1, 2], [3, 3], [4, 1]]),
           "input_lengths": i64([8, 8, 6]), "target_lengths": i64([2, 2, 1])}, {"reduction": "mean"}, want="ok")
    r = c.new("unnormalised")
    c.add({"log_probs": r.n(8, 2, 5), "targets": i64([[1, 2, 3], [3, 3, 1]]),
           "input_lengths": i64([8, 7]), "target_lengths": i64([3, 2])}, {"reduction": "sum"}, want="ok")
    # long sequences: T = 1000, S = 200
    for name, blank, rep in [("long", 0, 0.1), ("long-blank3-repeats", 3, 0.5)]:
        for red in ["none", "mean"]:
            r = c.new("%s-%s" % (name, red))
            T, N, C, S = 1000, 2, 8, 200
            il, tl = [1000, 870], [200, 150]
            tg = _targets(r, C, blank, tl, S, rep)
            c.add({"log_probs": r.log_softmax(T, N, C, scale=1.5), "targets": tg,
                   "input_lengths": i64(il), "target_lengths": i64(tl)},
                  {"blank": blank, "reduction": red, "zero_infinity": True}, want="ok")
    r = c.new("long-concat-sum")
    T, N, C, S = 1000, 1, 12, 200
    tg = _targets(r, C, 0, [200], S, 0.2)
    c.add({"log_probs": r.log_softmax(T, N, C), "targets": _concat(tg, [200]),
           "input_lengths": i64([1000]), "target_lengths": i64([200])}, {"reduction": "sum"}, want="ok")

    # errors
    def base(r):
        return {"log_probs": r.log_softmax(6, 2, 5), "targets": i64([[1, 2, 3], [4, 4, 1]]),
                "input_lengths": i64([6, 5]), "target_lengths": i64([3, 2])}
    for cid, change, opts in [
        ("err-blank-eq-C", {}, {"blank": 5}),
        ("err-blank-negative", {}, {"blank": -1}),
        ("err-input-length-gt-T", {"input_lengths": i64([7, 5])}, {}),
        ("err-target-length-gt-S", {"target_lengths": i64([4, 2])}, {}),
        ("err-concat-too-short", {"targets": i64([1, 2, 3, 4])}, {}),
        ("err-concat-too-long", {"targets": i64([1, 2, 3, 4, 4, 1])}, {}),
        ("err-padded-rows", {"targets": i64([[1, 2, 3]])}, {}),
        ("err-input-lengths-size", {"input_lengths": i64([6, 5, 4])}, {}),
        ("err-target-lengths-size", {"target_lengths": i64([3])}, {}),
        ("err-targets-3d", {"targets": i64([[[1, 2, 3]], [[4, 4, 1]]])}, {}),
        ("err-log-probs-4d", {"log_probs": np.zeros((6, 2, 5, 1), dtype=np.float32)}, {}),
        ("err-log-probs-1d", {"log_probs": np.zeros((6,), dtype=np.float32)}, {}),
        ("err-lengths-float", {"input_lengths": np.asarray([6.0, 5.0], dtype=np.float32)}, {}),
    ]:
        r = c.new(cid)
        inputs = base(r)
        inputs.update(change)
        c.add(inputs, opts, want="error")


BUILDERS = {"ctc_loss": ctc_loss}
