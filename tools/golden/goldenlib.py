"""Core machinery for the golden-vector generator.

- splitmix64-based generated tensors (the "generate" spec of the fixture format)
- strict-JSON serialisation of tensor objects (float32 values round-trip exactly)
- running a case through PyTorch twice: float64 (upcast from the same float32
  inputs) and PyTorch's own float32 run.

Nothing here depends on which losses exist; see losses.py for the dispatch
table and cases_*.py for the case lists.
"""
import json
import math
import os
import sys
import warnings
import zlib

# Reproducibility of PyTorch's own float32 results: one thread, and a fixed
# vectorisation level (the order of float32 partial sums depends on both).
os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)
torch.manual_seed(0)

# --------------------------------------------------------------------------
# splitmix64 generated tensors
# --------------------------------------------------------------------------
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def splitmix64(x):
    """Vectorised splitmix64 on a uint64 array (wraparound intended)."""
    with np.errstate(over="ignore"):
        z = x + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return z ^ (z >> np.uint64(31))


def _counter(seed, n):
    with np.errstate(over="ignore"):
        return np.uint64(seed) + np.arange(n, dtype=np.uint64)


def splitmix_uniform(seed, n, low, high, dtype="float32"):
    z = splitmix64(_counter(seed, n))
    u = (z >> np.uint64(40)).astype(np.float64) / 16777216.0  # 2**24
    v = float(low) + (float(high) - float(low)) * u  # float64
    return v.astype(np.float32) if dtype == "float32" else v


def splitmix_int(seed, n, lo, hi):
    z = splitmix64(_counter(seed, n))
    return (np.int64(lo) + ((z >> np.uint64(11)) % np.uint64(hi - lo)).astype(np.int64)).astype(np.int64)


class Generated:
    """An input tensor described by a splitmix64 "generate" spec instead of data."""

    def __init__(self, shape, seed, low=None, high=None, int_low=None, int_high=None, dtype=None):
        self.shape = tuple(int(s) for s in shape)
        self.seed = int(seed)
        self.low, self.high, self.int_low, self.int_high = low, high, int_low, int_high
        if int_low is not None:
            self.dtype = "int64"
        else:
            self.dtype = dtype or "float32"

    @property
    def numel(self):
        return int(np.prod(self.shape, dtype=np.int64))

    def materialize(self):
        n = self.numel
        if self.dtype == "int64":
            a = splitmix_int(self.seed, n, self.int_low, self.int_high)
        else:
            a = splitmix_uniform(self.seed, n, self.low, self.high, self.dtype)
        return a.reshape(self.shape)

    def spec(self):
        if self.dtype == "int64":
            return {"splitmix64": self.seed, "int_low": int(self.int_low), "int_high": int(self.int_high)}
        return {"splitmix64": self.seed, "low": float(self.low), "high": float(self.high)}


# --------------------------------------------------------------------------
# JSON serialisation
# --------------------------------------------------------------------------
class Raw:
    """Pre-serialised JSON text."""

    def __init__(self, text):
        self.text = text


def _nonfinite(v):
    if math.isnan(v):
        return '"nan"'
    return '"inf"' if v > 0 else '"-inf"'


def fmt_f32(v):
    """Shortest decimal that gives back the same float32 when parsed as a double
    and rounded to float32 (checked; falls back to the exact double value)."""
    f = np.float32(v)
    x = float(f)
    if not math.isfinite(x):
        return _nonfinite(x)
    s = str(f)  # numpy: shortest repr that round-trips as float32
    if "inf" in s or "nan" in s:
        return _nonfinite(x)
    if np.float32(float(s)) != f or math.copysign(1.0, float(s)) != math.copysign(1.0, x):
        s = repr(x)
    return s


def fmt_f64(v):
    x = float(v)
    if not math.isfinite(x):
        return _nonfinite(x)
    return repr(x)


def tensor_json(arr, dtype=None):
    """Tensor object for a numpy array (or torch tensor) as JSON text."""
    if isinstance(arr, torch.Tensor):
        arr = arr.detach().cpu().numpy()
    arr = np.asarray(arr)
    if dtype is None:
        dtype = {np.dtype(np.float32): "float32", np.dtype(np.float64): "float64",
                 np.dtype(np.int64): "int64"}[arr.dtype]
    flat = arr.reshape(-1)
    if dtype == "float32":
        items = [fmt_f32(v) for v in flat.astype(np.float32)]
    elif dtype == "float64":
        items = [fmt_f64(v) for v in flat.astype(np.float64).tolist()]
    elif dtype == "int64":
        items = [str(int(v)) for v in flat.tolist()]
    else:
        raise ValueError(dtype)
    shape = ",".join(str(int(s)) for s in arr.shape)
    return '{"dtype":"%s","shape":[%s],"data":[%s]}' % (dtype, shape, ",".join(items))


def generated_json(g):
    shape = ",".join(str(s) for s in g.shape)
    return '{"dtype":"%s","shape":[%s],"generate":%s}' % (g.dtype, shape, dumps(g.spec()))


def dumps(o):
    if isinstance(o, Raw):
        return o.text
    if isinstance(o, Generated):
        return generated_json(o)
    if isinstance(o, np.ndarray):
        return tensor_json(o)
    if isinstance(o, dict):
        return "{" + ",".join(json.dumps(str(k)) + ":" + dumps(v) for k, v in o.items()) + "}"
    if isinstance(o, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in o) + "]"
    if isinstance(o, bool) or o is None or isinstance(o, str):
        return json.dumps(o)
    if isinstance(o, (int, np.integer)):
        return str(int(o))
    if isinstance(o, (float, np.floating)):
        return fmt_f64(o)
    raise TypeError(type(o))


# --------------------------------------------------------------------------
# Running cases through torch
# --------------------------------------------------------------------------
def _to_torch(v, upcast):
    if isinstance(v, Generated):
        v = v.materialize()
    if isinstance(v, np.ndarray):
        t = torch.from_numpy(np.array(v, copy=True, order="C"))
        if upcast and t.dtype == torch.float32:
            t = t.double()
        return t
    return v


class TorchRun:
    def __init__(self, ok, output=None, grads=None, error=None, warnings_=None):
        self.ok, self.output, self.grads, self.error = ok, output, grads, error
        self.warnings = warnings_ or []


def run_torch(fn, inputs, options, grad, upcast):
    """fn(inputs: dict[str, Tensor], options: dict) -> Tensor.
    Returns TorchRun; forward exceptions become ok=False."""
    tin = {k: _to_torch(v, upcast) for k, v in inputs.items()}
    topt = {k: _to_torch(v, upcast) for k, v in options.items()}
    for g in grad:
        tin[g].requires_grad_(True)
    with warnings.catch_warnings(record=True) as wl:
        warnings.simplefilter("always")
        try:
            out = fn(tin, topt)
        except Exception as e:  # torch's own rejection
            return TorchRun(False, error=e, warnings_=[str(w.message) for w in wl])
        grads = {}
        if grad:
            try:
                gs = torch.autograd.grad(out.sum(), [tin[g] for g in grad], allow_unused=True)
            except RuntimeError as e:  # a backward torch refuses (mse_loss with an int64 target)
                return TorchRun(False, error=e, warnings_=[str(w.message) for w in wl])
            for name, gv in zip(grad, gs):
                if gv is None:
                    raise RuntimeError("autograd gave no gradient for %r" % name)
                grads[name] = gv.detach()
    return TorchRun(True, output=out.detach(), grads=grads, warnings_=[str(w.message) for w in wl])


def is_float(v):
    if isinstance(v, Generated):
        return v.dtype in ("float32", "float64")
    return isinstance(v, np.ndarray) and v.dtype in (np.float32, np.float64)


def all_float32(inputs, options):
    vals = list(inputs.values()) + [v for v in options.values() if isinstance(v, (np.ndarray, Generated))]
    fl = [v for v in vals if is_float(v)]
    return all((v.dtype == "float32") if isinstance(v, Generated) else (v.dtype == np.float32) for v in fl)


def all_float64(inputs, options):
    vals = list(inputs.values()) + [v for v in options.values() if isinstance(v, (np.ndarray, Generated))]
    fl = [v for v in vals if is_float(v)]
    return all((v.dtype == "float64") if isinstance(v, Generated) else (v.dtype == np.float64) for v in fl)


def seed_of(*parts):
    return zlib.crc32("/".join(str(p) for p in parts).encode()) & 0xFFFFFFFF


class Rng:
    """Per-case random source: seeded from the loss name and the case id, so
    adding or removing a case never changes the data of another."""

    def __init__(self, seed):
        self.g = np.random.default_rng(seed)

    def n(self, *shape, scale=1.0, loc=0.0):
        return np.asarray(self.g.standard_normal(shape) * scale + loc, dtype=np.float32)

    def u(self, *shape, lo=0.0, hi=1.0):
        return np.asarray(self.g.uniform(lo, hi, shape), dtype=np.float32)

    def i(self, lo, hi, *shape):
        return np.asarray(self.g.integers(lo, hi, shape), dtype=np.int64)

    def sign(self, *shape):
        return np.asarray(np.where(self.g.random(shape) < 0.5, -1.0, 1.0), dtype=np.float32)

    def bits(self, *shape):
        return np.asarray(self.g.random(shape) < 0.5, dtype=np.float32)

    def perm(self, n):
        return self.g.permutation(n)

    def softmax(self, *shape, scale=1.0, axis=-1):
        x = self.g.standard_normal(shape) * scale
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return (e / e.sum(axis=axis, keepdims=True)).astype(np.float32)

    def log_softmax(self, *shape, scale=1.0, axis=-1):
        x = self.g.standard_normal(shape) * scale
        m = x.max(axis=axis, keepdims=True)
        return (x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))).astype(np.float32)

    def gen_seed(self):
        return int(self.g.integers(1, 2**31))


def f32(x):
    return np.asarray(x, dtype=np.float32)


def f64(x):
    return np.asarray(x, dtype=np.float64)


def i64(x):
    return np.asarray(x, dtype=np.int64)
