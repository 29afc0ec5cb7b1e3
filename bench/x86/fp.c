/* Floating-point kernel: a 24x24 double matrix multiply, a polynomial and
 * a square-root series.  run.sh builds it twice: "x87" with -mfpmath=387
 * and "sse" with -msse2 -mfpmath=sse, the same source and results.
 * bench: fp, iterations 300 */
#include "bench.h"

#define M 24
static double a[M][M], b[M][M], c[M][M];

#ifdef __SSE2_MATH__
#define KERNEL "sse"
static double fsqrt(double x)
{
    double r;
    __asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x));
    return r;
}
#else
#define KERNEL "x87"
static double fsqrt(double x)
{
    double r;
    __asm__("fsqrt" : "=t"(r) : "0"(x));
    return r;
}
#endif

int main(void)
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            a[i][j] = (i * 7 + j * 3) % 11 - 5.25;
            b[i][j] = (i * 5 + j * 2) % 13 * 0.125;
        }
    double total = 0;
    for (uint32_t it = 0; it < ITERS; it++) {
        for (int i = 0; i < M; i++)
            for (int j = 0; j < M; j++) {
                double s = 0;
                for (int k = 0; k < M; k++)
                    s += a[i][k] * b[k][j];
                c[i][j] = s;
            }
        double p = 0, x = (it % 17) * 0.0625;
        for (int k = 0; k < 64; k++)
            p = p * x + 1.0 / (k + 1);
        double r = 0;
        for (int k = 1; k < 64; k++)
            r += fsqrt((double)k * (it + 1));
        total += c[it % M][(it * 5) % M] + p + r * 1e-3;
        a[it % M][(it * 3) % M] += 0.5;
    }
    print_checksum(KERNEL, (uint32_t)(int32_t)(total * 16.0));
    return 0;
}
