package io.losscl.reference;

import io.losscl.Backend;
import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.Loss;
import io.losscl.LossEntry;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The pure-Java backend: each loss's {@link ReferenceLoss}, computed in double precision and rounded
 * once to the result dtype. Stateless and thread-safe.
 */
public final class ReferenceBackend implements Backend {
    @Override public String name() { return "java"; }

    @Override
    public <L extends Loss> LossResult compute(LossEntry<L> entry, L loss, LossInputs inputs, Set<String> grads) {
        Map<String, Tensor> host = new LinkedHashMap<>();
        inputs.asMap().forEach((k, v) -> host.put(k, v.toHost()));
        LossInputs hostInputs = LossInputs.of(host);
        ReferenceResult r = entry.reference().compute(loss, hostInputs, grads);
        DType dtype = DType.resultOf(hostInputs);
        Map<String, HostTensor> g = new LinkedHashMap<>();
        for (String name : grads) {
            double[] values = r.grads().get(name);
            if (values == null) throw new IllegalStateException(loss.name() + " reference did not compute the gradient of " + name);
            g.put(name, HostTensor.fromDoubles(dtype, hostInputs.get(name).shape(), values));
        }
        return Backend.result(HostTensor.fromDoubles(dtype, r.shape(), r.output()), g, name());
    }

    @Override public void close() {}
}
