#!/usr/bin/python3
"""Generate the golden-vector fixtures src/test/resources/golden/<loss>.jsonl.

Run from the repository root:

    /usr/bin/python3 tools/golden/generate.py               # every loss
    /usr/bin/python3 tools/golden/generate.py --only mse_loss --only kl_div

Deterministic: fixed seeds, one torch thread.  See tools/golden/README.md.
"""
import argparse
import collections
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import goldenlib as gl  # noqa: E402
from losses import LOSSES  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_OUT = os.path.join(REPO, "src", "test", "resources", "golden")


class LossCases:
    """Collects the cases of one loss and turns them into fixture lines."""

    def __init__(self, loss):
        self.loss = loss
        self.order, self.gradable, self.fn = LOSSES[loss]
        self.lines = []
        self.ids = set()
        self.cur = None
        self.n_ok = self.n_err = 0
        self.warnings = collections.Counter()
        self.surprises = []

    # -- building ----------------------------------------------------------
    def new(self, cid):
        """Start case `cid`; returns its private random source."""
        if cid in self.ids:
            raise AssertionError("duplicate id %s" % cid)
        self.cur = cid
        return gl.Rng(gl.seed_of(self.loss, cid))

    def add(self, inputs, options=None, grad=None, cid=None, want=None):
        """Add a case.  grad=None: every floating input torch differentiates.
        want='error' / 'ok': what the case is meant to show; a mismatch with
        what torch really does is reported (the fixture records torch)."""
        cid = cid or self.cur
        if cid in self.ids:
            raise AssertionError("duplicate id %s" % cid)
        self.ids.add(cid)
        self.cur = None
        options = dict(options or {})
        # the "generate" form is only for inputs of more than 20000 elements
        inputs = {k: (v.materialize() if isinstance(v, gl.Generated) and v.numel <= 20000 else v)
                  for k, v in inputs.items()}
        assert not any(isinstance(v, gl.Generated) for v in options.values()), cid
        for k, v in list(inputs.items()) + [(k, v) for k, v in options.items() if isinstance(v, np.generic)]:
            assert isinstance(v, (np.ndarray, gl.Generated)), "%s: input %s is a %s" % (cid, k, type(v))
        inputs = {k: inputs[k] for k in self.order if k in inputs} | \
                 {k: v for k, v in inputs.items() if k not in self.order}
        if grad is None:
            grad = [k for k in inputs if k in self.gradable and gl.is_float(inputs[k])]
        grad = list(grad)

        native32 = gl.all_float32(inputs, options)
        r64 = gl.run_torch(self.fn, inputs, options, grad, upcast=True)
        r32 = gl.run_torch(self.fn, inputs, options, grad, upcast=False) if native32 else None
        # the dtype PyTorch returns for the case's own dtypes (mixed float32/float64 inputs: a third run)
        mixed = not native32 and not gl.all_float64(inputs, options)
        native = r32 if native32 else gl.run_torch(self.fn, inputs, options, grad, upcast=False) if mixed else r64
        for w in native.warnings:
            self.warnings[w[:160]] += 1
        if native32 and r32.ok != r64.ok:
            self.surprises.append("%s: float32 ok=%s but float64 ok=%s (%s)" % (
                cid, r32.ok, r64.ok, r32.error or r64.error))
        if want == "error" and native.ok:
            self.surprises.append("%s: expected torch to raise, it did not (recorded as success)" % cid)
        if want == "ok" and not native.ok:
            self.surprises.append("%s: torch raised %s: %s" % (cid, type(native.error).__name__, native.error))

        if native.ok:
            expect = {"ok": True,
                      "dtype": str(native.output.dtype).replace("torch.", ""),
                      "output": gl.Raw(gl.tensor_json(r64.output.numpy(), "float64")),
                      "grads": {g: gl.Raw(gl.tensor_json(r64.grads[g].numpy(), "float64")) for g in grad}}
            if native32:
                expect["torch_float32"] = {
                    "output": gl.Raw(gl.tensor_json(r32.output.numpy(), "float32")),
                    "grads": {g: gl.Raw(gl.tensor_json(r32.grads[g].numpy(), "float32")) for g in grad}}
            self.n_ok += 1
        else:
            expect = {"ok": False, "error_type": "invalid_argument", "torch_message": str(native.error)}
            self.n_err += 1

        case = {"id": cid, "loss": self.loss, "options": options, "inputs": inputs,
                "grad": grad, "expect": expect}
        line = gl.dumps(case)
        if len(line) > 4_000_000:
            self.surprises.append("%s: line is %.1f MB" % (cid, len(line) / 1e6))
        self.lines.append(line)

    # -- output ------------------------------------------------------------
    def write(self, out_dir):
        path = os.path.join(out_dir, self.loss + ".jsonl")
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="ascii", newline="\n") as f:
            for line in self.lines:
                f.write(line)
                f.write("\n")
        os.replace(tmp, path)
        return path, os.path.getsize(path)


def all_builders():
    import cases_group1
    import cases_group2
    import cases_ctc
    import cases_lce
    b = {}
    for m in (cases_group1, cases_group2, cases_ctc, cases_lce):
        b.update(m.BUILDERS)
    return b


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", action="append", metavar="LOSS",
                    help="regenerate only this loss (repeatable, or comma-separated)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    ap.add_argument("--list", action="store_true", help="list the losses and exit")
    args = ap.parse_args(argv)

    builders = all_builders()
    if args.list:
        print("\n".join(builders))
        return 0
    names = list(builders)
    if args.only:
        names = [n for o in args.only for n in o.split(",") if n]
        bad = [n for n in names if n not in builders]
        if bad:
            ap.error("unknown loss %s; known: %s" % (", ".join(bad), ", ".join(builders)))
    os.makedirs(args.out, exist_ok=True)
    total = 0
    for name in names:
        t0 = time.time()
        lc = LossCases(name)
        builders[name](lc)
        path, size = lc.write(args.out)
        total += size
        print("%-36s %4d cases (%3d ok, %3d error) %9.1f kB  %5.1fs" % (
            name, len(lc.lines), lc.n_ok, lc.n_err, size / 1024, time.time() - t0), flush=True)
        for w, n in lc.warnings.items():
            print("    torch warning x%d: %s" % (n, w), flush=True)
        for s in lc.surprises:
            print("    NOTE: " + s, flush=True)
    print("total %.2f MB written to %s" % (total / 1e6, os.path.relpath(args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
