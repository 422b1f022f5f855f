package io.losscl.bench;

import io.losscl.DType;
import java.util.List;
import java.util.Map;

/**
 * One benchmark case: a loss by its protocol name, its options, how to make each input, and which
 * inputs get a gradient in the forward+backward pass. Peers receive exactly this description (as
 * JSON), so every implementation times the same work.
 */
final class BenchCase {
    /** How an input's values are drawn (the peers implement the same generators). */
    enum Gen {
        /** standard normal */ RANDN,
        /** uniform in [0, 1) */ RAND,
        /** +1 or -1 */ SIGN,
        /** log_softmax of standard normals along the last dimension */ LOG_SOFTMAX,
        /** softmax of standard normals along the last dimension */ SOFTMAX,
        /** integers uniform in [lo, hi) */ INT,
        /** every element equal to lo */ FULL
    }

    /** One input: protocol name, dtype, shape, generator (lo/hi for INT and FULL). */
    static final class Input {
        final String name;
        final DType dtype;
        final long[] shape;
        final Gen gen;
        final long lo;
        final long hi;

        Input(String name, DType dtype, long[] shape, Gen gen, long lo, long hi) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.gen = gen;
            this.lo = lo;
            this.hi = hi;
        }

        long numel() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        long bytes() { return numel() * dtype.bytes(); }
    }

    final String id;
    final String loss;
    final Map<String, Object> options;
    final List<Input> inputs;
    final List<String> grads;
    /**
     * Inputs that stay host tensors in the device-resident mode: what a training loop feeds from its data
     * loader rather than from the model on the device (ctc_loss's targets and lengths, which losscl lays out on
     * the host as PyTorch's CUDA ctc_loss reads its lengths there).
     */
    final java.util.Set<String> hostFed;

    BenchCase(String id, String loss, Map<String, Object> options, List<Input> inputs, List<String> grads) {
        this(id, loss, options, inputs, grads, java.util.Set.of());
    }

    private BenchCase(String id, String loss, Map<String, Object> options, List<Input> inputs, List<String> grads,
                      java.util.Set<String> hostFed) {
        this.id = id;
        this.loss = loss;
        this.options = options;
        this.inputs = inputs;
        this.grads = grads;
        this.hostFed = hostFed;
    }

    /** This case with {@code names} fed from the host in the device-resident mode (see {@link #hostFed}). */
    BenchCase withHostFed(String... names) { return new BenchCase(id, loss, options, inputs, grads, java.util.Set.of(names)); }

    Input input(String name) {
        for (Input i : inputs) if (i.name.equals(name)) return i;
        throw new IllegalArgumentException(name);
    }

    /**
     * The bytes-moved model, in this one place: what any implementation must at least read and write.
     * Forward reads every input once and writes the output (a scalar for reduced losses); forward +
     * backward also writes one gradient per differentiated input, of that input's size. Effective
     * GB/s = this / median time.
     */
    long bytesMoved(boolean backward, long outputBytes) {
        long b = outputBytes;
        for (Input i : inputs) b += i.bytes();
        if (backward) for (String g : grads) b += input(g).bytes();
        return b;
    }

    /** Bytes copied in a host round trip: every input in, every gradient out (the copy-only baseline). */
    long copyBytes(boolean backward) { return bytesMoved(backward, 0); }
}
