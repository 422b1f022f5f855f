package io.losscl.opencl;

import io.losscl.BackendKind;
import io.losscl.EngineOptions;
import io.losscl.LossEngine;

/** OpenCL engines in a given launch profile: the CPU profile on a CPU device uses host-backed buffers, the GPU profile transfers. */
final class Profiles {
    private Profiles() {}

    static LossEngine openCl(LaunchConfig.Profile profile) {
        return LossEngine.create(EngineOptions.builder().backend(BackendKind.OPENCL).launch(LaunchConfig.overrides().profile(profile)).build());
    }

    static OpenClContext context(LossEngine engine) { return ((OpenClBackend) engine.backend()).context(); }

    /** A direct float buffer in native order holding {@code value(i)} at each of its {@code n} places. */
    static java.nio.FloatBuffer directFloats(int n, java.util.function.IntToDoubleFunction value) {
        java.nio.FloatBuffer b = java.nio.ByteBuffer.allocateDirect(4 * n).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < n; i++) b.put(i, (float) value.applyAsDouble(i));
        return b;
    }
}
