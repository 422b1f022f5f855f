package io.losscl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.losscl.cli.TensorJson;
import io.losscl.cli.Tolerance;
import io.losscl.loss.CrossEntropyLoss;
import io.losscl.loss.LinearCrossEntropyLoss;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link LossPartial}: every golden case of every registered loss with a reduction, cut into 1, 2, 3 and 17
 * slices of rows (uneven, some empty), reduced per slice and merged in several orders: {@code reduce()} is
 * bitwise the same for every split and order, and within the accuracy rule of PyTorch's float64 answer.
 */
class LossPartialTest {
    private static final int[] SPLITS = {1, 2, 3, 17};
    private static final long JAVA_MAX_ELEMENTS = 1 << 16;
    private static LossEngine java;
    private static LossEngine opencl;

    @AfterAll
    static void close() {
        if (java != null) java.close();
        if (opencl != null) opencl.close();
    }

    private static LossEngine java() {
        if (java == null) java = LossEngine.create(BackendKind.JAVA);
        return java;
    }

    private static LossEngine opencl() {
        OpenClSupport.assume();
        if (opencl == null) opencl = LossEngine.create(BackendKind.OPENCL);
        return opencl;
    }

    @TestFactory
    Stream<DynamicNode> goldenCasesInSlices() {
        List<DynamicNode> perLoss = new ArrayList<>();
        // -Dlosscl.test.losses=a,b restricts the run to some losses (as ConformanceTest).
        List<String> only = Arrays.asList(System.getProperty("losscl.test.losses", "").split(","));
        for (LossEntry<?> entry : LossRegistry.all()) {
            if (!only.get(0).isBlank() && !only.contains(entry.name())) continue;
            List<DynamicNode> tests = new ArrayList<>();
            for (Golden.Case c : Golden.load(entry.name())) {
                if (!c.expect.path("ok").asBoolean()) continue;
                Loss loss = entry.parse(Options.of(entry.name(), options(entry.name(), c.request.get("options"))));
                if (!(loss instanceof ReducibleLoss)) fail(entry.name() + " is not a ReducibleLoss");
                if (((ReducibleLoss) loss).reduction() == Reduction.NONE) continue;
                LossInputs inputs = inputs(c.request.get("inputs"));
                if (loss instanceof LinearCrossEntropyLoss && !((LinearCrossEntropyLoss) loss).reducibleByParts()) {
                    // mean with class weights and z_loss is two ratios: a partial is refused, naming the loss.
                    tests.add(DynamicTest.dynamicTest(c.id + " [refused]", () -> {
                        UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class, () -> java().partial(loss, inputs));
                        assertTrue(e.getMessage().startsWith("linear_cross_entropy: partials of reduction mean"), e.getMessage());
                    }));
                    continue;
                }
                // The reference is slow on the few large cases (4 passes each here): those run on OpenCL only.
                if (elements(inputs) <= JAVA_MAX_ELEMENTS) {
                    tests.add(DynamicTest.dynamicTest(c.id + " [java]", () -> check(c, (ReducibleLoss) loss, inputs, java())));
                }
                tests.add(DynamicTest.dynamicTest(c.id + " [opencl]", () -> check(c, (ReducibleLoss) loss, inputs, opencl())));
            }
            if (tests.isEmpty()) continue;
            perLoss.add(DynamicContainer.dynamicContainer(entry.name(), tests));
        }
        return perLoss.stream();
    }

    private static void check(Golden.Case c, ReducibleLoss loss, LossInputs inputs, LossEngine engine) {
        long rows = loss.batchRows(inputs);
        Random random = new Random(c.id.hashCode());
        Double first = null;
        for (int k : SPLITS) {
            List<LossPartial> parts = new ArrayList<>();
            if (k > 1 && !loss.splittable(inputs)) continue;
            for (long[] range : cuts(rows, k, random)) {
                parts.add(range[0] == range[1] ? LossPartial.empty(loss) : engine.partial(loss, loss.sliceRows(inputs, range[0], range[1])));
            }
            for (List<LossPartial> order : orders(parts, random)) {
                double got = mergeAll(order).reduce();
                if (first == null) {
                    first = got;
                    checkAccuracy(c, got);
                } else if (Double.doubleToLongBits(got) != Double.doubleToLongBits(first)) {
                    fail(c.id + ": " + k + " slices of " + rows + " rows reduce to " + got + ", 1 slice to " + first);
                }
            }
        }
    }

    /** The accuracy rule, as the conformance test applies it to a single call's float32 (or half) output. */
    private static void checkAccuracy(Golden.Case c, double got) {
        JsonNode out = c.expect.get("output");
        double want = number(out.get("data").get(0));
        DType dtype = DType.fromProtocolName(c.expect.path("torch_float32").path("output").path("dtype").asText("float32"));
        String why = dtype == DType.FLOAT16 || dtype == DType.BFLOAT16 ? Tolerance.checkHalf(got, want, dtype) : Tolerance.check(got, want, dtype);
        if (why == null) return;
        // Where PyTorch's float32 result misses the rule: at most twice its error (its infinity where it overflows).
        JsonNode torch = c.expect.path("torch_float32").path("output").path("data").path(0);
        double theirs = torch.isMissingNode() ? Double.NaN : number(torch);
        if (got == theirs || Math.abs(got - want) <= 2 * Math.abs(theirs - want) + 1e-7) return;
        fail(c.id + ": merged partials give " + got + ", PyTorch's float64 answer " + want + ": " + why);
    }

    private static long elements(LossInputs inputs) {
        long n = 0;
        for (Tensor t : inputs.asMap().values()) n += t.shape().numel();
        return n;
    }

    private static double number(JsonNode v) {
        return v.isNumber() ? v.asDouble() : Double.parseDouble(v.asText().replace("inf", "Infinity").replace("nan", "NaN"));
    }

    private static LossPartial mergeAll(List<LossPartial> parts) {
        LossPartial p = parts.get(0);
        for (int i = 1; i < parts.size(); i++) p = p.merge(parts.get(i));
        return p;
    }

    /** {@code k} consecutive ranges covering {@code [0, rows)} at random cut points (empty ranges allowed). */
    static List<long[]> cuts(long rows, int k, Random random) {
        long[] at = new long[k + 1];
        at[k] = rows;
        for (int i = 1; i < k; i++) at[i] = (long) Math.floor(random.nextDouble() * (rows + 1));
        Arrays.sort(at, 1, k);
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < k; i++) out.add(new long[] {at[i], at[i + 1]});
        return out;
    }

    /** The parts in order, reversed, shuffled, and merged as a balanced tree (as a list of one). */
    private static List<List<LossPartial>> orders(List<LossPartial> parts, Random random) {
        List<LossPartial> reversed = new ArrayList<>(parts);
        Collections.reverse(reversed);
        List<LossPartial> shuffled = new ArrayList<>(parts);
        Collections.shuffle(shuffled, random);
        return List.of(parts, reversed, shuffled, List.of(tree(parts, 0, parts.size())));
    }

    private static LossPartial tree(List<LossPartial> parts, int from, int to) {
        if (to - from == 1) return parts.get(from);
        int mid = (from + to) / 2;
        return tree(parts, mid, to).merge(tree(parts, from, mid));
    }

    @Test
    void partialSurvivesJavaSerializationAndRejectsAnotherLoss() throws Exception {
        CrossEntropyLoss ce = CrossEntropyLoss.builder().labelSmoothing(0.1).build();
        LossInputs in = LossInputs.of("input", HostTensor.of(new float[] {0.5f, -1f, 2f, 0.25f, 0.75f, -0.5f}, 2, 3),
                "target", HostTensor.of(new long[] {2, 0}, 2));
        LossPartial p = java().partial(ce, in);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(p);
        }
        LossPartial back;
        try (ObjectInputStream inStream = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (LossPartial) inStream.readObject();
        }
        assertEquals(Double.doubleToLongBits(p.reduce()), Double.doubleToLongBits(back.reduce()));
        assertEquals(java().compute(ce, in).scalar(), p.reduce(), 1e-6);
        LossPartial sum = java().partial(ce.withReduction(Reduction.SUM), in);
        assertThrows(IllegalArgumentException.class, () -> p.merge(sum));
        assertThrows(InvalidArgumentException.class, () -> java().partial(ce.withReduction(Reduction.NONE), in));
    }

    @Test
    void exactSumIsOrderIndependentWhereDoublesAreNot() {
        double[] terms = {1e16, 1.0, -1e16, 3.0, 1e-300, -2.5, 0.1, 0.2, -0.3};
        Random random = new Random(7);
        double want = new ExactSum().add(1.0).add(3.0).add(-2.5).add(1e-300).add(0.1).add(0.2).add(-0.3).value();
        for (int trial = 0; trial < 50; trial++) {
            List<Double> shuffled = new ArrayList<>();
            for (double t : terms) shuffled.add(t);
            Collections.shuffle(shuffled, random);
            ExactSum a = new ExactSum(), b = new ExactSum();
            for (int i = 0; i < shuffled.size(); i++) (i % 2 == 0 ? a : b).add(shuffled.get(i));
            assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(a.add(b).value()));
        }
        assertEquals(Double.POSITIVE_INFINITY, new ExactSum().add(1).add(Double.POSITIVE_INFINITY).value());
        assertEquals(Double.NaN, new ExactSum().add(Double.NEGATIVE_INFINITY).add(Double.POSITIVE_INFINITY).value());
        // Correct rounding of a half-way case: 1 + 2^-53 + 2^-106 rounds up, 1 + 2^-53 rounds to even (1).
        assertEquals(Math.nextUp(1.0), new ExactSum().add(1.0).add(0x1p-53).add(0x1p-106).value(), 0.0);
        assertEquals(1.0, new ExactSum().add(1.0).add(0x1p-53).value(), 0.0);
    }

    static Map<String, Object> options(String loss, JsonNode node) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (node == null) return m;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            if (v.isNull()) continue;
            m.put(f.getKey(), TensorJson.isTensor(v) ? TensorJson.parse(loss + " " + f.getKey(), v)
                    : v.isIntegralNumber() ? (Object) v.asLong() : v.isNumber() ? (Object) v.asDouble()
                    : v.isBoolean() ? (Object) v.asBoolean() : v.asText());
        }
        return m;
    }

    static LossInputs inputs(JsonNode node) {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isNull()) m.put(f.getKey(), TensorJson.parse(f.getKey(), f.getValue()));
        }
        return LossInputs.of(m);
    }
}
