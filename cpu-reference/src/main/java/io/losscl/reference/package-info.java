/**
 * The pure-Java reference: every loss in double precision, written as PyTorch's documentation states
 * the formula. It is the {@code java} backend (and AUTO's fallback without OpenCL) and the oracle every
 * kernel is tested against. It never imports OpenCL. Applications reach it through
 * {@link io.losscl.LossEngine#create(io.losscl.BackendKind)} with {@link io.losscl.BackendKind#JAVA}.
 */
package io.losscl.reference;
