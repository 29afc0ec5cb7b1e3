/*
 * Operand decoding for every instruction format, and the opcode lookup
 * over the instruction groups' tables (PoO-390 §5 "Instruction Formats";
 * PoO-370 appendix B lists the opcodes).  One table line per instruction,
 * in the group file that lifts it; this file only knows formats.
 */
#include <stddef.h>

#include "frontends/s370/s370_internal.h"

/* Every group's table.  A new group adds one line here. */
const S370InsnGroup *const s370_groups[] = {
    &s370_group_general, &s370_group_branch, &s370_group_storage, &s370_group_control,
    &s370_group_decimal, &s370_group_mmu,    &s370_group_timer,   &s370_group_io,
    &s370_group_hfp,     &s370_group_bfp,
};
const unsigned s370_group_count = sizeof(s370_groups) / sizeof(s370_groups[0]);

/* Where the extension of an opcode sits (PoO-390 appendix B, "opcode
 * arrangement"): the second byte, its low nibble, or the sixth byte. */
typedef enum S370Ext {
    EXT_NONE,
    EXT_BYTE1,
    EXT_NIBBLE1,
    EXT_BYTE5,
    EXT_BIT15,
} S370Ext;

static S370Ext s370_opcode_ext(uint8_t byte0)
{
    switch (byte0) {
    case 0x01:
    case 0xb2:
    case 0xb3:
    case 0xb9:
    case 0xe5: return EXT_BYTE1;
    case 0xa5:
    case 0xa7:
    case 0xc0: return EXT_NIBBLE1;
    case 0xe3:
    case 0xeb:
    case 0xed: return EXT_BYTE5;
    case 0x9c:
    case 0x9d:
    case 0x9e:
    case 0x9f: return EXT_BIT15; /* SIO/SIOF, TIO/CLRIO, HIO/HDV, TCH */
    default: return EXT_NONE;
    }
}

unsigned s370_insn_length(uint8_t byte0)
{
    /* PoO-390 §5 "Instruction Length": bits 0-1 of the opcode. */
    static const uint8_t lengths[4] = {2, 4, 4, 6};
    return lengths[byte0 >> 6];
}

uint16_t s370_opcode_key(const uint8_t *bytes)
{
    uint16_t key = (uint16_t)(bytes[0] << 8);
    switch (s370_opcode_ext(bytes[0])) {
    case EXT_BYTE1: return key | bytes[1];
    case EXT_NIBBLE1: return key | (bytes[1] & 0x0f);
    case EXT_BYTE5: return key | bytes[5];
    case EXT_BIT15: return key | (bytes[1] & 1);
    default: return key;
    }
}

static const S370InsnDef *s370_group_find(const S370InsnGroup *g, uint16_t key)
{
    size_t lo = 0, hi = g->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g->defs[mid].key == key) return &g->defs[mid];
        if (g->defs[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const S370InsnDef *s370_lookup(uint16_t key, S370ArchMode arch)
{
    for (unsigned i = 0; i < s370_group_count; i++) {
        const S370InsnDef *def = s370_group_find(s370_groups[i], key);
        if (def) return (def->archs & (1u << arch)) ? def : NULL;
    }
    return NULL;
}

static uint16_t disp12(const uint8_t *p)
{
    return (uint16_t)(((p[0] & 0x0f) << 8) | p[1]);
}

void s370_decode_fields(S370Insn *in, const uint8_t *bytes, S370Format format)
{
    const uint8_t hi1 = bytes[1] >> 4, lo1 = bytes[1] & 0x0f;
    in->r1 = in->r2 = in->r3 = in->x2 = in->b1 = in->b2 = 0;
    in->l1 = in->l2 = 0;
    in->d1 = in->d2 = 0;
    in->imm = 0;
    in->raw = 0;
    for (unsigned i = 0; i < in->len; i++)
        in->raw |= (uint64_t)bytes[i] << (40 - 8 * i);
    switch ((S370Format)format) {
    case S370_FMT_E: break;
    case S370_FMT_I: in->imm = bytes[1]; break;
    case S370_FMT_RR:
        in->r1 = hi1;
        in->r2 = lo1;
        break;
    case S370_FMT_RX:
    case S370_FMT_RXE:
        in->r1 = hi1;
        in->x2 = lo1;
        in->b2 = bytes[2] >> 4;
        in->d2 = disp12(bytes + 2);
        break;
    case S370_FMT_RXF:
        in->r3 = hi1;
        in->x2 = lo1;
        in->b2 = bytes[2] >> 4;
        in->d2 = disp12(bytes + 2);
        in->r1 = bytes[4] >> 4;
        break;
    case S370_FMT_RS:
        in->r1 = hi1;
        in->r3 = lo1;
        in->b2 = bytes[2] >> 4;
        in->d2 = disp12(bytes + 2);
        break;
    case S370_FMT_RSI:
        in->r1 = hi1;
        in->r3 = lo1;
        in->imm = (int16_t)((bytes[2] << 8) | bytes[3]);
        break;
    case S370_FMT_RI:
        in->r1 = hi1;
        in->imm = (int16_t)((bytes[2] << 8) | bytes[3]);
        break;
    case S370_FMT_RIL:
        in->r1 = hi1;
        in->imm = (int32_t)(((uint32_t)bytes[2] << 24) | ((uint32_t)bytes[3] << 16) |
                            ((uint32_t)bytes[4] << 8) | bytes[5]);
        break;
    case S370_FMT_SI:
        in->imm = bytes[1];
        in->b1 = bytes[2] >> 4;
        in->d1 = disp12(bytes + 2);
        break;
    case S370_FMT_S:
        in->b2 = bytes[2] >> 4;
        in->d2 = disp12(bytes + 2);
        break;
    case S370_FMT_RRE:
        in->r1 = bytes[3] >> 4;
        in->r2 = bytes[3] & 0x0f;
        break;
    case S370_FMT_RRF:
        in->r3 = bytes[2] >> 4;
        in->r1 = bytes[3] >> 4;
        in->r2 = bytes[3] & 0x0f;
        break;
    case S370_FMT_SS_L:
    case S370_FMT_SS_LL:
    case S370_FMT_SS_LI:
    case S370_FMT_SS_RR:
        if (format == S370_FMT_SS_L) {
            in->l1 = bytes[1];
        } else if (format == S370_FMT_SS_RR) {
            in->r1 = hi1;
            in->r3 = lo1;
        } else {
            in->l1 = hi1;
            in->l2 = lo1;
        }
        __attribute__((fallthrough)); /* to the two storage operands */
    case S370_FMT_SSE:
        in->b1 = bytes[2] >> 4;
        in->d1 = disp12(bytes + 2);
        in->b2 = bytes[4] >> 4;
        in->d2 = disp12(bytes + 4);
        break;
    case S370_FMT_COUNT: break;
    }
}
