package io.losscl.spark;

import io.losscl.BackendKind;
import io.losscl.LossEngine;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * The one {@link LossEngine} of this JVM (an executor, or the driver in local mode), opened on first use
 * and closed at exit. When Spark's resource scheduling gave the task a GPU
 * ({@code spark.executor.resource.gpu.amount} / {@code spark.task.resource.gpu.amount}), the engine opens the
 * OpenCL device of that address (the address is used as losscl's device index, as {@code losscl devices}
 * lists them; set {@code losscl.device} on the executors to override); otherwise AUTO (the best OpenCL
 * device, else the Java reference). {@code -Dlosscl.backend=java} on the executors forces the reference.
 * The engine is thread-safe: the executor's concurrent tasks share it.
 */
final class ExecutorEngine {
    private static LossEngine engine;

    private ExecutorEngine() {}

    static synchronized LossEngine get() {
        if (engine == null) {
            String gpu = assignedGpu();
            engine = gpu != null && System.getProperty("losscl.device") == null && System.getProperty("losscl.backend") == null
                    ? LossEngine.create(BackendKind.OPENCL, gpu) : LossEngine.create();
            LossEngine opened = engine;
            Runtime.getRuntime().addShutdownHook(new Thread(opened::close, "losscl-engine-close"));
        }
        return engine;
    }

    /** The first GPU address Spark assigned to the running task, or null. */
    private static String assignedGpu() {
        TaskContext task = TaskContext.get();
        if (task == null) return null;
        scala.Option<ResourceInformation> gpu = task.resources().get("gpu");
        return gpu.isEmpty() || gpu.get().addresses().length == 0 ? null : gpu.get().addresses()[0];
    }
}
