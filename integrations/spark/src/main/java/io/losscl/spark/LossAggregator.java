package io.losscl.spark;

import io.losscl.InvalidArgumentException;
import io.losscl.Loss;
import io.losscl.LossEngine;
import io.losscl.LossPartial;
import io.losscl.ReducibleLoss;
import java.io.Serializable;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Aggregator;
import org.apache.spark.sql.types.DataType;

/**
 * {@code losscl_loss(name, optionsJson, columns...)}: a loss with reduction {@code mean}, {@code sum} or
 * {@code batchmean} over the rows of a group. Each task collects its rows into batches of
 * {@link LossclSpark#batchRows} rows and computes each batch on the executor's engine as an exact
 * {@link LossPartial}; Spark merges the partials: the result is bitwise the same however the rows are
 * partitioned or batched. Input: a row of (name, options, the loss's input columns in PyTorch's order), or
 * of the input columns alone where the caller fixed the loss (the DataFrame API: the literals are not
 * converted again for every row).
 */
public final class LossAggregator extends Aggregator<Row, LossAggregator.Buffer, Double> {
    private static final long serialVersionUID = 1L;

    private final String[] columns;
    private final DataType[] types;
    private final int batchRows;
    /** The loss and its options when fixed by the caller (the DataFrame API), else null: read from each row's first two fields. */
    private final String name, options;

    LossAggregator(String[] columns, DataType[] types, int batchRows, String name, String options) {
        this.columns = columns.clone();
        this.types = types.clone();
        this.batchRows = batchRows;
        this.name = name;
        this.options = options;
    }

    /** The aggregation buffer: the rows not yet computed and the partial of those that were. */
    public static final class Buffer implements Serializable {
        private static final long serialVersionUID = 1L;
        String name;
        String options;
        RowBatch pending;
        LossPartial partial;
    }

    @Override
    public Buffer zero() { return new Buffer(); }

    @Override
    public Buffer reduce(Buffer b, Row row) {
        if (b.pending == null) {
            b.name = name != null ? name : row.getString(0);
            b.options = name != null ? options : row.getString(1);
            b.pending = new RowBatch(LossclSpark.describe(b.name, b.options), columns, types, batchRows);
        }
        b.pending.add(row, name != null ? 0 : 2);
        if (b.pending.size() >= batchRows) flush(b);
        return b;
    }

    @Override
    public Buffer merge(Buffer a, Buffer b) {
        flush(a);
        flush(b);
        if (b.partial == null) return a;
        if (a.partial == null) return b;
        a.partial = a.partial.merge(b.partial);
        return a;
    }

    @Override
    public Double finish(Buffer b) {
        flush(b);
        return b.partial == null ? null : b.partial.reduce();
    }

    /** Computes the pending rows into the partial. */
    private static void flush(Buffer b) {
        if (b.pending == null || b.pending.isEmpty()) return;
        Loss loss = LossclSpark.parse(b.name, b.options);
        if (!(loss instanceof ReducibleLoss) || ((ReducibleLoss) loss).reduction() == io.losscl.Reduction.NONE) {
            throw new IllegalArgumentException(LossclSpark.describe(b.name, b.options)
                    + ": losscl_loss reduces (mean, sum or batchmean); for reduction 'none' use LossclSpark.lossPerRow");
        }
        LossEngine engine = ExecutorEngine.get();
        LossPartial p;
        try {
            p = engine.partial(loss, b.pending.inputs(loss));
        } catch (InvalidArgumentException e) {
            String bad = b.pending.findBadRow(loss, in -> engine.partial(loss, in));
            throw new IllegalArgumentException(bad != null ? bad : LossclSpark.describe(b.name, b.options) + ": " + e.getMessage(), e);
        }
        b.partial = b.partial == null ? p : b.partial.merge(p);
        b.pending.clear();
    }

    @Override
    public Encoder<Buffer> bufferEncoder() { return Encoders.javaSerialization(Buffer.class); }

    @Override
    public Encoder<Double> outputEncoder() { return Encoders.DOUBLE(); }
}
