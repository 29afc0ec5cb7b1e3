/*
 * The S/370 instruction tables: sorted and unique (the decoder binary-
 * searches them), each line's format agreeing with the length its opcode
 * byte implies, and the architecture bits keeping ESA/390 opcodes out of
 * S/370 mode.
 */
#include <criterion/criterion.h>

#include "frontends/s370/s370_internal.h"

static unsigned format_length(S370Format f)
{
    switch (f) {
    case S370_FMT_E:
    case S370_FMT_I:
    case S370_FMT_RR: return 2;
    case S370_FMT_RIL:
    case S370_FMT_RXE:
    case S370_FMT_RXF:
    case S370_FMT_SS_L:
    case S370_FMT_SS_LL:
    case S370_FMT_SS_LI:
    case S370_FMT_SS_RR:
    case S370_FMT_SSE: return 6;
    default: return 4;
    }
}

Test(s370_decode, tables_sorted_unique_and_consistent)
{
    for (unsigned g = 0; g < s370_group_count; g++) {
        const S370InsnGroup *grp = s370_groups[g];
        for (unsigned i = 0; i < grp->count; i++) {
            const S370InsnDef *d = &grp->defs[i];
            if (i)
                cr_assert_lt(grp->defs[i - 1].key, d->key, "%s: %s out of order", grp->name,
                             d->name);
            cr_assert_eq(s370_insn_length((uint8_t)(d->key >> 8)), format_length(d->format),
                         "%s: %s format does not match its opcode length", grp->name, d->name);
            cr_assert_not_null(d->lift, "%s: %s has no lifter", grp->name, d->name);
            cr_assert(d->archs && !(d->archs & ~S370_IN_ALL), "%s: %s archs", grp->name, d->name);
            for (unsigned h = g + 1; h < s370_group_count; h++)
                for (unsigned j = 0; j < s370_groups[h]->count; j++)
                    cr_assert_neq(s370_groups[h]->defs[j].key, d->key, "%s in %s and %s", d->name,
                                  grp->name, s370_groups[h]->name);
        }
    }
}

Test(s370_decode, keys_and_modes)
{
    const uint8_t ar[] = {0x1a, 0x12};
    const uint8_t brc[] = {0xa7, 0x84, 0x00, 0x10};
    const uint8_t sio[] = {0x9c, 0x00, 0x00, 0x0c};
    const uint8_t siof[] = {0x9c, 0x01, 0x00, 0x0c};
    cr_assert_eq(s370_opcode_key(ar), 0x1a00);
    cr_assert_eq(s370_opcode_key(brc), 0xa704);
    cr_assert_eq(s370_opcode_key(sio), 0x9c00);
    cr_assert_eq(s370_opcode_key(siof), 0x9c01);
    cr_assert_not_null(s370_lookup(0x1a00, S370_ARCH_370));
    /* BRC exists only from ESA/390 on: an operation exception on S/370. */
    cr_assert_null(s370_lookup(0xa704, S370_ARCH_370));
    cr_assert_not_null(s370_lookup(0xa704, S370_ARCH_390));
    cr_assert_null(s370_lookup(0x0000, S370_ARCH_390));
}

Test(s370_decode, fields)
{
    const uint8_t mvc[] = {0xd2, 0x07, 0x10, 0x08, 0x20, 0x0c};
    S370Insn in = {.len = 6};
    s370_decode_fields(&in, mvc, S370_FMT_SS_L);
    cr_assert_eq(in.l1, 7);
    cr_assert_eq(in.b1, 1);
    cr_assert_eq(in.d1, 8);
    cr_assert_eq(in.b2, 2);
    cr_assert_eq(in.d2, 12);
    const uint8_t ahi[] = {0xa7, 0x3a, 0xff, 0xfe};
    S370Insn ri = {.len = 4};
    s370_decode_fields(&ri, ahi, S370_FMT_RI);
    cr_assert_eq(ri.r1, 3);
    cr_assert_eq(ri.imm, -2);
}
