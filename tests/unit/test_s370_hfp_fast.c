/*
 * The fast paths of S/370 hexadecimal floating point (s370_hfp.h: the
 * short and long operations on FPR images in 64-bit arithmetic) against
 * the general functions of s370_hfp.c, on millions of random operands
 * weighted to the edges: zero and unnormalized fractions, all-ones
 * fractions, characteristics 0, 1, 63-65, 126, 127 and equal or nearly
 * equal ones (the alignment shifts around the guard digit), and both
 * settings of the exponent-underflow and significance masks.
 *
 * Where a fast path answers, its image must be the general result, with
 * no interruption and the condition code s370_hfp_cc gives (which is what
 * the lifter computes from the image); it must answer exactly when the
 * general function, with both masks on, recognizes no interruption.
 */
#include <criterion/criterion.h>

#include "frontends/s370/s370_hfp.h"

TestSuite(s370_hfp_fast);

#define SHORT     S370_HFP_SHORT
#define LONG      S370_HFP_LONG
#define ALL_MASKS (S370_HFP_MASK_EXPUND | S370_HFP_MASK_SIGNIF)

/* Random operands per format and operation. */
#define ROUNDS 400000

/* xorshift64*: deterministic, so a failure repeats. */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

static const int edge_chars[] = {0, 1, 2, 62, 63, 64, 65, 66, 125, 126, 127};

/* A random characteristic: an edge value, near `near` (for alignment
 * shifts of 0 to 16 digits either way), or any. */
static int rnd_char(uint64_t *s, int near)
{
    switch (rnd(s) % 4) {
    case 0: return edge_chars[rnd(s) % (sizeof edge_chars / sizeof edge_chars[0])];
    case 1: return (near + (int)(rnd(s) % 33) - 16) & 0x7f;
    case 2: return near;
    default: return (int)(rnd(s) & 0x7f);
    }
}

/* A random 14-digit fraction: zero, all ones, one digit, normalized, or
 * with leading zero digits (unnormalized). */
static uint64_t rnd_fraction(uint64_t *s)
{
    const uint64_t m56 = UINT64_C(0x00ffffffffffffff);
    uint64_t f = rnd(s) & m56;
    switch (rnd(s) % 8) {
    case 0: return 0;
    case 1: return m56;
    case 2: return (rnd(s) % 15 + 1) << (4 * (rnd(s) % 14));
    case 3: return f >> (4 * (rnd(s) % 14));              /* unnormalized */
    case 4: return f & ~(m56 >> (4 * (rnd(s) % 14 + 1))); /* trailing zero digits */
    default: return f | UINT64_C(0x0010000000000000);     /* normalized */
    }
}

/* A random operand image of fmt; a short one's low half is garbage that
 * every operation must ignore. */
static uint64_t rnd_operand(uint64_t *s, S370HfpFormat fmt, int near)
{
    uint64_t v = (rnd(s) & S370_HFP_SIGN) | (uint64_t)rnd_char(s, near) << 56 | rnd_fraction(s);
    if (fmt == SHORT) v = (v & ~UINT64_C(0xffffffff)) | (rnd(s) >> 32);
    return v;
}

static S370HfpVal val(S370HfpFormat fmt, uint64_t image)
{
    return (S370HfpVal){fmt == SHORT ? image >> 32 : image, 0};
}

static uint64_t image(S370HfpFormat fmt, S370HfpVal v)
{
    return fmt == SHORT ? v.hi << 32 : v.hi;
}

/* The general function (with the program mask) and the fast path of one
 * operation. */
typedef struct Op {
    const char *name;
    S370HfpFormat in, out;
    S370HfpResult (*general)(S370HfpFormat fmt, uint64_t a, uint64_t b, unsigned mask);
    bool (*fast)(S370HfpFormat fmt, uint64_t a, uint64_t b, uint64_t *r);
} Op;

static S370HfpResult add_g(S370HfpFormat f, uint64_t a, uint64_t b, unsigned mask)
{
    return s370_hfp_add(f, val(f, a), val(f, b), true, mask);
}
static bool add_f(S370HfpFormat f, uint64_t a, uint64_t b, uint64_t *r)
{
    return s370_hfp_add_fast(f, a, b, true, r);
}
static S370HfpResult addu_g(S370HfpFormat f, uint64_t a, uint64_t b, unsigned mask)
{
    return s370_hfp_add(f, val(f, a), val(f, b), false, mask);
}
static bool addu_f(S370HfpFormat f, uint64_t a, uint64_t b, uint64_t *r)
{
    return s370_hfp_add_fast(f, a, b, false, r);
}
static S370HfpResult mul_g(S370HfpFormat f, uint64_t a, uint64_t b, unsigned mask)
{
    return s370_hfp_mul(f, LONG, val(f, a), val(f, b), mask);
}
static S370HfpResult div_g(S370HfpFormat f, uint64_t a, uint64_t b, unsigned mask)
{
    return s370_hfp_div(f, val(f, a), val(f, b), mask);
}
static S370HfpResult halve_g(S370HfpFormat f, uint64_t a, uint64_t b, unsigned mask)
{
    (void)a; /* unary: the second operand */
    return s370_hfp_halve(f, val(f, b), mask);
}
static bool halve_f(S370HfpFormat f, uint64_t a, uint64_t b, uint64_t *r)
{
    (void)a;
    return s370_hfp_halve_fast(f, b, r);
}

static const Op ops[] = {
    {"add short", SHORT, SHORT, add_g, add_f},
    {"add long", LONG, LONG, add_g, add_f},
    {"add unnormalized short", SHORT, SHORT, addu_g, addu_f},
    {"add unnormalized long", LONG, LONG, addu_g, addu_f},
    {"multiply short", SHORT, LONG, mul_g, s370_hfp_mul_fast},
    {"multiply long", LONG, LONG, mul_g, s370_hfp_mul_fast},
    {"divide short", SHORT, SHORT, div_g, s370_hfp_div_fast},
    {"divide long", LONG, LONG, div_g, s370_hfp_div_fast},
    {"halve short", SHORT, SHORT, halve_g, halve_f},
    {"halve long", LONG, LONG, halve_g, halve_f},
};

/* One operation on (a, b): the fast path against the general function
 * with every program mask.  Counts the cases the fast path took. */
static void check(const Op *op, uint64_t a, uint64_t b, unsigned long *taken)
{
    uint64_t r = UINT64_C(0xdeadbeefdeadbeef);
    bool fast = op->fast(op->in, a, b, &r);
    for (unsigned mask = 0; mask <= ALL_MASKS; mask++) {
        S370HfpResult g = op->general(op->in, a, b, mask);
        if (!g.pgm)
            cr_assert_eq(g.cc, s370_hfp_cc(op->out, g.v),
                         "%s %016llx, %016llx mask %u: cc %u is not that of the result", op->name,
                         (unsigned long long)a, (unsigned long long)b, mask, g.cc);
        if (mask == ALL_MASKS)
            cr_assert_eq(fast, g.pgm == 0, "%s %016llx, %016llx: fast path %s, general pgm %#x",
                         op->name, (unsigned long long)a, (unsigned long long)b,
                         fast ? "answered" : "declined", g.pgm);
        if (!fast) continue;
        cr_assert(g.pgm == 0 && image(op->out, g.v) == r,
                  "%s %016llx, %016llx mask %u: fast %016llx, general %016llx pgm %#x", op->name,
                  (unsigned long long)a, (unsigned long long)b, mask, (unsigned long long)r,
                  (unsigned long long)image(op->out, g.v), g.pgm);
    }
    if (fast) ++*taken;
}

Test(s370_hfp_fast, against_general, .timeout = 120)
{
    uint64_t seed = UINT64_C(0x9e3779b97f4a7c15);
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        const Op *op = &ops[i];
        unsigned long taken = 0;
        for (unsigned n = 0; n < ROUNDS; n++) {
            uint64_t a = rnd_operand(&seed, op->in, 64);
            uint64_t b = rnd_operand(&seed, op->in, s370_hfp_char(a));
            check(op, a, b, &taken);
            /* Subtraction, and the operands the other way round. */
            check(op, a, b ^ S370_HFP_SIGN, &taken);
            check(op, b, a, &taken);
        }
        /* The fast path must carry the ordinary cases. */
        cr_expect_gt(taken, 3ul * ROUNDS / 2, "%s: fast path took only %lu of %u", op->name, taken,
                     3 * ROUNDS);
    }
}

Test(s370_hfp_fast, compare, .timeout = 60)
{
    uint64_t seed = 12345;
    for (S370HfpFormat f = SHORT; f <= LONG; f++)
        for (unsigned n = 0; n < ROUNDS; n++) {
            uint64_t a = rnd_operand(&seed, f, 64), b = rnd_operand(&seed, f, s370_hfp_char(a));
            uint8_t g = s370_hfp_compare(f, val(f, a), val(f, b));
            cr_assert_eq(s370_hfp_compare_fast(f, a, b), g, "compare %016llx, %016llx: %u",
                         (unsigned long long)a, (unsigned long long)b, g);
        }
}

/* Hand-picked cases on each side of every condition that sends an
 * operation to the general path. */
Test(s370_hfp_fast, edges)
{
    static const struct {
        const char *what;
        unsigned op; /* index in ops */
        uint64_t a, b;
    } cases[] = {
        {"sum zero: significance", 1, 0x4110000000000000, 0xc110000000000000},
        {"sum nonzero by the guard digit", 1, 0x4110000000000000, 0xc0ffffffffffffff},
        {"short sum lost below the guard digit", 0, 0x4110000000000000, 0xc010000000000000},
        {"carry to characteristic 128", 1, 0x7f80000000000000, 0x7f80000000000000},
        {"carry to characteristic 127", 1, 0x7e80000000000000, 0x7e80000000000000},
        {"normalized to characteristic -1", 1, 0x0010000000000000, 0x800f000000000000},
        {"normalized to characteristic 0", 1, 0x0110000000000000, 0x810f000000000000},
        {"unnormalized sum truncated to zero", 3, 0x4110000000000000, 0xc0ffffffffffffff},
        {"unnormalized carry to 128", 3, 0x7f80000000000000, 0x7f80000000000000},
        {"shift of 15 digits", 1, 0x4f10000000000000, 0x40ffffffffffffff},
        {"shift of 16 digits", 1, 0x5010000000000000, 0x40ffffffffffffff},
        {"short product underflows", 4, 0x2010000000000000, 0x2010000000000000},
        {"short product at 0", 4, 0x2110000000000000, 0x2010000000000000},
        {"long product overflows", 5, 0x7f10000000000000, 0x4210000000000000},
        {"long product at 127", 5, 0x7f10000000000000, 0x4110000000000000},
        {"product of a zero fraction", 5, 0x7f00000000000000, 0x7fffffffffffffff},
        {"product of unnormalized operands", 5, 0x4000000000000001, 0x4000000000000001},
        {"zero divisor", 7, 0x4110000000000000, 0x4100000000000000},
        {"zero dividend", 7, 0x4100000000000000, 0x4110000000000000},
        {"quotient underflows", 6, 0x0010000000000000, 0x4120000000000000},
        {"quotient overflows", 7, 0x7f20000000000000, 0x0010000000000000},
        {"halve underflows", 9, 0, 0x0010000000000000},
        {"halve of a zero fraction", 8, 0, 0x0000000012345678},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned long taken = 0;
        check(&ops[cases[i].op], cases[i].a, cases[i].b, &taken);
    }
}
