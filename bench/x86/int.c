/* Integer ALU kernel: a xorshift generator feeding table-driven CRC-32,
 * multiply-accumulate and a prime sieve over a small array.
 * bench: integer, iterations 2000 */
#include "bench.h"

static uint32_t crc_table[256];
static uint8_t sieve[4096];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t work(uint32_t seed)
{
    uint32_t x = seed | 1, crc = ~0u, acc = 0;
    for (int i = 0; i < 256; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        crc = crc_table[(crc ^ x) & 0xff] ^ (crc >> 8);
        acc += (x >> 3) * 2654435761u + (acc >> 7);
    }
    for (int i = 0; i < 4096; i++)
        sieve[i] = 1;
    uint32_t primes = 0;
    for (int i = 2; i < 4096; i++) {
        if (!sieve[i]) continue;
        primes++;
        for (int j = i + i; j < 4096; j += i)
            sieve[j] = 0;
    }
    return crc ^ acc ^ primes;
}

int main(void)
{
    crc_init();
    uint32_t sum = 0;
    for (uint32_t it = 0; it < ITERS; it++)
        sum = sum * 31 + work(it);
    print_checksum("int", sum);
    return 0;
}
