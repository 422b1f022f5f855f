package io.losscl.spark;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * losscl_loss('cross_entropy') on logits against MLlib's {@code MulticlassClassificationEvaluator} logLoss on
 * their softmax, over one cached DataFrame in local[2]: both are the mean of {@code -log softmax(x)[y]}
 * (MLlib clamps probabilities to at least 1e-15, which these rows never reach). The two run alternately,
 * each timed in wall-clock and in process CPU time (all threads, POCL's included).
 *
 * <p>Usage: {@code LogLossBenchmark ROWS CLASSES [REPEATS [float32|float64 [cached|onthefly]]]}.
 * <ul>
 *   <li>{@code float32}: the logits are an {@code array<float>} column (a model's float32 output; losscl
 *       computes in float32 as PyTorch would); {@code float64}: an ML {@code Vector} (losscl in float64).
 *   <li>{@code cached}: MLlib's probability column is computed with the logits and cached with them (its best
 *       case: the softmax costs it nothing); {@code onthefly}: computed from the cached logits inside MLlib's
 *       query (a softmax UDF in double, as a model's {@code transform} does), so both compute the softmax of
 *       the same cached logits — and the cache holds only the logits (4 GB at 1M x 1000 float32, where the
 *       float64 probabilities would add 8 GB).
 * </ul>
 * Generating the rows (random logits, labels, and in {@code cached} mode the probabilities) happens once,
 * before the timed runs, and is not timed. See the README.
 */
public final class LogLossBenchmark {
    public static void main(String[] args) {
        long rows = Long.parseLong(args[0]);
        int classes = Integer.parseInt(args[1]);
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        boolean float32 = args.length <= 3 || args[3].equals("float32");
        boolean cachedProbabilities = args.length <= 4 || args[4].equals("cached");
        SparkSession spark = SparkSession.builder().master("local[2]").appName("losscl-logloss-bench")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        spark.udf().register("logits_of", (UDF1<Long, Vector>) i -> {
            SplittableRandom r = new SplittableRandom(i);
            double[] x = new double[classes];
            for (int c = 0; c < classes; c++) x[c] = r.nextDouble(-4, 4);
            return Vectors.dense(x);
        }, SQLDataTypes.VectorType());
        spark.udf().register("softmax", (UDF1<Object, Vector>) v -> Vectors.dense(softmax(logits(v))), SQLDataTypes.VectorType());
        Column logits = functions.callUDF("logits_of", functions.col("id"));
        if (float32) logits = org.apache.spark.ml.functions.vector_to_array(logits, "float32");
        Dataset<Row> data = spark.range(rows).repartition(2)
                .withColumn("logits", logits)
                .withColumn("label", functions.pmod(functions.col("id").multiply(7919L), functions.lit((long) classes)).cast(DataTypes.DoubleType))
                .drop("id");
        Column probability = functions.callUDF("softmax", functions.col("logits"));
        if (cachedProbabilities) data = data.withColumn("probability", probability);
        Dataset<Row> df = data.cache();
        System.out.printf("rows %d, classes %d, logits %s, MLlib's probabilities %s, partitions %d, cached: %d rows%n", rows, classes,
                float32 ? "array<float>" : "ML Vector (float64)", cachedProbabilities ? "cached" : "computed on the fly",
                df.rdd().getNumPartitions(), df.count());
        // logLoss reads the prediction column but does not use it: the label stands in, at no cost.
        Dataset<Row> forMllib = (cachedProbabilities ? df : df.withColumn("probability", probability))
                .withColumn("prediction", functions.col("label"));
        MulticlassClassificationEvaluator mllib = new MulticlassClassificationEvaluator()
                .setMetricName("logLoss").setLabelCol("label").setProbabilityCol("probability").setPredictionCol("prediction");
        Column loss = LossclSpark.loss(df, "cross_entropy", "{}", "logits", "label");
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int rep = 0; rep < repeats; rep++) {
            boolean mllibFirst = rep % 2 == 0;
            double[] a = time(os, mllibFirst ? () -> mllib.evaluate(forMllib) : () -> df.agg(loss).first().getDouble(0));
            double[] b = time(os, mllibFirst ? () -> df.agg(loss).first().getDouble(0) : () -> mllib.evaluate(forMllib));
            double[] theirs = mllibFirst ? a : b, ours = mllibFirst ? b : a;
            System.out.printf("repeat %d (%s first, load %.1f): MLlib logLoss %.17g in %.2f s wall, %.2f s CPU | losscl cross_entropy %.17g"
                            + " in %.2f s wall, %.2f s CPU | relative difference %.2e%n",
                    rep, mllibFirst ? "MLlib" : "losscl", os.getSystemLoadAverage(), theirs[0], theirs[1], theirs[2], ours[0], ours[1], ours[2],
                    Math.abs(ours[0] - theirs[0]) / Math.abs(theirs[0]));
        }
        System.out.println("losscl engine: " + ExecutorEngine.get().backendName());
        spark.stop();
    }

    /** {value, wall seconds, process CPU seconds} of one evaluation. */
    private static double[] time(OperatingSystemMXBean os, DoubleSupplier evaluation) {
        long c0 = os.getProcessCpuTime(), t0 = System.nanoTime();
        double v = evaluation.getAsDouble();
        return new double[] {v, (System.nanoTime() - t0) * 1e-9, (os.getProcessCpuTime() - c0) * 1e-9};
    }

    /** A logits value as Spark passes it to a UDF: an ML Vector or a Seq of Floats. */
    private static double[] logits(Object v) {
        if (v instanceof Vector) return ((Vector) v).toArray();
        scala.collection.Seq<?> s = (scala.collection.Seq<?>) v;
        double[] x = new double[s.length()];
        for (int c = 0; c < x.length; c++) x[c] = ((Number) s.apply(c)).doubleValue();
        return x;
    }

    /** softmax(x) in double, max-shifted. */
    private static double[] softmax(double[] x) {
        double[] p = new double[x.length];
        double m = Double.NEGATIVE_INFINITY, s = 0;
        for (double xi : x) m = Math.max(m, xi);
        for (int c = 0; c < x.length; c++) s += p[c] = Math.exp(x[c] - m);
        for (int c = 0; c < x.length; c++) p[c] /= s;
        return p;
    }
}
