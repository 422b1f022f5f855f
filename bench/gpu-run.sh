#!/usr/bin/env bash
# Runs losscl's GPU checks on a machine with an NVIDIA GPU and its driver, CUDA, PyTorch and Python,
# but no Java and no Maven. Two steps, both from the repository root:
#
#   1. Here (a machine with JDK 17 and Maven):   bench/gpu-run.sh prepare
#      builds the jar, a small Java runtime (jlink) and the OpenCL ICD loader into .gpu/ (ignored by
#      git; ~50 MB).
#   2. On the GPU machine, with the repository and its .gpu/ folder copied alongside:
#                                                bench/gpu-run.sh remote
#      points the ICD loader at NVIDIA's OpenCL driver, lists the devices, runs the golden conformance
#      suite on the GPU and the GPU bench suite (elementwise losses on 64M elements, cross_entropy
#      16384x32768) next to PyTorch CUDA. Results go to $OUT if set, else gpu-out/: devices.txt,
#      conformance.txt, gpu-suite.md, gpu-suite.json, gpu-suite.log, nvidia-smi.txt.
#
# Options for `remote` come from the environment: BENCH_ARGS (extra `losscl bench` arguments, e.g.
# "--repeats 20" or "--filter mse"), SKIP_CONFORMANCE=1.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

prepare() {
    mvn -q -B -DskipTests package
    rm -rf .gpu && mkdir -p .gpu
    cp target/losscl.jar .gpu/losscl.jar
    # the modules the jar needs (jdeps --print-module-deps target/losscl.jar), plus management for the bench
    jlink --add-modules java.base,java.desktop,java.naming,java.sql,java.management,jdk.management,jdk.unsupported \
          --strip-debug --no-header-files --no-man-pages --compress=2 --output .gpu/jre
    (cd .gpu && apt-get download ocl-icd-libopencl1 >/dev/null 2>&1 && dpkg -x ocl-icd-libopencl1_*.deb icd && rm -f ocl-icd-libopencl1_*.deb)
    # JOCL dlopens "libOpenCL.so" (the -dev package's name); a copy, not a link, so that it travels
    cp .gpu/icd/usr/lib/x86_64-linux-gnu/libOpenCL.so.1 .gpu/icd/usr/lib/x86_64-linux-gnu/libOpenCL.so
    du -sh .gpu
}

remote() {
    local out="${OUT:-$here/gpu-out}"
    mkdir -p "$out"
    # NVIDIA's OpenCL driver: register it with the ICD loader we brought (the machine may not have one).
    local lib=""
    for d in /usr/local/nvidia/lib64 /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/cuda/lib64; do
        if [ -e "$d/libnvidia-opencl.so.1" ]; then lib="$d/libnvidia-opencl.so.1"; break; fi
    done
    if [ -n "$lib" ]; then
        mkdir -p /etc/OpenCL/vendors 2>/dev/null && echo "$lib" > /etc/OpenCL/vendors/nvidia.icd \
            || { mkdir -p "$out/vendors" && echo "$lib" > "$out/vendors/nvidia.icd" && export OCL_ICD_VENDORS="$out/vendors"; }
        export LD_LIBRARY_PATH="$(dirname "$lib"):${LD_LIBRARY_PATH:-}"
    else
        echo "gpu-run: libnvidia-opencl.so.1 not found; using whatever OpenCL ICDs are registered" | tee "$out/warning.txt"
    fi
    export LD_LIBRARY_PATH="$here/.gpu/icd/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
    export LOSSCL_PYTHON="${LOSSCL_PYTHON:-$(command -v python3 || echo /usr/bin/python3)}"
    local java=(.gpu/jre/bin/java -XX:+UseTransparentHugePages -Xmx48g -jar .gpu/losscl.jar)
    # A record of the GPU for the results; the checks below do not need it.
    nvidia-smi > "$out/nvidia-smi.txt" 2>&1 || echo "gpu-run: nvidia-smi unavailable (see nvidia-smi.txt)"
    "${java[@]}" devices 2>&1 | tee "$out/devices.txt"
    if [ "${SKIP_CONFORMANCE:-0}" != 1 ]; then
        "${java[@]}" conformance --backend opencl src/test/resources/golden/*.jsonl > "$out/conformance.txt" 2>&1 \
            && echo "gpu-run: conformance passed" || echo "gpu-run: conformance FAILED (see conformance.txt)"
        tail -n 3 "$out/conformance.txt"
    fi
    # shellcheck disable=SC2086
    "${java[@]}" bench --suite gpu --peers --json "$out/gpu-suite.json" ${BENCH_ARGS:-} > "$out/gpu-suite.md" 2> "$out/gpu-suite.log"
    cat "$out/gpu-suite.md"
}

case "${1:-}" in
    prepare) prepare ;;
    remote) remote ;;
    *) echo "usage: bench/gpu-run.sh prepare|remote" >&2; exit 2 ;;
esac
