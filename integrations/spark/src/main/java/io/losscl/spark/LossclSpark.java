package io.losscl.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.losscl.HostTensor;
import io.losscl.Loss;
import io.losscl.LossEngine;
import io.losscl.LossEntry;
import io.losscl.LossInputs;
import io.losscl.LossRegistry;
import io.losscl.Options;
import io.losscl.Reduction;
import io.losscl.ReducibleLoss;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * losscl's losses in Spark SQL.
 *
 * <pre>{@code
 * LossclSpark.register(spark, predictions, "logits", "label");       // losscl_loss over columns of these types
 * spark.sql("SELECT model, losscl_loss('cross_entropy', '{\"label_smoothing\":0.1}', logits, label) FROM predictions GROUP BY model");
 * predictions.groupBy("model").agg(LossclSpark.loss(predictions, "cross_entropy", "{}", "logits", "label"));
 * LossclSpark.lossPerRow(predictions, "cross_entropy", "{}", "loss", "logits", "label");   // reduction 'none'
 * }</pre>
 *
 * Columns are the loss's inputs in PyTorch's order (see {@link RowBatch} for the types: {@code array<float>},
 * {@code array<double>}, ML {@code Vector}, numbers). The options are PyTorch's keyword arguments as JSON
 * ({@code weight}: a JSON array). Rows are computed in batches of {@code spark.losscl.batchRows} rows
 * (default {@value #DEFAULT_BATCH_ROWS}; each batch is one engine call, so larger batches amortise the
 * per-call cost, at {@code batchRows * row size} of executor memory) on one {@link LossEngine} per executor
 * JVM ({@link ExecutorEngine}).
 */
public final class LossclSpark {
    /** The Spark configuration key of the batch size, in rows. */
    public static final String BATCH_ROWS_CONF = "spark.losscl.batchRows";
    public static final int DEFAULT_BATCH_ROWS = 8192;
    private static final ObjectMapper JSON = new ObjectMapper();

    private LossclSpark() {}

    /** Registers the SQL function {@code losscl_loss(name, options, columns...)} for {@code columns} of {@code table}'s types. */
    public static void register(SparkSession spark, Dataset<Row> table, String... columns) {
        spark.udf().register("losscl_loss", udaf(spark, table.schema(), columns, null, null));
    }

    /** The aggregate {@code losscl_loss(loss, options, columns...)} over {@code df}'s columns, as a DataFrame column. */
    public static Column loss(Dataset<Row> df, String loss, String optionsJson, String... columns) {
        parse(loss, optionsJson); // bad names and options fail here, on the driver
        List<Column> args = new ArrayList<>();
        for (String c : columns) args.add(df.col(c));
        return udaf(df.sparkSession(), df.schema(), columns, loss, optionsJson).apply(args.toArray(new Column[0]))
                .as("losscl_loss(" + loss + ")");
    }

    /** The aggregate over {@code columns}; with {@code loss} null, its input starts with the loss's name and options. */
    private static UserDefinedFunction udaf(SparkSession spark, StructType schema, String[] columns, String loss, String optionsJson) {
        DataType[] types = RowBatch.types(schema, columns);
        List<StructField> fields = new ArrayList<>();
        if (loss == null) {
            fields.add(DataTypes.createStructField("loss", DataTypes.StringType, false));
            fields.add(DataTypes.createStructField("options", DataTypes.StringType, false));
        }
        for (int i = 0; i < columns.length; i++) fields.add(DataTypes.createStructField(columns[i], types[i], true));
        LossAggregator agg = new LossAggregator(columns, types, batchRows(spark), loss, optionsJson);
        return functions.udaf(agg, Encoders.row(DataTypes.createStructType(fields)));
    }

    /**
     * {@code df} with a column {@code outputColumn} of the per-row losses (reduction {@code none}; any
     * reduction in the options is replaced), computed in batches per partition.
     */
    public static Dataset<Row> lossPerRow(Dataset<Row> df, String loss, String optionsJson, String outputColumn, String... columns) {
        unreduced(loss, optionsJson); // bad names and options fail here, on the driver
        StructType schema = df.schema();
        DataType[] types = RowBatch.types(schema, columns);
        int[] at = new int[columns.length];
        for (int i = 0; i < columns.length; i++) at[i] = schema.fieldIndex(columns[i]);
        int batchRows = batchRows(df.sparkSession());
        String call = describe(loss, optionsJson);
        StructType out = schema.add(outputColumn, DataTypes.DoubleType, false);
        MapPartitionsFunction<Row, Row> perPartition = rows -> {
            Loss none = unreduced(loss, optionsJson);
            RowBatch rb = new RowBatch(call, columns, types, batchRows);
            List<Row> result = new ArrayList<>();
            List<Row> batch = new ArrayList<>();
            while (rows.hasNext()) {
                batch.add(rows.next());
                if (batch.size() == batchRows || !rows.hasNext()) {
                    lossesOf(call, none, rb, at, batch, result);
                    batch.clear();
                }
            }
            return result.iterator();
        };
        return df.mapPartitions(perPartition, Encoders.row(out));
    }

    private static Loss unreduced(String loss, String optionsJson) {
        Loss parsed = parse(loss, optionsJson);
        if (!(parsed instanceof ReducibleLoss)) throw new IllegalArgumentException(describe(loss, optionsJson) + ": has no reduction");
        return ((ReducibleLoss) parsed).withReduction(Reduction.NONE);
    }

    private static void lossesOf(String call, Loss none, RowBatch rb, int[] at, List<Row> batch, List<Row> result) {
        rb.clear();
        for (Row r : batch) {
            Object[] picked = new Object[at.length];
            for (int i = 0; i < at.length; i++) picked[i] = r.get(at[i]);
            rb.add(RowFactory.create(picked), 0);
        }
        LossEngine engine = ExecutorEngine.get();
        HostTensor losses;
        try {
            losses = engine.compute(none, rb.inputs(none)).output().toHost();
        } catch (io.losscl.InvalidArgumentException e) {
            String bad = rb.findBadRow(none, in -> engine.compute(none, in));
            throw new IllegalArgumentException(bad != null ? bad : call + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < batch.size(); i++) {
            Row r = batch.get(i);
            Object[] values = new Object[r.length() + 1];
            for (int j = 0; j < r.length(); j++) values[j] = r.get(j);
            values[r.length()] = losses.getDouble(i);
            result.add(RowFactory.create(values));
        }
    }

    static int batchRows(SparkSession spark) {
        int n = Integer.parseInt(spark.conf().get(BATCH_ROWS_CONF, String.valueOf(DEFAULT_BATCH_ROWS)));
        if (n < 1) throw new IllegalArgumentException(BATCH_ROWS_CONF + " must be at least 1, got " + n);
        return n;
    }

    /** The loss named {@code name} with PyTorch-style options in JSON. */
    static Loss parse(String name, String optionsJson) {
        LossEntry<?> entry = LossRegistry.byName(name);
        if (entry == null) throw new IllegalArgumentException("losscl_loss: unknown loss '" + name + "'");
        Map<String, Object> options = new LinkedHashMap<>();
        try {
            JsonNode o = JSON.readTree(optionsJson == null || optionsJson.isBlank() ? "{}" : optionsJson);
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                JsonNode v = f.getValue();
                if (v.isNull()) continue;
                options.put(f.getKey(), v.isArray() ? vector(v) : v.isIntegralNumber() ? (Object) v.asLong()
                        : v.isNumber() ? (Object) v.asDouble() : v.isBoolean() ? (Object) v.asBoolean() : v.asText());
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(describe(name, optionsJson) + ": the options are not JSON: " + e.getMessage(), e);
        }
        return entry.parse(Options.of(name, options));
    }

    private static HostTensor vector(JsonNode array) {
        float[] a = new float[array.size()];
        for (int i = 0; i < a.length; i++) a[i] = (float) array.get(i).asDouble();
        return HostTensor.of(a, a.length);
    }

    static String describe(String name, String options) { return "losscl_loss('" + name + "', '" + options + "')"; }
}
