/* Branchy kernel: a quicksort of pseudo-random keys, binary searches in
 * the result and a byte-code state machine.
 * bench: branch, iterations 400 */
#include "bench.h"

#define N 1024
static uint32_t keys[N];

static void quicksort(uint32_t *a, int lo, int hi)
{
    while (lo < hi) {
        uint32_t p = a[(lo + hi) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < p)
                i++;
            while (a[j] > p)
                j--;
            if (i <= j) {
                uint32_t t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
}

static int bsearch_u32(const uint32_t *a, int n, uint32_t k)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) >> 1;
        if (a[mid] == k) return mid;
        if (a[mid] < k)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static uint32_t machine(uint32_t x)
{
    static const uint8_t prog[] = {0, 1, 2, 3, 1, 4, 2, 0, 3, 3, 4, 1, 0, 2, 4, 5};
    uint32_t a = x, b = 0;
    for (int pc = 0, steps = 0; steps < 512; steps++) {
        switch (prog[pc & 15]) {
        case 0: a += 3; break;
        case 1: b ^= a; break;
        case 2: a = (a << 1) | (a >> 31); break;
        case 3:
            if (a & 4) pc += 2;
            break;
        case 4: b += a >> 3; break;
        default: a ^= b; break;
        }
        pc++;
    }
    return a ^ b;
}

int main(void)
{
    uint32_t sum = 0, x = 12345;
    for (uint32_t it = 0; it < ITERS; it++) {
        for (int i = 0; i < N; i++) {
            x = x * 1103515245u + 12345u;
            keys[i] = x >> 8;
        }
        quicksort(keys, 0, N - 1);
        for (int i = 0; i < N; i += 4)
            sum += (uint32_t)bsearch_u32(keys, N, keys[i]);
        sum += machine(it);
    }
    print_checksum("branch", sum);
    return 0;
}
