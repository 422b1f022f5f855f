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
}
