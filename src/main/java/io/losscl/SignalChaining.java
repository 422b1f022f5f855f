package io.losscl;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POCL compiles kernels with LLVM, which installs its own handlers for SIGSEGV, SIGFPE, SIGBUS and others over the
 * JVM's. The JVM raises those signals itself (a JIT-compiled null check or integer division faults on purpose and
 * its handler turns the fault into an exception), so with LLVM's handler in place such a fault can kill the
 * process ("Segmentation fault", no hs_err file; seen in the bench on an idle JOCL thread). The JVM's
 * signal-chaining library, preloaded ({@code LD_PRELOAD=$JAVA_HOME/lib/libjsig.so}), keeps the JVM's handlers and
 * hands other signals on to LLVM's. The {@code losscl} launcher and the test build preload it; an application
 * embedding losscl on POCL is warned once if it does not.
 */
final class SignalChaining {
    private static final Logger LOG = LoggerFactory.getLogger(SignalChaining.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private SignalChaining() {}

    static void warnIfUnchained(String platformName) {
        if (!platformName.startsWith("Portable Computing Language")) return;
        String preload = System.getenv("LD_PRELOAD");
        if (preload != null && preload.contains("libjsig")) return;
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn("OpenCL on POCL: its LLVM replaces the JVM's SIGSEGV/SIGFPE handlers, which can crash the JVM later; start the JVM "
                    + "with LD_PRELOAD={}/lib/libjsig.so (the losscl launcher does)", System.getProperty("java.home"));
        }
    }
}
