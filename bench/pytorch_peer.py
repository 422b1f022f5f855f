#!/usr/bin/python3
"""PyTorch peer of `losscl bench --peers`: on the CPU, or on a CUDA GPU (the spec's "device": "cuda").

Reads the bench's case description (JSON file given as argv[1]: threads, device, warmup, repeats, the warm-up rule
(min_warmup_s, max_warmup_s, warm_calls), and cases with
loss, options, inputs {name, dtype, shape, gen, lo, hi} and grads), times each case forward
(under no_grad) and forward+backward (gradients of the case's `grads` inputs), and prints JSON:
{"peer": "pytorch", "version", "threads", "device", "glibc_tunables", "results": [{"id", "pass", "ms": [...]}],
 "skipped": [{"id", "reason"}]}.  linear_cross_entropy (not in torch.nn.functional) is F.cross_entropy(F.linear(...));
its forward+backward result also has "peak_extra_bytes": the growth of the resident set (VmHWM after
/proc/self/clear_refs reset it, less VmRSS before) over one call before the warm-up, less the gradients it creates.  Run with /usr/bin/python3 (Debian's python3-torch).
The bench runs it twice: with and without
GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184 (glibc keeping freed
memory, so large tensors do not page-fault afresh on every call); the output says which.
On CUDA each timed call ends with torch.cuda.synchronize(), so the time covers the kernels, not their launch.
"""
import json
import os
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print("pytorch_peer: python3-torch is not installed (apt-get install python3-torch)", file=sys.stderr)
    sys.exit(3)


def make(spec, gen_seed):
    g = torch.Generator().manual_seed(gen_seed)
    shape = spec["shape"]
    kind = spec["gen"]
    if kind == "int":
        return torch.randint(spec["lo"], spec["hi"], shape, generator=g, dtype=torch.int64)
    if kind == "full":
        return torch.full(shape, spec["lo"], dtype=torch.int64)
    dtype = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16,
             "bfloat16": torch.bfloat16}[spec["dtype"]]
    if kind == "randn":
        t = torch.randn(shape, generator=g)
    elif kind == "rand":
        t = torch.rand(shape, generator=g)
    elif kind == "sign":
        t = torch.randint(0, 2, shape, generator=g).float() * 2 - 1
    elif kind == "log_softmax":
        t = torch.log_softmax(torch.randn(shape, generator=g), dim=-1)
    elif kind == "softmax":
        t = torch.softmax(torch.randn(shape, generator=g), dim=-1)
    else:
        raise ValueError("unknown generator " + kind)
    return t.to(dtype).contiguous()


def linear_cross_entropy(input, linear_weight, target, linear_bias=None, **options):
    return F.cross_entropy(F.linear(input, linear_weight, linear_bias), target, **options)


def _status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def peak_extra_bytes(body, grad_bytes):
    """Resident-set growth of one call of body (peak during it, from a reset high-water mark), less the bytes of
    the gradients it leaves; None where /proc cannot tell (not Linux)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM to the current RSS
        before = _status_kb("VmRSS")
        body()
        peak = _status_kb("VmHWM")
    except OSError:
        return None
    if before is None or peak is None:
        return None
    return (peak - before) * 1024 - grad_bytes


def warm(body, warmup, spec):
    """Untimed calls by the Java bench's rule (Stats.time, passed in the spec): at least `warmup` calls and
    min_warmup_s, then on until warm_calls calls or max_warmup_s (the JVM needs thousands of calls to compile
    losscl's host path; the same warm-up here keeps the comparison even). `warmup` 0: none."""
    min_s, max_s = float(spec.get("min_warmup_s", 0.3)), float(spec.get("max_warmup_s", 2.0))
    calls = int(spec.get("warm_calls", 6000))
    start = time.perf_counter()
    k = 0
    while True:
        elapsed = time.perf_counter() - start
        if warmup == 0 or k >= warmup and elapsed >= min_s and (k >= calls or elapsed >= max_s):
            return
        body()
        k += 1


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    threads = int(spec.get("threads", 2))
    torch.set_num_threads(threads)
    warmup, repeats = int(spec["warmup"]), int(spec["repeats"])
    device = spec.get("device", "cpu")
    out = {"peer": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(), "device": device,
           "glibc_tunables": os.environ.get("GLIBC_TUNABLES", ""), "results": [], "skipped": []}
    cuda = device.startswith("cuda")
    if cuda and not torch.cuda.is_available():
        out["skipped"] = [{"id": c["id"], "reason": "CUDA is not available to this torch"} for c in spec["cases"]]
        json.dump(out, sys.stdout)
        print()
        return
    if cuda:
        out["device"] = device + " (" + torch.cuda.get_device_name(torch.device(device)) + ")"

    def sync():
        if cuda:
            torch.cuda.synchronize()
    for c in spec["cases"]:
        fn = linear_cross_entropy if c["loss"] == "linear_cross_entropy" else getattr(F, c["loss"], None)
        if fn is None:
            out["skipped"].append({"id": c["id"], "reason": "torch.nn.functional has no " + c["loss"]})
            continue
        print("pytorch_peer: %s (GLIBC_TUNABLES %s)" % (c["id"], "set" if out["glibc_tunables"] else "unset"),
              file=sys.stderr, flush=True)
        try:
            inputs = {i["name"]: make(i, 42 + k).to(device) for k, i in enumerate(c["inputs"])}
        except RuntimeError as e:  # out of memory for the largest case
            out["skipped"].append({"id": c["id"], "reason": str(e)[:200]})
            continue
        opts = c.get("options", {})

        def fwd():
            with torch.no_grad():
                fn(**inputs, **opts).item()

        def fwdbwd():
            for n in c["grads"]:
                inputs[n].grad = None
                inputs[n].requires_grad_(True)
            fn(**inputs, **opts).backward()
            sync()

        for name, body in (("fwd", fwd), ("fwd+bwd", fwdbwd)):
            try:
                peak = None
                if c["loss"] == "linear_cross_entropy" and name == "fwd+bwd" and not cuda:
                    grad_bytes = sum(inputs[n].numel() * inputs[n].element_size() for n in c["grads"])
                    peak = peak_extra_bytes(body, grad_bytes)
                warm(body, warmup, spec)
                ms = []
                for _ in range(repeats):
                    t0 = time.perf_counter()
                    body()
                    ms.append((time.perf_counter() - t0) * 1e3)
                res = {"id": c["id"], "pass": name, "ms": ms}
                if peak is not None:
                    res["peak_extra_bytes"] = peak
                out["results"].append(res)
            except RuntimeError as e:
                out["skipped"].append({"id": c["id"] + " " + name, "reason": str(e)[:200]})
        for n in c["grads"]:
            inputs[n].requires_grad_(False)
            inputs[n].grad = None
        del inputs
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
