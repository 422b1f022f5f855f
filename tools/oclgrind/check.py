#!/usr/bin/env python3
"""Runs every kernel under oclgrind (a simulated OpenCL device that reports out-of-bounds accesses
and data races) on the small golden cases of each loss, through `losscl conformance`.

    python3 tools/oclgrind/check.py [--max-elements 4096] [--cases-per-loss 12] [LOSS ...]

Each loss runs twice: with the GPU profile (LOSSCL_PROFILE=gpu: the launch a discrete GPU gets, float math) and
with the CPU one (LOSSCL_PROFILE=cpu: chunked layout, the CPU kernel files, double math), small work-groups.
Programs are compiled from source under oclgrind (no program cache: every kernel is checked as built from
its source, and stored binaries of Oclgrind would only fill the user's cache). Needs `apt-get install oclgrind` and a built jar (`./losscl devices` builds it). Exit status 1 when
oclgrind reports an error or a case fails.
"""
import argparse, glob, json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The two launch profiles of LaunchConfig, each run exactly as on its device class; the CPU one with a small
# work-group (oclgrind simulates every work-item). linear_cross_entropy's GEMMs follow the profile: local-memory
# tiles under the GPU profile (float math, as on GPUs), 8-wide register blocks under the CPU one (double).
LAYOUTS = [("gpu", ["-Dlosscl.profile=gpu"]), ("cpu", ["-Dlosscl.profile=cpu", "-Dlosscl.wgs=16"])]
ERROR_MARKERS = ("Invalid read", "Invalid write", "data race", "Data race", "out-of-bounds", "Uninitialized", "Oclgrind - ")


def tensor_sizes(case):
    for group in ("inputs", "options"):
        for value in (case.get(group) or {}).values():
            if isinstance(value, dict) and "shape" in value:
                n = 1
                for d in value["shape"]:
                    n *= d
                yield n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-elements", type=int, default=4096)
    ap.add_argument("--cases-per-loss", type=int, default=12)
    ap.add_argument("--uninitialized", action="store_true", help="also check reads of uninitialised memory (slow; pooled buffers may give false reports)")
    ap.add_argument("losses", nargs="*")
    args = ap.parse_args()
    jar = os.path.join(ROOT, "target", "losscl.jar")
    if not os.path.exists(jar):
        sys.exit("build first: ./losscl devices")
    files = sorted(glob.glob(os.path.join(ROOT, "src/test/resources/golden/*.jsonl")))
    failed = False
    for path in files:
        loss = os.path.basename(path)[:-len(".jsonl")]
        if args.losses and loss not in args.losses:
            continue
        picked = []
        with open(path) as f:
            for line in f:
                case = json.loads(line)
                if case["expect"]["ok"] and max(tensor_sizes(case), default=0) <= args.max_elements:
                    picked.append(line)
                if len(picked) >= args.cases_per_loss:
                    break
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as tmp:
            tmp.writelines(picked)
        for layout, props in LAYOUTS:
            cmd = ["oclgrind", "--data-races"] + (["--uninitialized"] if args.uninitialized else []) + [
                "java", "-Dlosscl.cacheDir=none"] + props + ["-jar", jar, "conformance", "--backend", "opencl", tmp.name]
            run = subprocess.run(cmd, capture_output=True, text=True)
            reports = [l for l in run.stderr.splitlines() if any(m in l for m in ERROR_MARKERS)]
            ok = run.returncode == 0 and not reports
            failed |= not ok
            print(f"{loss:40s} {layout:8s} {len(picked):3d} cases  {'clean' if ok else 'PROBLEMS'}")
            if not ok:
                print("\n".join("    " + l for l in (reports or run.stdout.splitlines())[:20]))
        os.unlink(tmp.name)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
