/*
 * Integer op semantics, exactly as specified in ir/README.md.  Values are
 * computed in 64 bits and truncated to the op width; i32 results are
 * returned zero-extended.
 */
#include "ir/ir_eval.h"

static unsigned type_width(IrType t)
{
    return t == IR_I32 ? 32 : 64;
}

static uint64_t width_mask(unsigned w)
{
    return w == 64 ? ~0ull : (1ull << w) - 1;
}

/* Sign-extend the low w bits of x to 64 bits. */
static int64_t sext_from(uint64_t x, unsigned w)
{
    return w >= 64 ? (int64_t)x : (int64_t)(x << (64 - w)) >> (64 - w);
}

static uint64_t rotl_w(uint64_t x, unsigned n, unsigned w)
{
    return n ? (x << n | x >> (w - n)) & width_mask(w) : x;
}

/* High half of the 2w-bit product; inputs are w-bit values. */
static uint64_t mulh(uint64_t a, uint64_t b, unsigned w, bool is_signed)
{
    if (is_signed) {
        __int128 p = (__int128)sext_from(a, w) * (__int128)sext_from(b, w);
        return (uint64_t)(p >> w);
    }
    unsigned __int128 p = (unsigned __int128)a * b;
    return (uint64_t)(p >> w);
}

static bool signed_overflow_div(uint64_t a, uint64_t b, unsigned w)
{
    return a == (1ull << (w - 1)) && b == width_mask(w);
}

bool ir_eval_div_is_corner(const IrOp *op, const uint64_t *in)
{
    unsigned w = type_width((IrType)op->type);
    switch (op->opc) {
    case IR_div_u:
    case IR_rem_u: return (in[1] & width_mask(w)) == 0;
    case IR_div_s:
    case IR_rem_s:
        return (in[1] & width_mask(w)) == 0 ||
               signed_overflow_div(in[0] & width_mask(w), in[1] & width_mask(w), w);
    default: return false;
    }
}

bool ir_eval_cond(IrCond c, IrType t, uint64_t a, uint64_t b)
{
    unsigned w = type_width(t);
    uint64_t ua = a & width_mask(w), ub = b & width_mask(w);
    int64_t sa = sext_from(ua, w), sb = sext_from(ub, w);
    switch (c) {
    case IR_EQ: return ua == ub;
    case IR_NE: return ua != ub;
    case IR_LT: return sa < sb;
    case IR_LE: return sa <= sb;
    case IR_GT: return sa > sb;
    case IR_GE: return sa >= sb;
    case IR_LTU: return ua < ub;
    case IR_LEU: return ua <= ub;
    case IR_GTU: return ua > ub;
    case IR_GEU: return ua >= ub;
    default: return false;
    }
}

/* Width changes, whose types are fixed by the opcode. */
static bool eval_width_change(const IrOp *op, uint64_t a, uint64_t *out)
{
    switch (op->opc) {
    case IR_trunc: *out = (uint32_t)a; return true;
    case IR_zext: *out = (uint32_t)a; return true;
    case IR_sext: *out = (uint64_t)(int64_t)(int32_t)(uint32_t)a; return true;
    default: return false;
    }
}

/* add_carry/sub_borrow: only bit 0 of the carry-in is used; the carry-out
 * is the bit above the op width of the exact (unbounded) result. */
static void eval_carry(const IrOp *op, unsigned w, const uint64_t *in, uint64_t *out)
{
    unsigned __int128 a = in[0], b = in[1], c = in[2] & 1;
    if (op->opc == IR_add_carry) {
        unsigned __int128 s = a + b + c;
        out[0] = (uint64_t)s & width_mask(w);
        out[1] = (uint64_t)(s >> w) & 1;
    } else {
        out[0] = (uint64_t)(a - b - c) & width_mask(w);
        out[1] = a < b + c;
    }
}

bool ir_eval_int(const IrOp *op, const uint64_t *in, uint64_t *out)
{
    if (op->opc >= IR_NUM_OPS) return false;
    if (!(ir_op_defs[op->opc].flags & IR_OPF_INT)) return eval_width_change(op, in[0], out);
    if (op->type != IR_I32 && op->type != IR_I64) return false;

    unsigned w = type_width((IrType)op->type);
    uint64_t m = width_mask(w);
    uint64_t a = ir_op_defs[op->opc].nin > 0 ? in[0] & m : 0;
    uint64_t b = ir_op_defs[op->opc].nin > 1 ? in[1] & m : 0;
    unsigned sh = (unsigned)(b & (w - 1)); /* shift counts are taken mod width */
    int64_t sa = sext_from(a, w), sb = sext_from(b, w);
    uint64_t r;

    switch (op->opc) {
    case IR_mov: r = a; break;
    case IR_add: r = a + b; break;
    case IR_sub: r = a - b; break;
    case IR_mul: r = a * b; break;
    case IR_neg: r = -a; break;
    case IR_and: r = a & b; break;
    case IR_or: r = a | b; break;
    case IR_xor: r = a ^ b; break;
    case IR_not: r = ~a; break;
    case IR_andc: r = a & ~b; break;
    case IR_orc: r = a | ~b; break;
    case IR_shl: r = a << sh; break;
    case IR_shr: r = a >> sh; break;
    case IR_sar: r = (uint64_t)(sa >> sh); break;
    case IR_rotl: r = rotl_w(a, sh, w); break;
    case IR_rotr: r = rotl_w(a, (w - sh) & (w - 1), w); break;
    case IR_mulh_s: r = mulh(a, b, w, true); break;
    case IR_mulh_u: r = mulh(a, b, w, false); break;
    case IR_div_u: r = b ? a / b : 0; break;
    case IR_rem_u: r = b ? a % b : a; break;
    case IR_div_s: r = !b ? 0 : signed_overflow_div(a, b, w) ? a : (uint64_t)(sa / sb); break;
    case IR_rem_s: r = !b ? a : signed_overflow_div(a, b, w) ? 0 : (uint64_t)(sa % sb); break;
    case IR_clz: r = a ? (unsigned)__builtin_clzll(a) - (64 - w) : w; break;
    case IR_ctz: r = a ? (unsigned)__builtin_ctzll(a) : w; break;
    case IR_popcnt: r = (unsigned)__builtin_popcountll(a); break;
    case IR_bswap16: r = __builtin_bswap16((uint16_t)a); break;
    case IR_bswap32: r = __builtin_bswap32((uint32_t)a); break;
    case IR_bswap64: r = __builtin_bswap64(a); break;
    case IR_ext8s: r = (uint64_t)(int64_t)(int8_t)a; break;
    case IR_ext8u: r = (uint8_t)a; break;
    case IR_ext16s: r = (uint64_t)(int64_t)(int16_t)a; break;
    case IR_ext16u: r = (uint16_t)a; break;
    case IR_ext32s: r = (uint64_t)(int64_t)(int32_t)a; break;
    case IR_ext32u: r = (uint32_t)a; break;
    case IR_extract: r = (a >> op->imm[0]) & width_mask((unsigned)op->imm[1]); break;
    case IR_sextract: r = (uint64_t)sext_from(a >> op->imm[0], (unsigned)op->imm[1]); break;
    case IR_deposit: {
        uint64_t field = width_mask((unsigned)op->imm[1]) << op->imm[0];
        r = (a & ~field) | ((b << op->imm[0]) & field);
        break;
    }
    case IR_setcond: r = ir_eval_cond((IrCond)op->imm[0], (IrType)op->type, a, b); break;
    case IR_movcond:
        r = ir_eval_cond((IrCond)op->imm[0], (IrType)op->type, a, b) ? in[2] : in[3];
        break;
    case IR_add_carry:
    case IR_sub_borrow: eval_carry(op, w, (const uint64_t[]){a, b, in[2]}, out); return true;
    default: return false;
    }
    out[0] = r & m;
    return true;
}
