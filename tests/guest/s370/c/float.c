/* IEEE binary floating point from C on ESA/390 (gcc -m31 -march=z900):
 * double, float and long double arithmetic, compares with NaN and
 * infinity, conversions to and from int, multiply-and-add contraction,
 * bit patterns, and the FPC rounding mode; checked, then a line on the
 * console.  The BFP instructions need CR0 bit 13 (AFP-register control),
 * which main sets first. */
#include "guest.h"

/* PoO-390 §19: BFP instructions and FPRs other than 0, 2, 4, 6 need the
 * AFP-register control. */
static void enable_afp(void)
{
    unsigned cr0;
    __asm__ volatile("stctl 0,0,%0" : "=Q"(cr0));
    cr0 |= 0x00040000u;
    __asm__ volatile("lctl 0,0,%0" : : "Q"(cr0));
}

static unsigned fpc_read(void)
{
    unsigned v;
    __asm__ volatile("efpc %0" : "=d"(v) : : "memory");
    return v;
}

static void fpc_write(unsigned v)
{
    __asm__ volatile("sfpc %0" : : "d"(v) : "memory");
}

__attribute__((noinline)) static double harmonic(int n)
{
    double s = 0;
    for (int i = 1; i <= n; i++)
        s += 1.0 / i;
    return s;
}

__attribute__((noinline)) static double newton_sqrt(double a)
{
    double x = a;
    for (int i = 0; i < 40; i++)
        x = 0.5 * (x + a / x);
    return x;
}

__attribute__((noinline)) static double dot(const double *a, const double *b, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

__attribute__((noinline)) static float sum_squares(const float *p, int n)
{
    float s = 0;
    for (int i = 0; i < n; i++)
        s += p[i] * p[i];
    return s;
}

__attribute__((noinline)) static double poly(double x)
{
    return ((x * 2.0 + 3.0) * x - 1.0) * x;
}

static unsigned high_word(double d)
{
    union {
        double d;
        unsigned w[2];
    } u = {d};
    return u.w[0];
}

static unsigned low_word(double d)
{
    union {
        double d;
        unsigned w[2];
    } u = {d};
    return u.w[1];
}

static int run(void)
{
    volatile double two = 2.0, three = 3.0, tenth = 0.1, zero = 0.0;
    if (two + three != 5.0 || two - three != -1.0) return 1;
    double third = 1.0 / three;
    if (high_word(third) != 0x3fd55555u || low_word(third) != 0x55555555u) return 2;
    if (third * three != 1.0) return 3; /* 1 - 2^-54 rounds to even: 1 */
    if (tenth + tenth + tenth == 0.3) return 4;
    double h = harmonic(100);
    if ((int)(h * 1e6) != 5187377) return 5;
    double r = newton_sqrt(2.0);
    double err = r * r - 2.0;
    if (err > 1e-15 || err < -1e-15) return 6;
    double a[4] = {1.5, -2.0, 0.25, 8.0}, b[4] = {2.0, 0.5, 4.0, -0.125};
    if (dot(a, b, 4) != 2.0) return 7; /* 3 - 1 + 1 - 1 */
    if (poly(two) != 26.0) return 8;
    volatile float f = 1.5f;
    float fs[3] = {f, 2.0f, 0.5f};
    if (sum_squares(fs, 3) != 6.5f) return 9;
    if ((float)third != 0.333333343f || (double)(float)third == third) return 10;
    volatile double m25 = -2.5;
    volatile int m7 = -7;
    if ((int)m25 != -2 || (double)m7 != -7.0 || (float)m7 != -7.0f) return 11;
    double nan = zero / zero, inf = 1.0 / zero;
    if (nan == nan || !(nan != nan) || nan < 1.0 || nan > 1.0) return 12;
    if (!(inf > 1e308) || -inf >= -1e308 || inf - inf == inf - inf) return 13;
    if (high_word(nan) != 0x7ff80000u) return 14; /* the positive default NaN */
    volatile long double lx = 1.0L, l3 = 3.0L;
    long double lt = lx / l3;
    if (lt * l3 != 1.0L || lt == (long double)third) return 15;
    /* Round toward zero through the FPC: 1/10, which rounds up to
     * nearest, comes out one unit lower. */
    unsigned fpc = fpc_read();
    fpc_write((fpc & ~3u) | 1u);
    volatile double one = 1.0, ten = 10.0;
    volatile double tenth_rz = one / ten;
    fpc_write(fpc);
    volatile double tenth_rn = one / ten;
    if (low_word(tenth_rn) != 0x9999999au || low_word(tenth_rz) != 0x99999999u) return 16;
    if ((fpc_read() & 0x00080000u) == 0) return 17; /* the inexact flag */
    return 0;
}

int main(void)
{
    enable_afp();
    int rc = run();
    if (rc) return rc;
    char line[48] = "doubles ok, H100 = ", digits[12];
    format_unsigned(digits, (unsigned)(harmonic(100) * 1e6));
    int n = 0;
    while (line[n])
        n++;
    for (int i = 0; digits[i]; i++)
        line[n++] = digits[i];
    line[n] = 0;
    console_puts(line);
    return 0;
}
