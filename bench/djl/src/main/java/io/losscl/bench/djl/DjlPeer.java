package io.losscl.bench.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * DJL (PyTorch engine) peer of {@code losscl bench --peers}: reads the bench's case file (argv[0]),
 * times each case DJL has a built-in loss for, forward and forward+backward, and prints JSON
 * {@code {"peer":"djl","version","threads","results":[{"id","pass","ms":[...]}],"skipped":[{"id","reason"}]}}.
 *
 * <p>Same work as PyTorch: DJL's L2Loss is 0.5 x MSE, so mse_loss uses L2Loss with weight 2 (one more
 * scalar multiply, no more memory traffic); SoftmaxCrossEntropyLoss on logits with sparse labels is
 * cross_entropy; SigmoidBinaryCrossEntropyLoss on logits is binary_cross_entropy_with_logits.
 */
public final class DjlPeer {
    private DjlPeer() {}

    public static void main(String[] args) throws Exception {
        JsonObject spec;
        try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
            spec = new Gson().fromJson(r, JsonObject.class);
        }
        int warmup = spec.get("warmup").getAsInt(), repeats = spec.get("repeats").getAsInt();
        Map<String, Object> out = new LinkedHashMap<>();
        List<Object> results = new ArrayList<>(), skipped = new ArrayList<>();
        Engine engine = Engine.getEngine("PyTorch");
        out.put("peer", "djl");
        out.put("version", Engine.getDjlVersion() + " (PyTorch " + engine.getVersion() + ")");
        out.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        try (NDManager base = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (JsonElement ce : spec.getAsJsonArray("cases")) {
                JsonObject c = ce.getAsJsonObject();
                String id = c.get("id").getAsString();
                Function<NDList, NDArray> lossFn = lossFor(c.get("loss").getAsString());
                if (lossFn == null) {
                    skipped.add(Map.of("id", id, "reason", "no DJL built-in for " + c.get("loss").getAsString()));
                    continue;
                }
                System.err.println("djl_peer: " + id);
                try (NDManager caseManager = base.newSubManager()) {
                    Map<String, NDArray> in = new LinkedHashMap<>();
                    for (JsonElement ie : c.getAsJsonArray("inputs")) in.put(ie.getAsJsonObject().get("name").getAsString(), make(caseManager, ie.getAsJsonObject()));
                    NDList list = new NDList(in.values().toArray(new NDArray[0]));
                    List<String> grads = new ArrayList<>();
                    for (JsonElement g : c.getAsJsonArray("grads")) grads.add(g.getAsString());
                    for (String pass : new String[] {"fwd", "fwd+bwd"}) {
                        boolean bwd = pass.equals("fwd+bwd");
                        for (String g : grads) in.get(g).setRequiresGradient(bwd);
                        Runnable body = () -> {
                            try (NDManager iter = caseManager.newSubManager()) {
                                for (NDArray a : list) a.tempAttach(iter);
                                if (bwd) {
                                    try (GradientCollector gc = engine.newGradientCollector()) {
                                        NDArray l = lossFn.apply(list);
                                        gc.backward(l);
                                    }
                                } else {
                                    lossFn.apply(list).getFloat();
                                }
                            }
                        };
                        warm(body, warmup, spec);
                        double[] ms = new double[repeats];
                        for (int k = 0; k < repeats; k++) {
                            long t0 = System.nanoTime();
                            body.run();
                            ms[k] = (System.nanoTime() - t0) / 1e6;
                        }
                        results.add(Map.of("id", id, "pass", pass, "ms", ms));
                    }
                } catch (RuntimeException e) {
                    skipped.add(Map.of("id", id, "reason", String.valueOf(e.getMessage())));
                }
            }
        }
        out.put("results", results);
        out.put("skipped", skipped);
        System.out.println(new Gson().toJson(out));
    }

    /** The loss as DJL computes it: predictions first, labels second in DJL's evaluate(labels, predictions). */
    private static Function<NDList, NDArray> lossFor(String name) {
        switch (name) {
            case "mse_loss": { Loss l = Loss.l2Loss("mse", 2f); return in -> l.evaluate(new NDList(in.get(1)), new NDList(in.get(0))); }
            case "l1_loss": { Loss l = Loss.l1Loss(); return in -> l.evaluate(new NDList(in.get(1)), new NDList(in.get(0))); }
            case "binary_cross_entropy_with_logits": {
                Loss l = Loss.sigmoidBinaryCrossEntropyLoss("bce", 1f, false);
                return in -> l.evaluate(new NDList(in.get(1)), new NDList(in.get(0)));
            }
            case "cross_entropy": {
                Loss l = Loss.softmaxCrossEntropyLoss("ce", 1f, -1, true, true);
                return in -> l.evaluate(new NDList(in.get(1)), new NDList(in.get(0)));
            }
            default: return null;
        }
    }

    private static NDArray make(NDManager m, JsonObject spec) {
        JsonArray sh = spec.getAsJsonArray("shape");
        long[] dims = new long[sh.size()];
        for (int k = 0; k < dims.length; k++) dims[k] = sh.get(k).getAsLong();
        Shape shape = new Shape(dims);
        long lo = spec.get("lo").getAsLong(), hi = spec.get("hi").getAsLong();
        switch (spec.get("gen").getAsString()) {
            case "randn": return m.randomNormal(shape);
            case "rand": return m.randomUniform(0f, 1f, shape);
            case "sign": return m.randomInteger(0, 2, shape, DataType.INT64).mul(2).sub(1).toType(DataType.FLOAT32, false);
            case "log_softmax": return m.randomNormal(shape).logSoftmax(-1);
            case "softmax": return m.randomNormal(shape).softmax(-1);
            case "int": return m.randomInteger(lo, hi, shape, DataType.INT64);
            case "full": return m.full(shape, (int) lo).toType(DataType.INT64, false);
            default: throw new IllegalArgumentException(spec.get("gen").getAsString());
        }
    }

    /**
     * Untimed calls by the bench's rule (Stats.time, passed in the spec): at least {@code warmup} calls and
     * min_warmup_s, then on until warm_calls calls or max_warmup_s. {@code warmup} 0: none.
     */
    private static void warm(Runnable body, int warmup, JsonObject spec) {
        double minS = spec.has("min_warmup_s") ? spec.get("min_warmup_s").getAsDouble() : 0.3;
        double maxS = spec.has("max_warmup_s") ? spec.get("max_warmup_s").getAsDouble() : 2.0;
        int calls = spec.has("warm_calls") ? spec.get("warm_calls").getAsInt() : 6000;
        long start = System.nanoTime();
        for (int k = 0; ; k++) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (warmup == 0 || k >= warmup && elapsed >= minS && (k >= calls || elapsed >= maxS)) return;
            body.run();
        }
    }
}
