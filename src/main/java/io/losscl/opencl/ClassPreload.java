package io.losscl.opencl;

import io.losscl.LossRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java side of a first call, loaded while the device opens. In a fresh JVM a loss's first call spent ~80 ms
 * loading and initialising classes before any OpenCL work (bench/FirstCall.java: the loss registry with every
 * spec, reference and kernel, the program store's SHA-256 provider, the bootstrap of the program cache's record
 * keys, the call path). {@link OpenClBackend#open} starts this once per JVM on a daemon thread, where it overlaps
 * the OpenCL runtime's start (~250 ms of native work on POCL); a call that needs a class first simply loads it.
 */
final class ClassPreload {
    private static final Logger LOG = LoggerFactory.getLogger(ClassPreload.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private ClassPreload() {}

    static void start() {
        if (!STARTED.compareAndSet(false, true)) return;
        Thread t = new Thread(ClassPreload::load, "losscl-class-preload");
        t.setDaemon(true);
        t.start();
    }

    private static void load() {
        try {
            long t0 = System.nanoTime();
            LossRegistry.all();
            ProgramStore.sha256().digest(new byte[1]);   // the SHA-256 provider's classes (~15 ms in a fresh JVM)
            KernelSources.digest("common");               // in every program; and the first resource read from the jar
            ProgramCache.preload();
            for (Class<?> c : new Class<?>[] {CallScope.class, CallScope.Result.class, KernelCall.class, Reducer.class, Staging.class,
                    DeviceTensor.class, NonBlockingTransfer.class}) {
                Class.forName(c.getName(), true, c.getClassLoader());
            }
            LOG.debug("classes of the call path loaded in {} ms", (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException | LinkageError | ClassNotFoundException e) {
            LOG.debug("class preload stopped: {}", e.toString()); // the first call loads what is missing
        }
    }
}
