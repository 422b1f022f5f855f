package io.losscl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.loss.CrossEntropyLoss;
import io.losscl.loss.MseLoss;
import io.losscl.opencl.DeviceTensor;
import io.losscl.opencl.OpenClBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** AUTO's per-size choice between the device and the Java reference, and the engine options around it. */
class AutoRouterTest {
    /** A backend that only has a name: the router's calls are the test's functions. */
    private static Backend named(String name) {
        return new Backend() {
            @Override public String name() { return name; }
            @Override public <L extends Loss> LossResult compute(LossEntry<L> e, L l, LossInputs i, Set<String> g) { throw new AssertionError(); }
            @Override public void close() {}
        };
    }

    private static LossInputs mse(int n) {
        return LossInputs.of("input", HostTensor.of(new float[n], n), "target", HostTensor.of(new float[n], n));
    }

    private static void spin(long micros) {
        long end = System.nanoTime() + micros * 1000;
        while (System.nanoTime() < end) Thread.onSpinWait();
    }

    @Test
    void eachSizeClassKeepsTheFasterBackendAndLargerClassesFollowTheDevice() {
        Backend device = named("opencl:fake"), reference = named("java");
        AutoRouter router = new AutoRouter(device, reference);
        List<String> ran = new ArrayList<>();
        // The fake reference costs 20 ns per element of input (n/50 us), the fake device a flat 300 us.
        java.util.function.Function<Integer, String> call = n -> router.run(MseLoss.mean(), mse(n), Set.of(), b -> {
            ran.add(b.name());
            spin(b == device ? 300 : n / 50);
            return b.name();
        });
        assertEquals("java", call.apply(1000), "1000 elements: 20 us on the reference");
        int measured = ran.size();
        assertTrue(measured > 2, "the first call of a class is measured on both");
        ran.clear();
        assertEquals("java", call.apply(1000));
        assertEquals(List.of("java"), ran, "then the class keeps its choice without measuring");
        assertEquals("opencl:fake", call.apply(20_000), "2 x 20000 elements: 400 us on the reference");
        ran.clear();
        assertEquals("opencl:fake", call.apply(40_000), "a class above one the device won goes to the device unmeasured");
        assertEquals(List.of("opencl:fake"), ran);
        ran.clear();
        assertEquals("opencl:fake", call.apply(1 << 20), "beyond MAX_ELEMENTS: the device, unmeasured");
        assertEquals(List.of("opencl:fake"), ran);
        Map<String, String> choices = router.choices();
        assertEquals("java", choices.get("mse_loss|fwd|2^10"), choices.toString());
        assertEquals("opencl:fake", choices.get("mse_loss|fwd|2^15"), choices.toString());
    }

    @Test
    void autoRunsSmallHostCallsWhereFasterAndOpenClNeverDoes() {
        OpenClSupport.assume();
        float[] x = new float[32 * 10];
        long[] y = new long[32];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
        for (int i = 0; i < y.length; i++) y[i] = i % 10;
        LossInputs in = LossInputs.of("input", HostTensor.of(x, 32, 10), "target", HostTensor.of(y, 32));
        CrossEntropyLoss ce = CrossEntropyLoss.builder().build();
        EngineOptions.Builder o = EngineOptions.builder().programCache(null);
        try (LossEngine auto = LossEngine.create(o.backend(BackendKind.AUTO).build());
             LossEngine opencl = LossEngine.create(o.backend(BackendKind.OPENCL).build());
             LossEngine java = LossEngine.create(BackendKind.JAVA)) {
            HostTensor g = HostTensor.of(new float[320], 32, 10);
            LossResult first = auto.computeInto(ce, in, Map.of("input", g));
            float[] firstGrad = g.floatData().clone();
            String chosen = auto.autoChoices().get("cross_entropy|fwd+bwd|2^8");
            assertEquals(first.backend(), chosen, auto.autoChoices().toString());
            LossResult again = auto.computeInto(ce, in, Map.of("input", g));
            assertEquals(chosen, again.backend(), "the class keeps its backend");
            assertArrayEquals(firstGrad, g.floatData(), "so the same input gives bitwise the same result");
            LossResult want = (chosen.equals("java") ? java : opencl).compute(ce, in, "input");
            assertEquals(want.scalar(), again.scalar(), 0.0);
            assertTrue(opencl.compute(ce, in, "input").backend().startsWith("opencl"));
            assertTrue(opencl.autoChoices().isEmpty());
            // Device-resident inputs always run on the device.
            OpenClBackend b = (OpenClBackend) auto.backend();
            try (DeviceTensor dx = b.upload(HostTensor.of(x, 32, 10)); DeviceTensor dy = b.upload(HostTensor.of(y, 32))) {
                LossResult r = auto.compute(ce, LossInputs.of("input", dx, "target", dy));
                assertTrue(r.backend().startsWith("opencl"), r.backend());
                ((DeviceTensor) r.output()).close();
            }
        }
    }

    @Test
    void warmUpCallsCompileTheirProgramsAtCreation() {
        OpenClSupport.assume();
        LossInputs in = mse(64);
        try (LossEngine engine = LossEngine.create(EngineOptions.builder().backend(BackendKind.OPENCL).programCache(null)
                .warmUp(MseLoss.mean(), in, "input").build())) {
            io.losscl.opencl.OpenClContext cl = ((OpenClBackend) engine.backend()).context();
            int[] atCreation = cl.programBuilds();
            assertTrue(atCreation[0] + atCreation[1] > 0, "programs built at creation");
            engine.compute(MseLoss.mean(), in, "input").scalar();
            assertArrayEquals(atCreation, cl.programBuilds(), "the first real call builds nothing");
        }
    }
}
