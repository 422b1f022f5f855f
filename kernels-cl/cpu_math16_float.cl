/* cpu_math16_float.cl: a hand-vectorised float exp for CPU devices computing in float (the host prepends it
 * to cross_entropy_rows_cpu.cl under the FLOAT precision). POCL's float16 exp builtin is correct to an ulp
 * but costs more than this straight-line code on 16 float lanes.
 *
 * exp_neg16_float(a) for a <= 0 (or NaN): Cody-Waite reduction a = k ln2 + r with ln2 split in two (ln2_hi has
 * 16 significant bits and |k| <= 126, so k ln2_hi and a - k ln2_hi are exact), |r| <= ln2/2; then Taylor to
 * degree 7 (truncation below 2^-27 relative) by Horner in float: about 1 float ulp in all, as good as the
 * float exp PyTorch uses. 2^k is built in the exponent bits. a < -87 gives 0 (exp(-87) is at the bottom of
 * the normal floats: nothing a row's sum of exps, >= 1, or a probability stored as float can hold), NaN stays NaN. */
inline float16 exp_neg16_float(float16 a) {
    const float16 ac = select(a, (float16)-87.0f, a < -87.0f);     /* keeps NaN (the compare is false) */
    const float16 magic = (float16)0x1.8p23f;                         /* adding it rounds to an integer in the low bits */
    const float16 kb = ac * (float16)1.44269504088896341f + magic;
    const float16 kf = kb - magic;
    float16 r = kf * (float16)-0.693145751953125f + ac;
    r = kf * (float16)-1.428606820309417232e-06f + r;
    float16 p = (float16)(1.0f / 5040);
    p = p * r + (float16)(1.0f / 720);
    p = p * r + (float16)(1.0f / 120);
    p = p * r + (float16)(1.0f / 24);
    p = p * r + (float16)(1.0f / 6);
    p = p * r + (float16)0.5f;
    p = p * r + (float16)1.0f;
    p = p * r + (float16)1.0f;
    const int16 bits = (as_int16(kb) - as_int16(magic) + 127) << 23;
    return select(p * as_float16(bits), (float16)0.0f, a < -87.0f);
}
