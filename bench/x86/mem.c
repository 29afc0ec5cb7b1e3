/* Memory kernel: block copies and fills with the string instructions
 * (REP MOVSD, REP STOSD, REP MOVSB), structure copies and a strided sum.
 * bench: memory, iterations 300 */
#include "bench.h"

#define WORDS 8192
static uint32_t src[WORDS], dst[WORDS];

static void rep_movsd(void *d, const void *s, uint32_t n)
{
    __asm__ volatile("rep movsl" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}
static void rep_stosd(void *d, uint32_t v, uint32_t n)
{
    __asm__ volatile("rep stosl" : "+D"(d), "+c"(n) : "a"(v) : "memory");
}
static void rep_movsb(void *d, const void *s, uint32_t n)
{
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

struct rec {
    uint32_t a, b, c, d, e, f, g, h;
};
static struct rec recs[256];

int main(void)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i < WORDS; i++)
        src[i] = i * 2654435761u;
    for (uint32_t it = 0; it < ITERS; it++) {
        rep_stosd(dst, it, WORDS);
        rep_movsd(dst, src, WORDS);
        rep_movsb((uint8_t *)dst + 3, (uint8_t *)src + 1, 4000);
        for (int i = 0; i < 255; i++)
            recs[i + 1] = recs[i], recs[i + 1].a += dst[i];
        for (uint32_t i = 0; i < WORDS; i += 7)
            sum += dst[i];
        sum += recs[255].a;
    }
    print_checksum("mem", sum);
    return 0;
}
