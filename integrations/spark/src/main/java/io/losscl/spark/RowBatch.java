package io.losscl.spark;

import io.losscl.HostTensor;
import io.losscl.Loss;
import io.losscl.LossInputs;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Rows of a DataFrame as loss inputs: column {@code k} is the loss's input {@code k} (PyTorch's order), one
 * row per batch entry. A row's value becomes one row of the tensor: {@code array<float>} a float32 row,
 * {@code array<double>} and ML {@code Vector} a float64 row, {@code array<int|long>} an int64 row; a number a
 * 0-dim entry (integral types int64, {@code float} float32, {@code double} float64, except where the input
 * holds class indices: there an integral double is an int64 class, as MLlib's double labels are).
 *
 * <p>Values are copied out of Spark's rows when added, straight into one primitive array per column (row
 * after row, the tensor's layout), which the next batch reuses: a full batch becomes the engine's input
 * without another copy, and no per-row arrays or boxes are kept. The arrays grow by doubling up to the
 * batch size, so a group of few rows holds little memory. Serialized (Spark ships an aggregation buffer's
 * rows not yet computed), only the rows held are written.
 */
final class RowBatch implements Serializable {
    private static final long serialVersionUID = 2L;
    /** Inputs that hold class indices when given one number per row. */
    private static final Set<String> CLASS_INDEX_INPUTS = Set.of("cross_entropy/target", "nll_loss/target", "multi_margin_loss/target");
    /** Rows the arrays hold at first (they double from there up to the batch size). */
    private static final int INITIAL_ROWS = 16;

    /** What a column is, from its Spark type. */
    enum Kind {
        FLOAT_ARRAY, DOUBLE_ARRAY, LONG_ARRAY, FLOAT, DOUBLE, LONG;

        boolean isArray() { return this == FLOAT_ARRAY || this == DOUBLE_ARRAY || this == LONG_ARRAY; }
    }

    private final String call;
    private final String[] columns;
    private final Kind[] kinds;
    private final int batchRows;
    /** Per column: its values so far, a float[], double[] or long[] of at least {@code size * width[k]} elements. */
    private final Object[] values;
    /** Per column: values per row (1 for a number), or -1 before the batch's first row. */
    private final int[] width;
    private int size;

    /**
     * @param call how the call reads, for messages: {@code losscl_loss('cross_entropy', '{...}')}
     * @param columns the column names; {@code types} their Spark types
     * @param batchRows the rows the caller computes at a time (the arrays grow up to that many rows, more if added)
     */
    RowBatch(String call, String[] columns, DataType[] types, int batchRows) {
        this.call = call;
        this.columns = columns.clone();
        this.kinds = new Kind[types.length];
        for (int i = 0; i < types.length; i++) kinds[i] = kind(columns[i], types[i]);
        this.batchRows = Math.max(1, batchRows);
        this.values = new Object[kinds.length];
        this.width = new int[kinds.length];
        Arrays.fill(width, -1);
    }

    RowBatch(String call, String[] columns, DataType[] types) { this(call, columns, types, LossclSpark.DEFAULT_BATCH_ROWS); }

    private Kind kind(String column, DataType t) {
        if (t instanceof VectorUDT) return Kind.DOUBLE_ARRAY;
        if (t instanceof ArrayType) {
            DataType e = ((ArrayType) t).elementType();
            if (e.equals(DataTypes.FloatType)) return Kind.FLOAT_ARRAY;
            if (e.equals(DataTypes.DoubleType)) return Kind.DOUBLE_ARRAY;
            if (e.equals(DataTypes.LongType) || e.equals(DataTypes.IntegerType) || e.equals(DataTypes.ShortType)) return Kind.LONG_ARRAY;
        } else if (t.equals(DataTypes.FloatType)) {
            return Kind.FLOAT;
        } else if (t.equals(DataTypes.DoubleType)) {
            return Kind.DOUBLE;
        } else if (t.equals(DataTypes.LongType) || t.equals(DataTypes.IntegerType) || t.equals(DataTypes.ShortType) || t.equals(DataTypes.ByteType)) {
            return Kind.LONG;
        }
        throw new IllegalArgumentException(call + ": column '" + column + "' is " + t.simpleString()
                + "; expected array<float>, array<double>, array<int|long>, an ML Vector or a number");
    }

    /** The Spark types of {@code columns} of {@code schema}. */
    static DataType[] types(StructType schema, String[] columns) {
        DataType[] t = new DataType[columns.length];
        for (int i = 0; i < columns.length; i++) {
            StructField f = schema.fields()[schema.fieldIndex(columns[i])];
            t[i] = f.dataType();
        }
        return t;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        Object[] held = values.clone();
        try {
            for (int k = 0; k < values.length; k++) {
                values[k] = size == 0 || held[k] == null ? null : trimmed(held[k], size * width[k]);
            }
            out.defaultWriteObject();
        } finally {
            System.arraycopy(held, 0, values, 0, values.length);
        }
    }

    private static Object trimmed(Object a, int length) {
        if (a instanceof float[]) return Arrays.copyOf((float[]) a, length);
        if (a instanceof double[]) return Arrays.copyOf((double[]) a, length);
        return Arrays.copyOf((long[]) a, length);
    }

    int size() { return size; }

    boolean isEmpty() { return size == 0; }

    /** Empties the batch, keeping its arrays for the next; the next batch's first row sets the array lengths anew. */
    void clear() {
        size = 0;
        Arrays.fill(width, -1);
    }

    /**
     * Adds the row whose columns are {@code row}'s fields from {@code first} on.
     *
     * @throws IllegalArgumentException for a null value or an array of another length than the batch's
     */
    void add(Row row, int first) {
        Object[] elements = new Object[kinds.length];
        for (int k = 0; k < kinds.length; k++) {
            Object v = row.get(first + k);
            if (v == null) throw badRow(row, first, "column '" + columns[k] + "' is null");
            if (!kinds[k].isArray()) continue;
            elements[k] = elements(v);
            int got = java.lang.reflect.Array.getLength(elements[k]);
            if (width[k] >= 0 && width[k] != got) {
                throw badRow(row, first, "column '" + columns[k] + "' has " + got + " values where the rows before had " + width[k]);
            }
        }
        for (int k = 0; k < kinds.length; k++) {
            Object v = elements[k] != null ? elements[k] : row.get(first + k);
            int w = elements[k] != null ? java.lang.reflect.Array.getLength(v) : 1;
            width[k] = w;
            Object dst = room(k, w);
            int at = size * w;
            if (elements[k] == null) {
                Number n = (Number) v;
                if (dst instanceof float[]) ((float[]) dst)[at] = n.floatValue();
                else if (dst instanceof double[]) ((double[]) dst)[at] = n.doubleValue();
                else ((long[]) dst)[at] = n.longValue();
            } else if (dst.getClass() == v.getClass()) {
                System.arraycopy(v, 0, dst, at, w); // a Vector's double[], a primitive ArraySeq's array
            } else {
                copyBoxed(row, first, k, v instanceof Object[] ? (Object[]) v : boxed(v), dst, at);
            }
        }
        size++;
    }

    /** Column {@code k}'s array, grown (doubling, up to the batch size where that suffices) to hold one more row of {@code w} values. */
    private Object room(int k, int w) {
        Object a = values[k];
        long need = (long) (size + 1) * w;
        int have = a == null ? 0 : java.lang.reflect.Array.getLength(a);
        if (a != null && need <= have) return a;
        long rows = Math.max(INITIAL_ROWS, Math.min(Math.max(2L * size, size + 1), Math.max(batchRows, size + 1)));
        if (rows * w > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(call + ": a batch of " + rows + " rows of " + w + " values in column '" + columns[k]
                    + "' does not fit a Java array; lower " + LossclSpark.BATCH_ROWS_CONF);
        }
        int length = (int) rows * w;
        Object grown;
        switch (kinds[k]) {
            case FLOAT_ARRAY: case FLOAT: grown = a == null ? new float[length] : Arrays.copyOf((float[]) a, length); break;
            case DOUBLE_ARRAY: case DOUBLE: grown = a == null ? new double[length] : Arrays.copyOf((double[]) a, length); break;
            default: grown = a == null ? new long[length] : Arrays.copyOf((long[]) a, length);
        }
        values[k] = grown;
        return grown;
    }

    /** An array value's elements: a primitive array (a Vector's, a primitive ArraySeq's) or an Object[] of numbers. */
    private static Object elements(Object v) {
        if (v instanceof DenseVector) return ((DenseVector) v).values();
        if (v instanceof Vector) return ((Vector) v).toArray();
        if (v instanceof scala.collection.mutable.ArraySeq) return ((scala.collection.mutable.ArraySeq<?>) v).array();
        if (v instanceof scala.collection.immutable.ArraySeq) return ((scala.collection.immutable.ArraySeq<?>) v).unsafeArray();
        if (v instanceof scala.collection.Seq) return scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) v).toArray();
        if (v instanceof List) return ((List<?>) v).toArray();
        if (v.getClass().isArray()) return v;
        throw new IllegalArgumentException("not an array: " + v.getClass().getName());
    }

    /** A primitive array of another element type than the column's (e.g. an array<int>'s int[]) as numbers. */
    private static Object[] boxed(Object primitive) {
        Object[] b = new Object[java.lang.reflect.Array.getLength(primitive)];
        for (int i = 0; i < b.length; i++) b[i] = java.lang.reflect.Array.get(primitive, i);
        return b;
    }

    /** Boxed into {@code dst} from {@code at}, as the column's element type. */
    private void copyBoxed(Row row, int first, int k, Object[] v, Object dst, int at) {
        for (int i = 0; i < v.length; i++) {
            if (v[i] == null) throw badRow(row, first, "column '" + columns[k] + "' has a null value at [" + i + "]");
        }
        if (dst instanceof float[]) {
            float[] d = (float[]) dst;
            for (int i = 0; i < v.length; i++) d[at + i] = ((Number) v[i]).floatValue();
        } else if (dst instanceof double[]) {
            double[] d = (double[]) dst;
            for (int i = 0; i < v.length; i++) d[at + i] = ((Number) v[i]).doubleValue();
        } else {
            long[] d = (long[]) dst;
            for (int i = 0; i < v.length; i++) d[at + i] = ((Number) v[i]).longValue();
        }
    }

    /** The batch as the inputs of {@code loss}: column {@code k} is input {@code loss.inputNames().get(k)}. */
    LossInputs inputs(Loss loss) { return inputs(loss, 0, size); }

    /** Rows {@code [from, from + n)} as the inputs of {@code loss}. */
    private LossInputs inputs(Loss loss, int from, int n) {
        List<String> names = loss.inputNames();
        if (names.size() < kinds.length) {
            throw new IllegalArgumentException(call + ": " + kinds.length + " columns given, but " + loss.name() + " takes " + names);
        }
        Map<String, HostTensor> m = new LinkedHashMap<>();
        for (int k = 0; k < kinds.length; k++) {
            String input = names.get(k);
            boolean classes = CLASS_INDEX_INPUTS.contains(loss.name() + "/" + input);
            m.put(input, tensor(k, from, n, classes));
        }
        return LossInputs.of(m);
    }

    /**
     * Rows {@code [from, from + n)} of column {@code k} as a tensor: over the column's array itself when that
     * is exactly those rows (a full batch: no copy; the engine reads it before the batch is reused), else a copy.
     */
    private HostTensor tensor(int k, int from, int n, boolean classIndices) {
        Kind kind = kinds[k];
        int w = Math.max(width[k], 0);
        Object a = values[k] == null ? java.lang.reflect.Array.newInstance(kind == Kind.FLOAT_ARRAY || kind == Kind.FLOAT ? float.class
                : kind == Kind.DOUBLE_ARRAY || kind == Kind.DOUBLE ? double.class : long.class, 0) : values[k];
        int lo = from * w, hi = (from + n) * w;
        if (!kind.isArray() && classIndices && kind != Kind.LONG) return classes(k, from, n);
        long[] shape = kind.isArray() ? new long[] {n, w} : new long[] {n};
        boolean whole = lo == 0 && hi == java.lang.reflect.Array.getLength(a);
        if (a instanceof float[]) return HostTensor.of(whole ? (float[]) a : Arrays.copyOfRange((float[]) a, lo, hi), shape);
        if (a instanceof double[]) return HostTensor.of(whole ? (double[]) a : Arrays.copyOfRange((double[]) a, lo, hi), shape);
        return HostTensor.of(whole ? (long[]) a : Arrays.copyOfRange((long[]) a, lo, hi), shape);
    }

    /** Class indices from numbers: each must be integral (MLlib's labels are doubles such as 3.0). */
    private HostTensor classes(int k, int from, int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            double v = values[k] instanceof float[] ? ((float[]) values[k])[from + i] : ((double[]) values[k])[from + i];
            if (v != Math.rint(v)) {
                throw new IllegalArgumentException(call + ": column '" + columns[k] + "' holds class indices, but a row has " + v
                        + " (row values: " + describe(from + i) + ")");
            }
            a[i] = (long) v;
        }
        return HostTensor.of(a, n);
    }

    /** The first row of this batch that {@code check} rejects, as a message naming the call, column and values, or null. */
    String findBadRow(Loss loss, java.util.function.Consumer<LossInputs> check) {
        for (int i = 0; i < size; i++) {
            try {
                check.accept(inputs(loss, i, 1));
            } catch (RuntimeException e) {
                return call + ": bad row" + column(loss, e.getMessage()) + " (row values: " + describe(i) + "): " + e.getMessage();
            }
        }
        return null;
    }

    /** The column of the input named in {@code message}, as " in column 'label' (input 'target')", or "". */
    private String column(Loss loss, String message) {
        List<String> names = loss.inputNames();
        for (int k = 0; k < columns.length && k < names.size(); k++) {
            if (message != null && message.matches("(?s).*\\b" + names.get(k) + "\\b.*")) {
                return " in column '" + columns[k] + "' (input '" + names.get(k) + "')";
            }
        }
        return "";
    }

    private IllegalArgumentException badRow(Row row, int first, String why) {
        StringBuilder values = new StringBuilder();
        for (int k = 0; k < columns.length; k++) values.append(k == 0 ? "" : ", ").append(columns[k]).append('=').append(row.get(first + k));
        return new IllegalArgumentException(call + ": bad row: " + why + " (row values: " + values + ")");
    }

    /** Row {@code i}'s values, as {@code logits=[1.0, 2.0], label=7}. */
    private String describe(int i) {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < kinds.length; k++) {
            int w = width[k], lo = i * w, hi = lo + w;
            Object a = values[k];
            String text;
            if (kinds[k].isArray()) {
                text = a instanceof float[] ? Arrays.toString(Arrays.copyOfRange((float[]) a, lo, hi))
                        : a instanceof double[] ? Arrays.toString(Arrays.copyOfRange((double[]) a, lo, hi))
                        : Arrays.toString(Arrays.copyOfRange((long[]) a, lo, hi));
            } else {
                text = a instanceof float[] ? String.valueOf(((float[]) a)[i]) : a instanceof double[] ? String.valueOf(((double[]) a)[i])
                        : String.valueOf(((long[]) a)[i]);
            }
            s.append(k == 0 ? "" : ", ").append(columns[k]).append('=').append(text);
        }
        return s.toString();
    }
}
