package io.losscl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.losscl.DType;
import io.losscl.EngineOptions;
import io.losscl.HostTensor;
import io.losscl.Loss;
import io.losscl.LossEngine;
import io.losscl.LossResult;
import io.losscl.LossInputs;
import io.losscl.LossPartial;
import io.losscl.ReducibleLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * losscl_loss in Spark local mode: several losses and options against one single call over the same rows
 * (bitwise the merged partial of the whole batch, and within the accuracy rule of the reduced single call),
 * repartitioned 1, 3 and 17 ways and batched in 37-row batches: bitwise equal. Bad rows fail with the loss,
 * the column and the row's values.
 */
class LossclSparkTest {
    private static final int N = 600, C = 7;
    private static SparkSession spark;
    private static Dataset<Row> data;
    private static List<Row> rows;
    private static LossEngine engine;
    /** One call over every row, reduced exactly (EngineOptions.reproducible). */
    private static LossEngine reproducible;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("losscl-spark-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "3")
                .config(LossclSpark.BATCH_ROWS_CONF, "37").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        Random r = new Random(5);
        rows = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            float[] logits = new float[C];
            double[] probs = new double[C], pred = new double[C];
            double total = 0;
            for (int c = 0; c < C; c++) {
                logits[c] = (float) (r.nextGaussian() * 2);
                probs[c] = 0.05 + r.nextDouble();
                total += probs[c];
                pred[c] = r.nextGaussian();
            }
            for (int c = 0; c < C; c++) probs[c] /= total;
            rows.add(RowFactory.create("m" + (i % 3), toList(logits), (long) r.nextInt(C), (double) r.nextInt(C),
                    Vectors.dense(pred), toList(probs)));
        }
        StructType schema = new StructType()
                .add("model", DataTypes.StringType).add("logits", DataTypes.createArrayType(DataTypes.FloatType))
                .add("label", DataTypes.LongType).add("dlabel", DataTypes.DoubleType)
                .add("pred", new VectorUDT()).add("probs", DataTypes.createArrayType(DataTypes.DoubleType));
        data = spark.createDataFrame(rows, schema);
        engine = LossEngine.create();
        reproducible = LossEngine.create(EngineOptions.builder().reproducible(true).build());
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
        if (engine != null) engine.close();
        if (reproducible != null) reproducible.close();
    }

    private static List<Float> toList(float[] a) {
        List<Float> l = new ArrayList<>();
        for (float v : a) l.add(v);
        return l;
    }

    private static List<Double> toList(double[] a) {
        List<Double> l = new ArrayList<>();
        for (double v : a) l.add(v);
        return l;
    }

    /** The loss, options and columns exercised, with how the rows become one single call's inputs. */
    private static final String[][] CASES = {
            {"cross_entropy", "{}", "logits", "label"},
            {"cross_entropy", "{\"label_smoothing\":0.1,\"weight\":[1,2,0.5,1,1,3,0.25],\"ignore_index\":2}", "logits", "label"},
            {"cross_entropy", "{\"reduction\":\"sum\"}", "logits", "dlabel"},
            {"nll_loss", "{\"weight\":[1,2,0.5,1,1,3,0.25]}", "pred", "dlabel"},
            {"mse_loss", "{}", "pred", "probs"},
            {"kl_div", "{\"reduction\":\"batchmean\"}", "pred", "probs"},
            {"binary_cross_entropy_with_logits", "{}", "pred", "probs"},
    };

    @Test
    void aggregateIsBitwiseTheSameForAnyPartitioningAndMatchesTheSingleCall() {
        for (String[] c : CASES) {
            String[] columns = {c[2], c[3]};
            Loss loss = LossclSpark.parse(c[0], c[1]);
            RowBatch all = new RowBatch("test", columns, RowBatch.types(data.schema(), columns));
            for (Row r : rows) all.add(RowFactory.create(r.get(data.schema().fieldIndex(c[2])), r.get(data.schema().fieldIndex(c[3]))), 0);
            LossInputs inputs = all.inputs(loss);
            LossPartial whole = engine.partial(loss, inputs);
            double single = engine.compute(loss, inputs).scalar();
            double tolerance = 1e-5 + 1e-4 * Math.abs(single);
            assertEquals(single, whole.reduce(), tolerance, c[0] + " " + c[1] + ": merged partial vs the single call");
            try (LossResult exact = reproducible.compute(loss, inputs)) {
                double want = exact.output().dtype() == DType.FLOAT32 ? (float) whole.reduce() : whole.reduce();
                assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(exact.scalar()),
                        c[0] + " " + c[1] + ": a reproducible engine's single call is the merged partial, rounded to its dtype");
            }
            for (int parts : new int[] {1, 3, 17}) {
                Row got = data.repartition(parts).agg(LossclSpark.loss(data, c[0], c[1], columns)).first();
                assertEquals(Double.doubleToLongBits(whole.reduce()), Double.doubleToLongBits(got.getDouble(0)),
                        c[0] + " " + c[1] + " in " + parts + " partitions: " + got.getDouble(0) + " vs " + whole.reduce());
            }
        }
    }

    @Test
    void sqlGroupByAndPerRowLosses() {
        LossclSpark.register(spark, data, "logits", "label");
        data.createOrReplaceTempView("predictions");
        List<Row> byModel = spark.sql("SELECT model, losscl_loss('cross_entropy', '{\"label_smoothing\":0.1}', logits, label) AS loss"
                + " FROM predictions GROUP BY model ORDER BY model").collectAsList();
        assertEquals(3, byModel.size());
        Loss ce = LossclSpark.parse("cross_entropy", "{\"label_smoothing\":0.1}");
        List<Row> perRow = LossclSpark.lossPerRow(data, "cross_entropy", "{\"label_smoothing\":0.1}", "loss", "logits", "label")
                .orderBy("model").collectAsList();
        assertEquals(N, perRow.size());
        for (Row m : byModel) {
            List<Row> group = new ArrayList<>();
            for (Row r : rows) if (r.getString(0).equals(m.getString(0))) group.add(RowFactory.create(r.get(1), r.get(2)));
            RowBatch b = new RowBatch("test", new String[] {"logits", "label"}, RowBatch.types(data.schema(), new String[] {"logits", "label"}));
            for (Row r : group) b.add(r, 0);
            LossPartial want = engine.partial(ce, b.inputs(ce));
            assertEquals(Double.doubleToLongBits(want.reduce()), Double.doubleToLongBits(m.getDouble(1)), "model " + m.getString(0));
            double sum = 0;
            for (Row r : perRow) if (r.getString(0).equals(m.getString(0))) sum += r.getDouble(r.length() - 1);
            assertEquals(want.reduce(), sum / group.size(), 1e-5, "per-row losses of model " + m.getString(0));
        }
        HostTensor none = engine.compute(((ReducibleLoss) ce).withReduction(io.losscl.Reduction.NONE),
                LossInputs.of("input", HostTensor.of(new float[] {0f, 1f, 2f, 3f, 4f, 5f, 6f}, 1, C), "target", HostTensor.of(new long[] {3}, 1))).output().toHost();
        assertTrue(none.getDouble(0) > 0);
    }

    @Test
    void badRowsNameTheLossTheColumnAndTheValues() {
        StructType schema = new StructType().add("logits", DataTypes.createArrayType(DataTypes.FloatType)).add("label", DataTypes.LongType);
        assertBad(schema, List.of(RowFactory.create(List.of(1f, 2f, 3f), 1L), RowFactory.create(List.of(1f, 2f, 3f), 7L)),
                "cross_entropy", "column 'label'", "label=7", "out of range");
        assertBad(schema, List.of(RowFactory.create(List.of(1f, 2f, 3f), 1L), RowFactory.create(List.of(1f, 2f), 0L)),
                "cross_entropy", "column 'logits'", "logits=", "2 values where the rows before had 3");
        assertBad(schema, List.of(RowFactory.create(List.of(1f, 2f, 3f), 1L), RowFactory.create(null, 0L)),
                "cross_entropy", "column 'logits' is null", "label=0");
        assertBad(schema, List.of(RowFactory.create(List.of(1f, 2f, 3f), 1L), RowFactory.create(java.util.Arrays.asList(1f, null, 3f), 0L)),
                "cross_entropy", "column 'logits' has a null value at [1]", "label=0");
    }

    private static void assertBad(StructType schema, List<Row> bad, String... want) {
        Dataset<Row> df = spark.createDataFrame(bad, schema).coalesce(1);
        Exception e = assertThrows(Exception.class, () -> df.agg(LossclSpark.loss(df, "cross_entropy", "{}", "logits", "label")).first());
        String message = messages(e);
        for (String w : want) if (!message.contains(w)) fail("the error does not say '" + w + "': " + message);
    }

    private static String messages(Throwable t) {
        StringBuilder s = new StringBuilder();
        for (; t != null; t = t.getCause()) s.append(t.getMessage()).append(" | ");
        return s.toString();
    }
}
