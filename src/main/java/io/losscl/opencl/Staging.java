package io.losscl.opencl;

import io.losscl.Backend;
import io.losscl.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/** Copies between a host tensor's storage (a Java array or a direct buffer) and a host staging buffer. */
final class Staging {
    private Staging() {}

    /**
     * Copies {@code t}'s elements to {@code stage} at byte {@code offset} ({@code toStage}) or from there into
     * {@code t}; {@code t}'s storage is an array or a direct buffer of its dtype (HostTensor's two kinds).
     */
    static void copy(HostTensor t, ByteBuffer stage, int offset, boolean toStage) {
        if (copySmall(t, stage, offset, toStage)) return;
        ByteBuffer at = stage.duplicate().order(ByteOrder.nativeOrder());
        at.position(offset);
        int n = Math.toIntExact(t.numel());
        Object a = Backend.storage(t);
        if (a instanceof float[]) {
            if (toStage) at.asFloatBuffer().put((float[]) a, 0, n); else at.asFloatBuffer().get((float[]) a, 0, n);
        } else if (a instanceof double[]) {
            if (toStage) at.asDoubleBuffer().put((double[]) a, 0, n); else at.asDoubleBuffer().get((double[]) a, 0, n);
        } else if (a instanceof long[]) {
            if (toStage) at.asLongBuffer().put((long[]) a, 0, n); else at.asLongBuffer().get((long[]) a, 0, n);
        } else if (a instanceof short[]) {
            if (toStage) at.asShortBuffer().put((short[]) a, 0, n); else at.asShortBuffer().get((short[]) a, 0, n);
        } else if (a instanceof FloatBuffer) {
            FloatBuffer v = ((FloatBuffer) a).duplicate().clear(), s = at.asFloatBuffer().limit(n);
            if (toStage) s.put(v.limit(n)); else v.put(s);
        } else if (a instanceof DoubleBuffer) {
            DoubleBuffer v = ((DoubleBuffer) a).duplicate().clear(), s = at.asDoubleBuffer().limit(n);
            if (toStage) s.put(v.limit(n)); else v.put(s);
        } else if (a instanceof LongBuffer) {
            LongBuffer v = ((LongBuffer) a).duplicate().clear(), s = at.asLongBuffer().limit(n);
            if (toStage) s.put(v.limit(n)); else v.put(s);
        } else if (a instanceof ShortBuffer) {
            ShortBuffer v = ((ShortBuffer) a).duplicate().clear(), s = at.asShortBuffer().limit(n);
            if (toStage) s.put(v.limit(n)); else v.put(s);
        } else if (a instanceof ByteBuffer) {
            int bytes = n * t.dtype().bytes();
            ByteBuffer v = ((ByteBuffer) a).duplicate().clear(), s = at.slice().limit(bytes);
            if (toStage) s.put(v.limit(bytes)); else v.put(s);
        } else {
            throw new IllegalArgumentException("unsupported storage " + a.getClass());
        }
    }

    /** Below this many elements a copy is a loop of absolute accesses: no buffer views, which a small call would allocate. */
    private static final int SMALL = 256;

    /** {@link #copy} of a small float or int64 array into or out of a native-order {@code stage}; false if not such a case. */
    private static boolean copySmall(HostTensor t, ByteBuffer stage, int offset, boolean toStage) {
        long n = t.numel();
        if (n > SMALL || stage.order() != ByteOrder.nativeOrder()) return false;
        Object a = Backend.storage(t);
        if (a instanceof float[]) {
            float[] v = (float[]) a;
            for (int i = 0; i < n; i++) {
                if (toStage) stage.putFloat(offset + 4 * i, v[i]); else v[i] = stage.getFloat(offset + 4 * i);
            }
            return true;
        }
        if (a instanceof long[]) {
            long[] v = (long[]) a;
            for (int i = 0; i < n; i++) {
                if (toStage) stage.putLong(offset + 8 * i, v[i]); else v[i] = stage.getLong(offset + 8 * i);
            }
            return true;
        }
        return false;
    }
}
