#!/usr/bin/python3
"""Check the fixtures the way the Java side reads them.

    /usr/bin/python3 tools/golden/verify.py [--only LOSS] [--rerun]

- every line is strict JSON (no NaN/Infinity tokens) with the expected keys;
- every float32 decimal, parsed as a double and rounded to float32, is a
  float32 value whose shortest repr is the written text or which round-trips;
- tensor objects have data of the right length, or a valid "generate" spec,
  re-implemented here in plain Python integers (independent of the numpy one);
- grads keys match the case's grad list; torch_float32 present iff all float
  inputs are float32;
- with --rerun: every case is parsed back into tensors and run through torch
  again; outputs and gradients must equal the recorded ones bit for bit.
"""
import argparse
import glob
import json
import math
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
REPO = os.path.dirname(os.path.dirname(HERE))
GOLDEN = os.path.join(REPO, "src", "test", "resources", "golden")

M64 = (1 << 64) - 1


def splitmix64_py(x):
    z = (x + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def to_f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def bad_constant(name):
    raise ValueError("non-strict JSON constant %s" % name)


def fval(v):
    if isinstance(v, str):
        return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}[v]
    return float(v)


def check_tensor(t, where, allow_generate):
    import goldenlib as gl
    assert set(t) in ({"dtype", "shape", "data"}, {"dtype", "shape", "generate"}), (where, list(t))
    n = 1
    for s in t["shape"]:
        assert isinstance(s, int) and s >= 0, where
        n *= s
    if "generate" in t:
        assert allow_generate, where + ": generate only allowed on inputs"
        assert n > 20000, where + ": generate used for a small tensor"
        g = t["generate"]
        if t["dtype"] == "int64":
            assert set(g) == {"splitmix64", "int_low", "int_high"}, where
            # spot-check against the numpy implementation
            import goldenlib as gl
            a = gl.splitmix_int(g["splitmix64"], min(n, 50), g["int_low"], g["int_high"])
            for i in range(min(n, 50)):
                want = g["int_low"] + (splitmix64_py(g["splitmix64"] + i) >> 11) % (g["int_high"] - g["int_low"])
                assert int(a[i]) == want, where
        else:
            assert set(g) == {"splitmix64", "low", "high"}, where
            import goldenlib as gl
            a = gl.splitmix_uniform(g["splitmix64"], min(n, 50), g["low"], g["high"], t["dtype"])
            for i in range(min(n, 50)):
                u = (splitmix64_py(g["splitmix64"] + i) >> 40) / 2.0 ** 24
                want = g["low"] + (g["high"] - g["low"]) * u
                if t["dtype"] == "float32":
                    want = to_f32(want)
                assert float(a[i]) == want, where
        return
    d = t["data"]
    assert len(d) == n, "%s: %d values for shape %s" % (where, len(d), t["shape"])
    if t["dtype"] == "int64":
        assert all(isinstance(v, int) for v in d), where
    else:
        for v in d:
            assert isinstance(v, (int, float)) or v in ("nan", "inf", "-inf"), (where, v)
            if t["dtype"] == "float32" and not isinstance(v, str):
                x = to_f32(float(v))  # must not overflow; and the text must be what the writer gives x
                assert math.isfinite(x), (where, v)
                assert float(gl.fmt_f32(x)) == float(v), "%s: %r is not the shortest text of a float32" % (where, v)


def check_file(path, rerun):
    n = 0
    ids = set()
    loss_name = os.path.basename(path)[:-len(".jsonl")]
    if rerun:
        import numpy as np
        import goldenlib as gl
        from losses import LOSSES
        fn = LOSSES[loss_name][2]
    with open(path, encoding="ascii") as f:
        for lineno, line in enumerate(f, 1):
            case = json.loads(line, parse_constant=bad_constant)
            where = "%s:%d %s" % (os.path.basename(path), lineno, case.get("id"))
            assert set(case) == {"id", "loss", "options", "inputs", "grad", "expect"}, where
            assert case["loss"] == loss_name, where
            assert case["id"] not in ids, where + " duplicate id"
            ids.add(case["id"])
            for k, t in case["inputs"].items():
                check_tensor(t, where + " input " + k, True)
            for k, v in case["options"].items():
                if isinstance(v, dict):
                    check_tensor(v, where + " option " + k, False)
            e = case["expect"]
            assert all(g in case["inputs"] for g in case["grad"]), where
            if e["ok"]:
                assert set(e) <= {"ok", "output", "grads", "torch_float32"}, where
                check_tensor(e["output"], where + " output", False)
                assert e["output"]["dtype"] == "float64"
                assert list(e["grads"]) == case["grad"], where
                for g, t in e["grads"].items():
                    check_tensor(t, where + " grad " + g, False)
                    assert t["shape"] == case["inputs"][g]["shape"], where
                floats = [t["dtype"] for t in list(case["inputs"].values()) +
                          [v for v in case["options"].values() if isinstance(v, dict)]
                          if t["dtype"].startswith("float")]
                assert ("torch_float32" in e) == all(d == "float32" for d in floats), where
                if "torch_float32" in e:
                    tf = e["torch_float32"]
                    check_tensor(tf["output"], where + " f32 output", False)
                    assert tf["output"]["shape"] == e["output"]["shape"], where
                    assert list(tf["grads"]) == case["grad"], where
                    for g, t in tf["grads"].items():
                        check_tensor(t, where + " f32 grad " + g, False)
            else:
                assert set(e) == {"ok", "error_type", "torch_message"}, where
                assert e["error_type"] == "invalid_argument" and e["torch_message"], where
            if rerun:
                rerun_case(case, fn, where)
            n += 1
    return n


def _from_json(t):
    import numpy as np
    import goldenlib as gl
    if "generate" in t:
        g = t["generate"]
        if t["dtype"] == "int64":
            return gl.Generated(t["shape"], g["splitmix64"], int_low=g["int_low"], int_high=g["int_high"])
        return gl.Generated(t["shape"], g["splitmix64"], low=g["low"], high=g["high"], dtype=t["dtype"])
    dt = {"float32": np.float32, "float64": np.float64, "int64": np.int64}[t["dtype"]]
    if t["dtype"] == "int64":
        a = np.array(t["data"], dtype=np.int64)
    else:
        a = np.array([fval(v) for v in t["data"]], dtype=np.float64).astype(dt)
    return a.reshape(t["shape"])


def _same(a, t, where):
    import numpy as np
    want = np.array([fval(v) for v in t["data"]], dtype=np.float64)
    if t["dtype"] == "float32":
        want = want.astype(np.float32).astype(np.float64)
    got = a.reshape(-1).astype(np.float64)
    assert list(a.shape) == t["shape"], where
    ok = (got == want) | (np.isnan(got) & np.isnan(want))
    ok &= (np.signbit(got) == np.signbit(want)) | np.isnan(want)
    assert ok.all(), "%s: %d values differ, e.g. %r vs %r" % (
        where, (~ok).sum(), got[~ok][:3], want[~ok][:3])


def rerun_case(case, fn, where):
    import goldenlib as gl
    inputs = {k: _from_json(t) for k, t in case["inputs"].items()}
    options = {k: (_from_json(v) if isinstance(v, dict) else v) for k, v in case["options"].items()}
    e = case["expect"]
    r64 = gl.run_torch(fn, inputs, options, case["grad"], upcast=True)
    if "torch_float32" in e or not e["ok"]:
        native32 = gl.all_float32(inputs, options)
        r = gl.run_torch(fn, inputs, options, case["grad"], upcast=False) if native32 else r64
    if not e["ok"]:
        assert not r.ok and str(r.error) == e["torch_message"], where
        return
    _same(r64.output.numpy(), e["output"], where + " output")
    for g in case["grad"]:
        _same(r64.grads[g].numpy(), e["grads"][g], where + " grad " + g)
    if "torch_float32" in e:
        _same(r.output.numpy(), e["torch_float32"]["output"], where + " f32 output")
        for g in case["grad"]:
            _same(r.grads[g].numpy(), e["torch_float32"]["grads"][g], where + " f32 grad " + g)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", action="append")
    ap.add_argument("--rerun", action="store_true")
    ap.add_argument("--dir", default=GOLDEN)
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(a.dir, "*.jsonl")))
    if a.only:
        names = {n for o in a.only for n in o.split(",")}
        files = [f for f in files if os.path.basename(f)[:-6] in names]
    total = 0
    size = 0
    for f in files:
        n = check_file(f, a.rerun)
        total += n
        size += os.path.getsize(f)
        print("%-40s %4d cases ok" % (os.path.basename(f), n), flush=True)
    print("%d cases, %.2f MB" % (total, size / 1e6))


if __name__ == "__main__":
    main()
