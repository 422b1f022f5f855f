/** {@code losscl bench}: the benchmark suite and its peers (PyTorch, DJL). Not part of the library's API. */
package io.losscl.bench;
