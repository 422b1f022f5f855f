package io.losscl.spark;

import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * losscl_loss('cross_entropy') on logits against MLlib's {@code MulticlassClassificationEvaluator} logLoss on
 * their softmax, over the same cached DataFrame in local[2]: both are the mean of {@code -log softmax(x)[y]}
 * (MLlib clamps probabilities to at least 1e-15, which these rows never reach). float64 logits (ML Vectors),
 * so losscl computes in double. Usage: {@code LogLossBenchmark ROWS CLASSES [REPEATS]}; see the README.
 */
public final class LogLossBenchmark {
    public static void main(String[] args) {
        long rows = Long.parseLong(args[0]);
        int classes = Integer.parseInt(args[1]);
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        SparkSession spark = SparkSession.builder().master("local[2]").appName("losscl-logloss-bench")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        spark.udf().register("logits_of", (UDF1<Long, Vector>) i -> {
            java.util.SplittableRandom r = new java.util.SplittableRandom(i);
            double[] x = new double[classes];
            for (int c = 0; c < classes; c++) x[c] = r.nextDouble(-4, 4);
            return Vectors.dense(x);
        }, SQLDataTypes.VectorType());
        spark.udf().register("softmax", (UDF1<Vector, Vector>) v -> {
            double[] x = v.toArray(), p = new double[x.length];
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (double xi : x) m = Math.max(m, xi);
            for (int c = 0; c < x.length; c++) s += p[c] = Math.exp(x[c] - m);
            for (int c = 0; c < x.length; c++) p[c] /= s;
            return Vectors.dense(p);
        }, SQLDataTypes.VectorType());
        spark.udf().register("argmax", (UDF1<Vector, Double>) v -> (double) v.argmax(), DataTypes.DoubleType);
        Dataset<Row> df = spark.range(rows).repartition(2)
                .withColumn("logits", functions.callUDF("logits_of", functions.col("id")))
                .withColumn("label", functions.pmod(functions.col("id").multiply(7919L), functions.lit((long) classes)).cast(DataTypes.DoubleType))
                .withColumn("probability", functions.callUDF("softmax", functions.col("logits")))
                .withColumn("prediction", functions.callUDF("argmax", functions.col("probability")))
                .drop("id").cache();
        System.out.printf("rows %d, classes %d, partitions %d, cached: %d rows%n", rows, classes, df.rdd().getNumPartitions(), df.count());
        MulticlassClassificationEvaluator mllib = new MulticlassClassificationEvaluator()
                .setMetricName("logLoss").setLabelCol("label").setProbabilityCol("probability").setPredictionCol("prediction");
        for (int rep = 0; rep < repeats; rep++) {
            long t0 = System.nanoTime();
            double theirs = mllib.evaluate(df);
            long t1 = System.nanoTime();
            double ours = df.agg(LossclSpark.loss(df, "cross_entropy", "{}", "logits", "label")).first().getDouble(0);
            long t2 = System.nanoTime();
            System.out.printf("repeat %d: MLlib logLoss %.17g in %.2f s | losscl cross_entropy %.17g in %.2f s | relative difference %.2e%n",
                    rep, theirs, (t1 - t0) * 1e-9, ours, (t2 - t1) * 1e-9, Math.abs(ours - theirs) / Math.abs(theirs));
        }
        System.out.println("losscl engine: " + ExecutorEngine.get().backendName());
        spark.stop();
    }
}
