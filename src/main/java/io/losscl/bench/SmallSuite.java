package io.losscl.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.losscl.BackendKind;
import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.Loss;
import io.losscl.LossEngine;
import io.losscl.LossInputs;
import io.losscl.LossRegistry;
import io.losscl.LossclException;
import io.losscl.Options;
import io.losscl.Shape;
import io.losscl.opencl.DeviceBuffer;
import io.losscl.opencl.OpenClBackend;
import io.losscl.opencl.OpenClContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code losscl bench --suite small}: training-loop sizes, where a call's latency, not bandwidth, is the
 * measure. Per case and pass: the host round trip through an {@code AUTO} engine ({@code computeInto},
 * arrays reused: what a user's default engine costs per step, and which backend AUTO chose), the
 * device-resident call, and beside them the device's floor for that call: the same inputs uploaded the
 * way the engine uploads them (pooled buffers, {@link OpenClContext#write}), one empty kernel and 4 bytes read back (and, for the
 * device-resident call, the empty kernel and the read alone). Times in microseconds; medians of a few
 * hundred calls.
 */
final class SmallSuite {
    static final int WARMUP = 30;
    static final int REPEATS = 300;
    private static final String[] PASSES = {"fwd", "fwd+bwd"};
    private static final String PYTORCH = "PyTorch";

    private SmallSuite() {}

    private static final class Row {
        final BenchCase c;
        final String pass;
        Stats host;
        String hostBackend;
        Stats device;
        Stats floor;
        Stats deviceFloor;
        Stats java;
        String skipped;

        Row(BenchCase c, String pass) {
            this.c = c;
            this.pass = pass;
        }

        String key() { return c.id + "|" + pass; }
    }

    static int run(List<BenchCase> cases, int warmup, int repeats, String json, boolean peers, boolean javaToo,
                   PrintStream out, PrintStream err) {
        try (LossEngine engine = LossEngine.create(BackendKind.AUTO);
             LossEngine reference = javaToo ? LossEngine.create(BackendKind.JAVA) : null) {
            OpenClBackend backend = engine.backend() instanceof OpenClBackend ? (OpenClBackend) engine.backend() : null;
            OpenClContext cl = backend == null ? null : backend.context();
            err.println("bench: small suite, AUTO engine on " + engine.backendName() + ", median of " + repeats + " after " + Stats.warmupRule(warmup));
            List<Row> rows = new ArrayList<>();
            for (BenchCase c : cases) {
                Map<String, HostTensor> host = new LinkedHashMap<>();
                for (BenchCase.Input in : c.inputs) host.put(in.name, Inputs.make(in, 42));
                Loss loss = LossRegistry.byName(c.loss).parse(Options.of(c.loss, c.options));
                LossInputs hostInputs = LossInputs.of(host);
                for (String pass : PASSES) {
                    Row row = new Row(c, pass);
                    rows.add(row);
                    err.printf(Locale.ROOT, "bench: %-45s %-8s\r", c.id, pass);
                    String[] grads = pass.equals("fwd") ? new String[0] : c.grads.toArray(new String[0]);
                    Map<String, HostTensor> gradsInto = BenchCommand.gradArrays(host, grads);
                    try {
                        row.hostBackend = engine.computeInto(loss, hostInputs, gradsInto).backend();
                        row.host = Stats.time(warmup, repeats, () -> engine.computeInto(loss, hostInputs, gradsInto).scalar());
                        if (backend != null) {
                            row.device = BenchCommand.timeDevice(engine, backend, loss, host, c.hostFed, grads, warmup, repeats, null);
                            row.floor = floor(cl, hostInputs, warmup, repeats);
                            row.deviceFloor = floor(cl, LossInputs.of(Map.of()), warmup, repeats);
                        }
                        if (reference != null) {
                            row.java = Stats.time(warmup, repeats, () -> reference.computeInto(loss, hostInputs, gradsInto).scalar());
                        }
                    } catch (LossclException | IllegalStateException e) {
                        row.skipped = "failed: " + e.getMessage();
                        err.println("\nbench: " + c.id + " " + pass + ": " + row.skipped);
                    }
                }
            }
            err.print(String.format("%-80s\r", ""));
            List<Peers.Run> peerRuns = new ArrayList<>();
            if (peers) {
                Path spec = Files.createTempFile("losscl-bench", ".json");
                try {
                    Files.writeString(spec, BenchCommand.specJson(cases, warmup, repeats, "cpu").toString());
                    peerRuns = Peers.runAll(spec, BenchCommand.home(), BenchCommand.THREADS, "cpu", err);
                } finally {
                    Files.deleteIfExists(spec);
                }
            }
            String machine = cl == null ? "no OpenCL device" : BenchCommand.machine(cl);
            out.println(table(rows, peerRuns, machine, engine.backendName(), warmup, repeats, javaToo));
            if (json != null) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValue(Path.of(json).toFile(), toJson(rows, peerRuns, machine, warmup, repeats));
                err.println("bench: wrote " + json);
            }
            return 0;
        } catch (LossclException e) {
            err.println("losscl bench: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("losscl bench: " + e);
            return 1;
        }
    }

    /**
     * The device's floor for a call with {@code inputs}: each uploaded as a call uploads it (a pooled buffer and
     * {@link OpenClContext#write}), one empty kernel launched, 4 bytes read back into a host array reused across calls.
     */
    private static Stats floor(OpenClContext cl, LossInputs inputs, int warmup, int repeats) {
        HostTensor four = HostTensor.zeros(DType.FLOAT32, Shape.of(1));
        String options = cl.options(DType.FLOAT32);
        return Stats.time(warmup, repeats, () -> {
            synchronized (cl) {
                List<DeviceBuffer> buffers = new ArrayList<>();
                try {
                    for (String name : inputs.names()) {
                        HostTensor t = (HostTensor) inputs.get(name);
                        DeviceBuffer b = cl.borrow(t.numel() * t.dtype().bytes());
                        buffers.add(b);
                        cl.write(b, t);
                    }
                    DeviceBuffer result = cl.borrow(4);
                    buffers.add(result);
                    cl.call(cl.kernel(List.of("bench_copy"), options, "bench_empty"), "bench_empty").mem(result).launch(1);
                    cl.readInto(result, four);
                } finally {
                    for (DeviceBuffer b : buffers) b.close();
                }
            }
        });
    }

    private static Stats pytorch(List<Peers.Run> peers, Row r) {
        for (Peers.Run p : peers) if (p.label.equals(PYTORCH)) return p.times.get(r.key());
        return null;
    }

    /** The Done-when bound of issue 15: PyTorch eager's time, or 1.25x the floor where PyTorch is below the floor. */
    private static double targetMs(Stats pytorch, Stats floor) {
        if (pytorch == null || floor == null) return Double.NaN;
        return pytorch.median >= floor.median ? pytorch.median : 1.25 * floor.median;
    }

    private static String us(Stats s) { return s == null ? "-" : String.format(Locale.ROOT, "%.0f", s.median * 1e3); }

    private static String table(List<Row> rows, List<Peers.Run> peers, String machine, String backendName, int warmup, int repeats,
                                boolean javaToo) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Machine: %s%nAUTO engine: %s. Times in µs per call: median of %d after %s. "
                + "host rt = computeInto through the AUTO engine (arrays reused); floor = the same inputs uploaded as a call does, "
                + "one empty kernel, 4 bytes read; device floor = the empty kernel and the read alone; target = PyTorch, or 1.25x the floor "
                + "where PyTorch is below it%n", machine, backendName, repeats, Stats.warmupRule(warmup)));
        for (Peers.Run p : peers) b.append("Peer ").append(p.label).append(": ").append(p.note).append('\n');
        b.append('\n');
        b.append("| case | pass | host rt µs | AUTO ran | floor µs | rt/floor | device-resident µs | device floor µs |");
        StringBuilder sep = new StringBuilder("|---|---|---:|---|---:|---:|---:|---:|");
        if (javaToo) { b.append(" java µs |"); sep.append("---:|"); }
        for (Peers.Run p : peers) { b.append(' ').append(p.label).append(" µs |"); sep.append("---:|"); }
        if (!peers.isEmpty()) { b.append(" target µs | met |"); sep.append("---:|---|"); }
        b.append('\n').append(sep).append('\n');
        for (Row r : rows) {
            b.append("| ").append(r.c.id).append(" | ").append(r.pass).append(" | ");
            if (r.skipped != null) {
                b.append(r.skipped).append(" | | | | | |");
            } else {
                b.append(us(r.host)).append(" | ").append(r.hostBackend.startsWith("opencl") ? "opencl" : r.hostBackend).append(" | ")
                        .append(us(r.floor)).append(" | ")
                        .append(r.floor == null ? "-" : String.format(Locale.ROOT, "%.2f", r.host.median / r.floor.median)).append(" | ")
                        .append(us(r.device)).append(" | ").append(us(r.deviceFloor)).append(" |");
            }
            if (javaToo) b.append(' ').append(us(r.java)).append(" |");
            for (Peers.Run p : peers) b.append(' ').append(us(p.times.get(r.key()))).append(" |");
            if (!peers.isEmpty()) {
                double t = targetMs(pytorch(peers, r), r.floor);
                b.append(Double.isNaN(t) ? " - | - |" : String.format(Locale.ROOT, " %.0f | %s |", t * 1e3,
                        r.host != null && r.host.median <= t ? "yes" : "no"));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static ObjectNode toJson(List<Row> rows, List<Peers.Run> peers, String machine, int warmup, int repeats) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("suite", "small").put("machine", machine).put("threads", BenchCommand.THREADS).put("repeats", repeats).put("warmup", warmup);
        ArrayNode pn = root.putArray("peers");
        for (Peers.Run p : peers) pn.addObject().put("label", p.label).put("note", p.note);
        ArrayNode arr = root.putArray("results");
        for (Row r : rows) {
            ObjectNode o = arr.addObject();
            o.put("id", r.c.id).put("loss", r.c.loss).put("pass", r.pass);
            if (r.skipped != null) o.put("skipped", r.skipped);
            boolean bwd = r.pass.equals("fwd+bwd");
            o.put("bytes", r.c.bytesMoved(bwd, 4)).put("copy_bytes", r.c.copyBytes(bwd));
            if (r.host != null) {
                o.set("host_round_trip_ms", BenchCommand.stats(r.host));
                o.put("host_round_trip_backend", r.hostBackend);
            }
            if (r.device != null) o.set("device_ms", BenchCommand.stats(r.device));
            if (r.floor != null) o.set("floor_ms", BenchCommand.stats(r.floor));
            if (r.deviceFloor != null) o.set("device_floor_ms", BenchCommand.stats(r.deviceFloor));
            if (r.java != null) o.set("java_reference_ms", BenchCommand.stats(r.java));
            ObjectNode po = o.putObject("peers_ms");
            for (Peers.Run p : peers) { Stats s = p.times.get(r.key()); if (s != null) po.set(p.label, BenchCommand.stats(s)); }
            double t = targetMs(pytorch(peers, r), r.floor);
            if (!Double.isNaN(t)) o.put("target_ms", t).put("target_met", r.host != null && r.host.median <= t);
        }
        return root;
    }
}
