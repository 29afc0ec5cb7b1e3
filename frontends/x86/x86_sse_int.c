/*
 * MMX/SSE2 integer operations on one 64-bit lane: a whole MMX register,
 * or one half of an XMM register (every one of these works within 64
 * bits, so the XMM form is two calls).  Pure C helpers; the semantics are
 * SDM Vol 2's per instruction and Vol 1 §9.4 (saturation).
 */
#include <stdbool.h>
#include <stdint.h>

#include "frontends/x86/x86_internal.h"
#include "frontends/x86/x86_sse.h"

static inline uint64_t field(uint64_t v, unsigned pos, unsigned bits)
{
    return bits == 64 ? v : (v >> pos) & ((1ull << bits) - 1);
}
static inline int64_t sfield(uint64_t v, unsigned pos, unsigned bits)
{
    uint64_t u = field(v, pos, bits);
    if (bits < 64 && (u >> (bits - 1)) & 1) u |= ~0ull << bits;
    return (int64_t)u;
}
static inline int64_t sat_s(int64_t v, unsigned bits)
{
    int64_t max = (int64_t)((1ull << (bits - 1)) - 1), min = -max - 1;
    return v > max ? max : v < min ? min : v;
}
static inline int64_t sat_u(int64_t v, unsigned bits)
{
    int64_t max = (int64_t)((1ull << bits) - 1);
    return v > max ? max : v < 0 ? 0 : v;
}

/* An element-wise operation: for each bits-wide element, with ua/ub the
 * unsigned and sa/sb the signed values, the result element is expr. */
#define ELEMENTWISE(name, bits, expr)                                                              \
    uint64_t x86_sse_##name(uint64_t a, uint64_t b)                                                \
    {                                                                                              \
        uint64_t r = 0;                                                                            \
        for (unsigned i = 0; i < 64; i += (bits)) {                                                \
            uint64_t ua = field(a, i, bits), ub = field(b, i, bits);                               \
            int64_t sa = sfield(a, i, bits), sb = sfield(b, i, bits);                              \
            (void)ua, (void)ub, (void)sa, (void)sb;                                                \
            r |= field((uint64_t)(expr), 0, bits) << i;                                            \
        }                                                                                          \
        return r;                                                                                  \
    }

ELEMENTWISE(paddb, 8, ua + ub)
ELEMENTWISE(paddw, 16, ua + ub)
ELEMENTWISE(paddd, 32, ua + ub)
ELEMENTWISE(psubb, 8, ua - ub)
ELEMENTWISE(psubw, 16, ua - ub)
ELEMENTWISE(psubd, 32, ua - ub)
ELEMENTWISE(paddsb, 8, sat_s(sa + sb, 8))
ELEMENTWISE(paddsw, 16, sat_s(sa + sb, 16))
ELEMENTWISE(paddusb, 8, sat_u((int64_t)(ua + ub), 8))
ELEMENTWISE(paddusw, 16, sat_u((int64_t)(ua + ub), 16))
ELEMENTWISE(psubsb, 8, sat_s(sa - sb, 8))
ELEMENTWISE(psubsw, 16, sat_s(sa - sb, 16))
ELEMENTWISE(psubusb, 8, sat_u((int64_t)ua - (int64_t)ub, 8))
ELEMENTWISE(psubusw, 16, sat_u((int64_t)ua - (int64_t)ub, 16))
ELEMENTWISE(pmullw, 16, sa *sb)
ELEMENTWISE(pmulhw, 16, (sa * sb) >> 16)
ELEMENTWISE(pmulhuw, 16, (ua * ub) >> 16)
ELEMENTWISE(pmuludq, 64, (a & 0xffffffffu) * (b & 0xffffffffu))
ELEMENTWISE(pmaddwd, 32,
            sfield(a, i, 16) * sfield(b, i, 16) + sfield(a, i + 16, 16) * sfield(b, i + 16, 16))
ELEMENTWISE(pcmpeqb, 8, ua == ub ? ~0ull : 0)
ELEMENTWISE(pcmpeqw, 16, ua == ub ? ~0ull : 0)
ELEMENTWISE(pcmpeqd, 32, ua == ub ? ~0ull : 0)
ELEMENTWISE(pcmpgtb, 8, sa > sb ? ~0ull : 0)
ELEMENTWISE(pcmpgtw, 16, sa > sb ? ~0ull : 0)
ELEMENTWISE(pcmpgtd, 32, sa > sb ? ~0ull : 0)
ELEMENTWISE(pavgb, 8, (ua + ub + 1) >> 1)
ELEMENTWISE(pavgw, 16, (ua + ub + 1) >> 1)
ELEMENTWISE(pmaxsw, 16, sa > sb ? sa : sb)
ELEMENTWISE(pmaxub, 8, ua > ub ? ua : ub)
ELEMENTWISE(pminsw, 16, sa < sb ? sa : sb)
ELEMENTWISE(pminub, 8, ua < ub ? ua : ub)

/* PSADBW: the sum of absolute byte differences in the low word, the
 * rest zero. */
uint64_t x86_sse_psadbw(uint64_t a, uint64_t b)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < 64; i += 8) {
        uint64_t x = field(a, i, 8), y = field(b, i, 8);
        sum += x > y ? x - y : y - x;
    }
    return sum;
}

/* Shifts by the 64-bit count b: a count above the element width gives 0
 * (logical) or the sign (arithmetic) (SDM Vol 2 PSLLW/PSRAW). */
#define SHIFT(name, bits, expr_in_range, expr_out)                                                 \
    uint64_t x86_sse_##name(uint64_t a, uint64_t b)                                                \
    {                                                                                              \
        uint64_t r = 0;                                                                            \
        for (unsigned i = 0; i < 64; i += (bits)) {                                                \
            uint64_t ua = field(a, i, bits);                                                       \
            int64_t sa = sfield(a, i, bits);                                                       \
            (void)ua, (void)sa;                                                                    \
            uint64_t v = b < (bits) ? (uint64_t)(expr_in_range) : (uint64_t)(expr_out);            \
            r |= field(v, 0, bits) << i;                                                           \
        }                                                                                          \
        return r;                                                                                  \
    }
SHIFT(psllw, 16, ua << b, 0)
SHIFT(pslld, 32, ua << b, 0)
SHIFT(psllq, 64, ua << b, 0)
SHIFT(psrlw, 16, ua >> b, 0)
SHIFT(psrld, 32, ua >> b, 0)
SHIFT(psrlq, 64, ua >> b, 0)
SHIFT(psraw, 16, sa >> b, sa >> 15)
SHIFT(psrad, 32, sa >> b, sa >> 31)

/* Packs: the elements of a then those of b, narrowed with saturation. */
static uint64_t pack(uint64_t a, uint64_t b, unsigned from_bits, bool is_signed)
{
    unsigned to = from_bits / 2, n = 64 / from_bits;
    uint64_t r = 0;
    for (unsigned i = 0; i < 2 * n; i++) {
        int64_t v = sfield(i < n ? a : b, (i % n) * from_bits, from_bits);
        v = is_signed ? sat_s(v, to) : sat_u(v, to);
        r |= field((uint64_t)v, 0, to) << (i * to);
    }
    return r;
}
uint64_t x86_sse_packsswb(uint64_t a, uint64_t b)
{
    return pack(a, b, 16, true);
}
uint64_t x86_sse_packssdw(uint64_t a, uint64_t b)
{
    return pack(a, b, 32, true);
}
uint64_t x86_sse_packuswb(uint64_t a, uint64_t b)
{
    return pack(a, b, 16, false);
}

/* Unpacks: the elements of the low (or high) 32 bits of a and b,
 * interleaved a0 b0 a1 b1 ... */
static uint64_t unpack(uint64_t a, uint64_t b, unsigned bits, bool high)
{
    unsigned base = high ? 32 : 0;
    uint64_t r = 0;
    for (unsigned i = 0; i < 32 / bits; i++) {
        r |= field(a, base + i * bits, bits) << (2 * i * bits);
        r |= field(b, base + i * bits, bits) << ((2 * i + 1) * bits);
    }
    return r;
}
uint64_t x86_sse_punpcklbw(uint64_t a, uint64_t b)
{
    return unpack(a, b, 8, false);
}
uint64_t x86_sse_punpcklwd(uint64_t a, uint64_t b)
{
    return unpack(a, b, 16, false);
}
uint64_t x86_sse_punpckldq(uint64_t a, uint64_t b)
{
    return unpack(a, b, 32, false);
}
uint64_t x86_sse_punpckhbw(uint64_t a, uint64_t b)
{
    return unpack(a, b, 8, true);
}
uint64_t x86_sse_punpckhwd(uint64_t a, uint64_t b)
{
    return unpack(a, b, 16, true);
}
uint64_t x86_sse_punpckhdq(uint64_t a, uint64_t b)
{
    return unpack(a, b, 32, true);
}

uint64_t x86_sse_pick_dwords(uint64_t x0, uint64_t x1, uint64_t sel)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 2; i++) {
        unsigned k = (sel >> (2 * i)) & 3;
        r |= field(k < 2 ? x0 : x1, 32 * (k & 1), 32) << (32 * i);
    }
    return r;
}

uint64_t x86_sse_pshufw(uint64_t a, uint64_t imm)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 4; i++)
        r |= field(a, 16 * ((imm >> (2 * i)) & 3), 16) << (16 * i);
    return r;
}

uint64_t x86_sse_byte_shift(uint64_t lo, uint64_t hi, uint64_t arg)
{
    unsigned n = arg & 0xff;
    if (n > 16) n = 16;
    uint8_t in[16], out[16] = {0};
    for (unsigned i = 0; i < 8; i++) {
        in[i] = (uint8_t)(lo >> (8 * i));
        in[8 + i] = (uint8_t)(hi >> (8 * i));
    }
    bool left = (arg >> 9) & 1;
    for (unsigned i = 0; i < 16; i++) {
        if (left && i >= n) out[i] = in[i - n];
        if (!left && i + n < 16) out[i] = in[i + n];
    }
    unsigned half = (arg >> 8) & 1;
    uint64_t r = 0;
    for (unsigned i = 0; i < 8; i++)
        r |= (uint64_t)out[8 * half + i] << (8 * i);
    return r;
}

uint64_t x86_sse_movmsk(uint64_t a, uint64_t kind)
{
    unsigned bits = kind == 0 ? 8 : kind == 1 ? 32 : 64;
    uint64_t r = 0;
    for (unsigned i = 0; i < 64 / bits; i++)
        r |= ((a >> (i * bits + bits - 1)) & 1) << i;
    return r;
}

/* The IrHelper descriptors: pure (a, b) -> result. */
#define HELPER2(name)                                                                              \
    static uint64_t x86_helper_##name##_fn(CPUState *c, uint64_t a, uint64_t b)                    \
    {                                                                                              \
        (void)c;                                                                                   \
        return x86_sse_##name(a, b);                                                               \
    }                                                                                              \
    X86_HELPER(x86_helper_##name, x86_helper_##name##_fn, IR_CALL_PURE, IR_I64, 2, IR_I64, IR_I64);
X86_SSE_INT_OPS(HELPER2)
HELPER2(pshufw)
HELPER2(movmsk)

static uint64_t x86_helper_pick_dwords_fn(CPUState *c, uint64_t x0, uint64_t x1, uint64_t sel)
{
    (void)c;
    return x86_sse_pick_dwords(x0, x1, sel);
}
X86_HELPER(x86_helper_pick_dwords, x86_helper_pick_dwords_fn, IR_CALL_PURE, IR_I64, 3, IR_I64,
           IR_I64, IR_I64);

static uint64_t x86_helper_byte_shift_fn(CPUState *c, uint64_t lo, uint64_t hi, uint64_t arg)
{
    (void)c;
    return x86_sse_byte_shift(lo, hi, arg);
}
X86_HELPER(x86_helper_byte_shift, x86_helper_byte_shift_fn, IR_CALL_PURE, IR_I64, 3, IR_I64, IR_I64,
           IR_I64);
