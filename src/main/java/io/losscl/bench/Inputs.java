package io.losscl.bench;

import io.losscl.HostTensor;
import io.losscl.bench.BenchCase.Input;
import java.util.SplittableRandom;

/** Makes a case's host inputs from its generators (seeded: every run times the same values). */
final class Inputs {
    private Inputs() {}

    static HostTensor make(Input in, long seed) {
        int n = Math.toIntExact(in.numel());
        SplittableRandom r = new SplittableRandom(seed ^ in.name.hashCode());
        switch (in.gen) {
            case INT: {
                long[] v = new long[n];
                for (int k = 0; k < n; k++) v[k] = r.nextLong(in.lo, in.hi);
                return HostTensor.of(v, in.shape);
            }
            case FULL: {
                long[] v = new long[n];
                java.util.Arrays.fill(v, in.lo);
                return HostTensor.of(v, in.shape);
            }
            default:
                break;
        }
        float[] v = new float[n];
        switch (in.gen) {
            case RANDN: for (int k = 0; k < n; k++) v[k] = (float) r.nextGaussian(); break;
            case RAND: for (int k = 0; k < n; k++) v[k] = (float) r.nextDouble(); break;
            case SIGN: for (int k = 0; k < n; k++) v[k] = r.nextBoolean() ? 1f : -1f; break;
            case LOG_SOFTMAX:
            case SOFTMAX: {
                int row = (int) in.shape[in.shape.length - 1];
                for (int k = 0; k < n; k++) v[k] = (float) r.nextGaussian();
                for (int s = 0; s < n; s += row) {
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int k = s; k < s + row; k++) max = Math.max(max, v[k]);
                    for (int k = s; k < s + row; k++) sum += Math.exp(v[k] - max);
                    double lse = max + Math.log(sum);
                    for (int k = s; k < s + row; k++) {
                        double lp = v[k] - lse;
                        v[k] = (float) (in.gen == BenchCase.Gen.SOFTMAX ? Math.exp(lp) : lp);
                    }
                }
                break;
            }
            default: throw new AssertionError(in.gen);
        }
        return HostTensor.of(v, in.shape);
    }
}
