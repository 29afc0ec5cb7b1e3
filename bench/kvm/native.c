/*
 * The ring-3 kernel of tests/guest/x86/kvm_longmode.asm (xorshift64* with a
 * running sum), the same instructions, run natively as a host process:
 * bench/kvm/run.sh compares its time with the guest's under -accel kvm.
 *
 *     native ITERS    prints the elapsed seconds and the results
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    uint64_t iters = argc > 1 ? strtoull(argv[1], NULL, 0) : 1000000;
    uint64_t x = 0x9e3779b97f4a7c15ull, sum = 0, mul = 0x2545f4914f6cdd1dull, n = iters, t;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    __asm__ volatile("1:\n\t"
                     "mov %[x], %[t]\n\tshr $12, %[t]\n\txor %[t], %[x]\n\t"
                     "mov %[x], %[t]\n\tshl $25, %[t]\n\txor %[t], %[x]\n\t"
                     "mov %[x], %[t]\n\tshr $27, %[t]\n\txor %[t], %[x]\n\t"
                     "mov %[x], %[t]\n\timul %[mul], %[t]\n\tadd %[t], %[sum]\n\t"
                     "dec %[n]\n\tjnz 1b"
                     : [x] "+r"(x), [sum] "+r"(sum), [n] "+r"(n), [t] "=&r"(t)
                     : [mul] "r"(mul)
                     : "cc");
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
    printf("%.6f x=%016" PRIx64 " sum=%016" PRIx64 "\n", s, x, sum);
    return 0;
}
