package io.losscl.spark;

import io.losscl.HostTensor;
import io.losscl.Loss;
import io.losscl.LossInputs;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Values are copied out of Spark's rows when added, so a batch is plain Java arrays (serializable).
 */
final class RowBatch implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Inputs that hold class indices when given one number per row. */
    private static final Set<String> CLASS_INDEX_INPUTS = Set.of("cross_entropy/target", "nll_loss/target", "multi_margin_loss/target");

    /** What a column is, from its Spark type. */
    enum Kind { FLOAT_ARRAY, DOUBLE_ARRAY, LONG_ARRAY, FLOAT, DOUBLE, LONG }

    private final String call;
    private final String[] columns;
    private final Kind[] kinds;
    private final List<Object[]> rows = new ArrayList<>();

    /**
     * @param call how the call reads, for messages: {@code losscl_loss('cross_entropy', '{...}')}
     * @param columns the column names; {@code types} their Spark types
     */
    RowBatch(String call, String[] columns, DataType[] types) {
        this.call = call;
        this.columns = columns.clone();
        this.kinds = new Kind[types.length];
        for (int i = 0; i < types.length; i++) kinds[i] = kind(columns[i], types[i]);
    }

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

    int size() { return rows.size(); }

    boolean isEmpty() { return rows.isEmpty(); }

    void clear() { rows.clear(); }

    /**
     * Adds the row whose columns are {@code row}'s fields from {@code first} on.
     *
     * @throws IllegalArgumentException for a null value or an array of another length than the batch's
     */
    void add(Row row, int first) {
        Object[] values = new Object[kinds.length];
        for (int k = 0; k < kinds.length; k++) {
            Object v = row.get(first + k);
            if (v == null) throw badRow(row, first, "column '" + columns[k] + "' is null");
            values[k] = copy(kinds[k], v);
            if (!rows.isEmpty()) {
                int want = length(rows.get(0)[k]), got = length(values[k]);
                if (want != got) {
                    throw badRow(row, first, "column '" + columns[k] + "' has " + got + " values where the rows before had " + want);
                }
            }
        }
        rows.add(values);
    }

    private static int length(Object v) { return v.getClass().isArray() ? java.lang.reflect.Array.getLength(v) : -1; }

    private static Object copy(Kind kind, Object v) {
        switch (kind) {
            case FLOAT_ARRAY: {
                List<?> l = list(v);
                float[] a = new float[l.size()];
                for (int i = 0; i < a.length; i++) a[i] = ((Number) l.get(i)).floatValue();
                return a;
            }
            case DOUBLE_ARRAY: {
                if (v instanceof Vector) return ((Vector) v).toArray();
                List<?> l = list(v);
                double[] a = new double[l.size()];
                for (int i = 0; i < a.length; i++) a[i] = ((Number) l.get(i)).doubleValue();
                return a;
            }
            case LONG_ARRAY: {
                List<?> l = list(v);
                long[] a = new long[l.size()];
                for (int i = 0; i < a.length; i++) a[i] = ((Number) l.get(i)).longValue();
                return a;
            }
            case FLOAT: return ((Number) v).floatValue();
            case DOUBLE: return ((Number) v).doubleValue();
            default: return ((Number) v).longValue();
        }
    }

    private static List<?> list(Object v) {
        if (v instanceof List) return (List<?>) v;
        if (v instanceof scala.collection.Seq) return scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) v);
        throw new IllegalArgumentException("not an array: " + v.getClass().getName());
    }

    /** The batch as the inputs of {@code loss}: column {@code k} is input {@code loss.inputNames().get(k)}. */
    LossInputs inputs(Loss loss) { return inputs(loss, rows); }

    private LossInputs inputs(Loss loss, List<Object[]> batch) {
        List<String> names = loss.inputNames();
        if (names.size() < kinds.length) {
            throw new IllegalArgumentException(call + ": " + kinds.length + " columns given, but " + loss.name() + " takes " + names);
        }
        Map<String, HostTensor> m = new LinkedHashMap<>();
        int n = batch.size();
        for (int k = 0; k < kinds.length; k++) {
            String input = names.get(k);
            boolean classes = CLASS_INDEX_INPUTS.contains(loss.name() + "/" + input);
            m.put(input, tensor(kinds[k], k, batch, n, classes));
        }
        return LossInputs.of(m);
    }

    private HostTensor tensor(Kind kind, int k, List<Object[]> batch, int n, boolean classIndices) {
        switch (kind) {
            case FLOAT_ARRAY: {
                int w = n == 0 ? 0 : ((float[]) batch.get(0)[k]).length;
                float[] a = new float[n * w];
                for (int i = 0; i < n; i++) System.arraycopy((float[]) batch.get(i)[k], 0, a, i * w, w);
                return HostTensor.of(a, n, w);
            }
            case DOUBLE_ARRAY: {
                int w = n == 0 ? 0 : ((double[]) batch.get(0)[k]).length;
                double[] a = new double[n * w];
                for (int i = 0; i < n; i++) System.arraycopy((double[]) batch.get(i)[k], 0, a, i * w, w);
                return HostTensor.of(a, n, w);
            }
            case LONG_ARRAY: {
                int w = n == 0 ? 0 : ((long[]) batch.get(0)[k]).length;
                long[] a = new long[n * w];
                for (int i = 0; i < n; i++) System.arraycopy((long[]) batch.get(i)[k], 0, a, i * w, w);
                return HostTensor.of(a, n, w);
            }
            case FLOAT: {
                if (classIndices) return classes(k, batch, n);
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = (Float) batch.get(i)[k];
                return HostTensor.of(a, n);
            }
            case DOUBLE: {
                if (classIndices) return classes(k, batch, n);
                double[] a = new double[n];
                for (int i = 0; i < n; i++) a[i] = (Double) batch.get(i)[k];
                return HostTensor.of(a, n);
            }
            default: {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) a[i] = (Long) batch.get(i)[k];
                return HostTensor.of(a, n);
            }
        }
    }

    /** Class indices from numbers: each must be integral (MLlib's labels are doubles such as 3.0). */
    private HostTensor classes(int k, List<Object[]> batch, int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            double v = ((Number) batch.get(i)[k]).doubleValue();
            if (v != Math.rint(v)) {
                throw new IllegalArgumentException(call + ": column '" + columns[k] + "' holds class indices, but a row has " + v
                        + " (row values: " + describe(batch.get(i)) + ")");
            }
            a[i] = (long) v;
        }
        return HostTensor.of(a, n);
    }

    /** The first row of this batch that {@code check} rejects, as a message naming the call, column and values, or null. */
    String findBadRow(Loss loss, java.util.function.Consumer<LossInputs> check) {
        for (Object[] row : rows) {
            try {
                check.accept(inputs(loss, List.<Object[]>of(row)));
            } catch (RuntimeException e) {
                return call + ": bad row" + column(loss, e.getMessage()) + " (row values: " + describe(row) + "): " + e.getMessage();
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

    private String describe(Object[] row) {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < row.length; k++) {
            Object v = row[k];
            String text = v instanceof float[] ? Arrays.toString((float[]) v) : v instanceof double[] ? Arrays.toString((double[]) v)
                    : v instanceof long[] ? Arrays.toString((long[]) v) : String.valueOf(v);
            s.append(k == 0 ? "" : ", ").append(columns[k]).append('=').append(text);
        }
        return s.toString();
    }
}
