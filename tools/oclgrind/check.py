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
import argparse, glob, json, os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The two launch profiles of LaunchConfig, each run exactly as on its device class; the CPU one with a small
# work-group (oclgrind simulates every work-item). linear_cross_entropy's GEMMs follow the profile: local-memory
# tiles under the GPU profile, 8-wide register blocks under the CPU one. Both profiles compute in FLOAT; the
# DOUBLE precision changes the memory accesses only where a CPU kernel has a double variant of its own (the
# cross_entropy row file's stash, the double GEMMs), so those losses run a third time with it.
LAYOUTS = [("gpu", ["-Dlosscl.profile=gpu"], None),
           ("cpu", ["-Dlosscl.profile=cpu", "-Dlosscl.wgs=16"], None),
           ("cpu-dbl", ["-Dlosscl.profile=cpu", "-Dlosscl.wgs=16", "-Dlosscl.precision=double"],
            {"cross_entropy", "nll_loss", "linear_cross_entropy"})]
# FINISH_SUM (common.cl): the last work-group reads every group's partial after a fence and an atomic count, the
# CUDA "threadfence reduction". OpenCL 1.2 has no inter-work-group happens-before that Oclgrind models, so it
# reports that read against each group's store of its partial; only that pair of lines is set aside.
def finish_sum_lines():
    lines = open(os.path.join(ROOT, "kernels-cl", "common.cl")).read().splitlines()
    store = next(i for i, l in enumerate(lines, 1) if "partials[get_group_id(0)] = work_group_total;" in l)
    load = next(i for i, l in enumerate(lines, 1) if "sum_add(&s, p[g]);" in l)
    return {store, load}


def real_reports(stderr, benign):
    """The error lines of stderr, without the FINISH_SUM read/store race reports (benign: its two lines)."""
    reports, block = [], []
    for line in stderr.splitlines() + [""]:
        if not line.startswith((" ", "\t")):   # a report's own lines are indented (some only a tab)
            if block:
                at = {int(m) for m in re.findall(r"At line (\d+) \(column \d+\) of common\.cl", "\n".join(block))}
                if not ("data race" in block[0] and "Kernel:" in "\n".join(block) and at == benign):
                    reports += [l for l in block if any(m in l for m in ERROR_MARKERS)]
                block = []
        if line:
            block.append(line)
    return reports


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
    benign = finish_sum_lines()
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
        for layout, props, only in LAYOUTS:
            if only is not None and loss not in only:
                continue
            cmd = ["oclgrind", "--data-races"] + (["--uninitialized"] if args.uninitialized else []) + [
                "java", "-Dlosscl.cacheDir=none"] + props + ["-jar", jar, "conformance", "--backend", "opencl", tmp.name]
            run = subprocess.run(cmd, capture_output=True, text=True)
            reports = real_reports(run.stderr, benign)
            ok = run.returncode == 0 and not reports
            failed |= not ok
            print(f"{loss:40s} {layout:8s} {len(picked):3d} cases  {'clean' if ok else 'PROBLEMS'}")
            if not ok:
                print("\n".join("    " + l for l in (reports or run.stdout.splitlines())[:20]))
        os.unlink(tmp.name)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
