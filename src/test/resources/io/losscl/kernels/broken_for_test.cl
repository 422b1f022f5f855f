/* Deliberately invalid OpenCL C: the build must fail with its log in the exception. */
__kernel void broken(__global float *x) { x[0] = undefined_symbol; }
