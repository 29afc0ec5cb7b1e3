/*
 * The x86 decoder (frontends/x86/x86_decode.c): lengths, operands,
 * prefixes, 16- and 32-bit addressing (SDM Vol 2 §2.1.5 tables 2-1 to
 * 2-3), and the tables of every group: each line decodes to itself, and
 * no two lines claim the same encoding.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "frontends/x86/x86_core.h"
#include "frontends/x86/x86_internal.h"

#define DEC(cs32, ...)                                                                             \
    ({                                                                                             \
        static const uint8_t bytes_[] = {__VA_ARGS__};                                             \
        X86Insn in_;                                                                               \
        X86DecodeResult r_ = x86_decode_bytes(bytes_, sizeof bytes_, (cs32), &in_);                \
        cr_assert_eq(r_, X86_DECODE_OK, "decode failed (%d)", r_);                                 \
        in_;                                                                                       \
    })

static X86DecodeResult dec_result(bool cs32, const uint8_t *b, unsigned n)
{
    X86Insn in;
    return x86_decode_bytes(b, n, cs32, &in);
}

Test(x86_decode, alu_forms_and_lengths)
{
    X86Insn in = DEC(true, 0x01, 0xd8); /* add eax, ebx */
    cr_assert_eq(in.len, 2);
    cr_assert_str_eq(in.def->name, "add");
    cr_assert_eq(in.op[0].type, X86O_GPR);
    cr_assert_eq(in.op[0].reg, X86_EAX);
    cr_assert_eq(in.op[1].reg, X86_EBX);
    cr_assert_eq(in.op[0].size, 4);

    in = DEC(true, 0x81, 0xc1, 0x78, 0x56, 0x34, 0x12); /* add ecx, 0x12345678 */
    cr_assert_eq(in.len, 6);
    cr_assert_eq(in.op[1].type, X86O_IMM);
    cr_assert_eq(in.op[1].imm, 0x12345678);

    in = DEC(true, 0x83, 0xe8, 0xff); /* sub eax, -1 (sign-extended) */
    cr_assert_eq(in.len, 3);
    cr_assert_str_eq(in.def->name, "sub");
    cr_assert_eq((uint32_t)in.op[1].imm, 0xffffffffu);

    in = DEC(false, 0x83, 0xe8, 0xff); /* 16-bit: sub ax, -1 */
    cr_assert_eq(in.op[0].size, 2);
    cr_assert_eq((uint32_t)in.op[1].imm, 0xffffu);

    in = DEC(true, 0x04, 0x7f); /* add al, 0x7f */
    cr_assert_eq(in.op[0].type, X86O_GPR);
    cr_assert_eq(in.op[0].size, 1);
    cr_assert_eq(in.op[1].imm, 0x7f);

    in = DEC(true, 0x88, 0xe0); /* mov al, ah: byte register numbering */
    cr_assert_eq(in.op[0].reg, 0);
    cr_assert_eq(in.op[1].reg, 4);
    cr_assert_eq(in.op[1].size, 1);

    in = DEC(true, 0xb4, 0x12); /* mov ah, 0x12 */
    cr_assert_eq(in.op[0].reg, 4);
    in = DEC(true, 0xbf, 1, 2, 3, 4); /* mov edi, imm32 */
    cr_assert_eq(in.len, 5);
    cr_assert_eq(in.op[0].reg, X86_EDI);
    cr_assert_eq(in.op[1].imm, 0x04030201);

    in = DEC(true, 0x69, 0xc1, 0x10, 0, 0, 0); /* imul eax, ecx, 16 */
    cr_assert_eq(in.nopnds, 3);
    cr_assert_eq(in.op[2].imm, 16);
    in = DEC(true, 0x0f, 0xa4, 0xd8, 4); /* shld eax, ebx, 4 */
    cr_assert_eq(in.len, 4);
    cr_assert_str_eq(in.def->name, "shld");
    in = DEC(true, 0xd1, 0xe0); /* shl eax, 1 */
    cr_assert_eq(in.op[1].type, X86O_IMM);
    cr_assert_eq(in.op[1].imm, 1);
}

Test(x86_decode, prefixes)
{
    X86Insn in = DEC(true, 0x66, 0x05, 0x34, 0x12); /* add ax, 0x1234 */
    cr_assert_eq(in.opsize, 2);
    cr_assert_eq(in.len, 4);
    cr_assert_eq(in.op[1].imm, 0x1234);

    in = DEC(false, 0x66, 0x05, 1, 2, 3, 4); /* 16-bit code: add eax, imm32 */
    cr_assert_eq(in.opsize, 4);
    cr_assert_eq(in.len, 6);

    in = DEC(true, 0x67, 0x8b, 0x07); /* mov eax, [bx] */
    cr_assert_eq(in.addrsize, 2);
    cr_assert_eq(in.mem.base, X86_EBX);
    cr_assert_eq(in.mem.index, X86_REG_NONE);

    /* The last segment override wins. */
    in = DEC(true, 0x26, 0x64, 0x8b, 0x00); /* mov eax, fs:[eax] */
    cr_assert_eq(in.mem.seg, X86_SEG_FS);
    cr_assert_eq(in.seg_override, X86_SEG_FS);

    in = DEC(true, 0xf0, 0x01, 0x03); /* lock add [ebx], eax */
    cr_assert(in.lock);
    cr_assert_eq(in.op[0].type, X86O_MEM);

    /* F3 90 is PAUSE, 90 NOP, 66 90 still NOP. */
    cr_assert_str_eq(DEC(true, 0xf3, 0x90).def->name, "pause");
    cr_assert_str_eq(DEC(true, 0x90).def->name, "nop");
    cr_assert_str_eq(DEC(true, 0x66, 0x90).def->name, "nop");

    /* 15 bytes are fine; 16 are #GP. */
    static const uint8_t ok15[] = {0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                   0x66, 0x66, 0x66, 0x66, 0x05, 1,    2};
    X86Insn x;
    cr_assert_eq(x86_decode_bytes(ok15, 15, true, &x), X86_DECODE_OK);
    cr_assert_eq(x.len, 15);
    cr_assert_eq(x.opsize, 2);
    static const uint8_t long16[] = {0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                     0x66, 0x66, 0x66, 0x66, 0x66, 0x05, 1,    2};
    cr_assert_eq(dec_result(true, long16, sizeof long16), X86_DECODE_TOO_LONG);
    static const uint8_t many_prefixes[20] = {0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
                                              0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x90};
    cr_assert_eq(dec_result(true, many_prefixes, 17), X86_DECODE_TOO_LONG);

    /* Running out of bytes, and an undefined form (C6 /1). */
    static const uint8_t short_imm[] = {0x05, 1, 2};
    cr_assert_eq(dec_result(true, short_imm, sizeof short_imm), X86_DECODE_UD);
    static const uint8_t c6_1[] = {0xc6, 0x08, 0};
    cr_assert_eq(dec_result(true, c6_1, sizeof c6_1), X86_DECODE_UD);
    /* LEA needs memory. */
    static const uint8_t lea_reg[] = {0x8d, 0xc0};
    cr_assert_eq(dec_result(true, lea_reg, sizeof lea_reg), X86_DECODE_UD);
}

/* SDM Vol 2 table 2-1: every rm of each mod. */
Test(x86_decode, addressing_16)
{
    static const uint8_t base[8] = {X86_EBX, X86_EBX, X86_EBP, X86_EBP,
                                    X86_ESI, X86_EDI, X86_EBP, X86_EBX};
    static const uint8_t index[8] = {X86_ESI,      X86_EDI,      X86_ESI,      X86_EDI,
                                     X86_REG_NONE, X86_REG_NONE, X86_REG_NONE, X86_REG_NONE};
    for (unsigned mod = 0; mod < 3; mod++) {
        for (unsigned rm = 0; rm < 8; rm++) {
            uint8_t b[5] = {0x8b, (uint8_t)(mod << 6 | rm), 0x80, 0xff, 0};
            X86Insn in;
            cr_assert_eq(x86_decode_bytes(b, sizeof b, false, &in), X86_DECODE_OK);
            unsigned disp = mod == 1 ? 1 : mod == 2 ? 2 : 0;
            if (mod == 0 && rm == 6) {
                cr_assert_eq(in.mem.base, X86_REG_NONE);
                cr_assert_eq(in.mem.disp, (int16_t)0xff80);
                cr_assert_eq(in.len, 4);
                cr_assert_eq(in.mem.seg, X86_SEG_DS);
                continue;
            }
            cr_assert_eq(in.len, 2 + disp, "mod %u rm %u", mod, rm);
            cr_assert_eq(in.mem.base, base[rm], "mod %u rm %u", mod, rm);
            cr_assert_eq(in.mem.index, index[rm], "mod %u rm %u", mod, rm);
            cr_assert_eq(in.mem.disp, mod == 1 ? -128 : mod == 2 ? (int16_t)0xff80 : 0);
            bool bp = base[rm] == X86_EBP;
            cr_assert_eq(in.mem.seg, bp ? X86_SEG_SS : X86_SEG_DS, "mod %u rm %u", mod, rm);
        }
    }
}

/* SDM Vol 2 tables 2-2 and 2-3. */
Test(x86_decode, addressing_32)
{
    X86Insn in = DEC(true, 0x8b, 0x05, 0x78, 0x56, 0x34, 0x12); /* mov eax, [0x12345678] */
    cr_assert_eq(in.mem.base, X86_REG_NONE);
    cr_assert_eq(in.mem.disp, 0x12345678);
    cr_assert_eq(in.len, 6);

    in = DEC(true, 0x8b, 0x44, 0x8d, 0xfc); /* mov eax, [ebp + ecx*4 - 4] */
    cr_assert_eq(in.mem.base, X86_EBP);
    cr_assert_eq(in.mem.index, X86_ECX);
    cr_assert_eq(in.mem.scale, 2);
    cr_assert_eq(in.mem.disp, -4);
    cr_assert_eq(in.mem.seg, X86_SEG_SS);
    cr_assert_eq(in.len, 4);

    in = DEC(true, 0x8b, 0x04, 0x24); /* mov eax, [esp] */
    cr_assert_eq(in.mem.base, X86_ESP);
    cr_assert_eq(in.mem.index, X86_REG_NONE);
    cr_assert_eq(in.mem.seg, X86_SEG_SS);

    in = DEC(true, 0x8b, 0x04, 0x9d, 0x10, 0, 0, 0); /* mov eax, [ebx*4 + 0x10] */
    cr_assert_eq(in.mem.base, X86_REG_NONE);
    cr_assert_eq(in.mem.index, X86_EBX);
    cr_assert_eq(in.mem.disp, 0x10);
    cr_assert_eq(in.mem.seg, X86_SEG_DS);
    cr_assert_eq(in.len, 7);

    in = DEC(true, 0x8b, 0x84, 0x1e, 0, 1, 0, 0); /* mov eax, [esi + ebx + 0x100] */
    cr_assert_eq(in.mem.base, X86_ESI);
    cr_assert_eq(in.mem.index, X86_EBX);
    cr_assert_eq(in.mem.disp, 0x100);

    in = DEC(true, 0x36, 0x8b, 0x03); /* ss: override */
    cr_assert_eq(in.mem.seg, X86_SEG_SS);

    in = DEC(true, 0xa1, 0x44, 0x33, 0x22, 0x11); /* mov eax, [moffs32] */
    cr_assert(in.mem.moffs);
    cr_assert_eq(in.mem.disp, 0x11223344);
    cr_assert_eq(in.len, 5);
    in = DEC(false, 0xa0, 0x34, 0x12); /* 16-bit: mov al, [moffs16] */
    cr_assert_eq(in.len, 3);
    cr_assert_eq(in.mem.disp, 0x1234);
    in = DEC(true, 0x64, 0xa3, 0, 0, 0, 0); /* mov fs:[0], eax */
    cr_assert_eq(in.mem.seg, X86_SEG_FS);

    in = DEC(true, 0x8d, 0x44, 0x24, 0x08); /* lea eax, [esp + 8] */
    cr_assert_str_eq(in.def->name, "lea");
    cr_assert_eq(in.mem.disp, 8);
}

/* ---- the tables ---- */

static bool spec_mem_only(X86OpndSpec s)
{
    return X86_OPND_KIND(s) == X86K_M;
}

static bool spec_reg_only(X86OpndSpec s)
{
    X86OpndKind k = X86_OPND_KIND(s);
    return k == X86K_U || k == X86K_N;
}

/* An encoding of def: mandatory prefix, escapes, opcode + k, ModRM
 * (a register or [eax] form), then zeros for displacement and
 * immediates. */
static unsigned encode_line(const X86InsnDef *def, unsigned k, bool want_mem, uint8_t *out)
{
    unsigned n = 0;
    static const uint8_t pfx[] = {0, 0, 0x66, 0xf3, 0xf2};
    if (def->prefix >= X86_PFX_66) out[n++] = pfx[def->prefix];
    if (def->map != X86_MAP_ONE) out[n++] = 0x0f;
    if (def->map == X86_MAP_0F38) out[n++] = 0x38;
    if (def->map == X86_MAP_0F3A) out[n++] = 0x3a;
    out[n++] = (uint8_t)(def->opcode + k);
    if (x86_def_has_modrm(def)) {
        unsigned reg = def->reg >= 0 ? (unsigned)def->reg : 0;
        unsigned mod = want_mem ? 0 : 3, rm = def->rm >= 0 ? (unsigned)def->rm : 0;
        out[n++] = (uint8_t)(mod << 6 | reg << 3 | rm);
    }
    memset(out + n, 0, 15 - n);
    return 15;
}

Test(x86_decode, every_line_decodes_to_itself)
{
    unsigned lines = 0;
    for (unsigned g = 0; g < x86_group_count; g++) {
        const X86InsnGroup *grp = x86_groups[g];
        for (unsigned i = 0; i < grp->count; i++) {
            const X86InsnDef *def = &grp->defs[i];
            cr_assert_not_null(def->lift, "%s: line %u (%s) has no lifter", grp->name, i,
                               def->name);
            bool mem_only = def->mod == X86_MOD_MEM, reg_only = def->mod == X86_MOD_REG;
            for (unsigned o = 0; o < 4; o++) {
                mem_only |= spec_mem_only(def->opnd[o]);
                reg_only |= spec_reg_only(def->opnd[o]) || def->rm >= 0;
            }
            unsigned count = def->opcount ? def->opcount : 1;
            for (unsigned k = 0; k < count; k++) {
                for (int form = 0; form < 2; form++) {
                    bool want_mem = form == 0;
                    if (!x86_def_has_modrm(def) && form) continue;
                    if ((want_mem && reg_only) || (!want_mem && mem_only)) continue;
                    uint8_t bytes[15];
                    encode_line(def, k, want_mem, bytes);
                    for (int cs32 = 0; cs32 < 2; cs32++) {
                        X86Insn in;
                        X86DecodeResult r = x86_decode_bytes(bytes, 15, cs32, &in);
                        cr_expect_eq(r, X86_DECODE_OK, "%s: %s (opcode %02x+%u map %u) fails",
                                     grp->name, def->name, def->opcode, k, def->map);
                        if (r == X86_DECODE_OK)
                            cr_expect_eq(in.def, def, "%s: %s (opcode %02x+%u) decodes as %s",
                                         grp->name, def->name, def->opcode, k, in.def->name);
                    }
                    lines++;
                }
            }
        }
    }
    cr_assert_gt(lines, 100);
}

static bool prefixes_overlap(const X86InsnDef *a, const X86InsnDef *b)
{
    /* A line with a mandatory prefix shadows a PFX_ANY line by design. */
    if ((a->prefix == X86_PFX_ANY) != (b->prefix == X86_PFX_ANY)) return false;
    return a->prefix == b->prefix || a->prefix == X86_PFX_ANY;
}

Test(x86_decode, no_two_lines_overlap)
{
    for (unsigned map = 0; map < X86_NUM_MAPS; map++) {
        for (unsigned op = 0; op < 256; op++) {
            unsigned n;
            const X86InsnDef *const *c = x86_decode_candidates(map, op, &n);
            for (unsigned i = 0; i < n; i++) {
                for (unsigned j = i + 1; j < n; j++) {
                    if (!prefixes_overlap(c[i], c[j])) continue;
                    bool mi = x86_def_has_modrm(c[i]), mj = x86_def_has_modrm(c[j]);
                    bool overlap = !mi && !mj;
                    for (unsigned m = 0; m < 256 && !overlap && mi && mj; m++)
                        overlap = x86_def_matches_modrm(c[i], (uint8_t)m) &&
                                  x86_def_matches_modrm(c[j], (uint8_t)m);
                    cr_expect(!overlap, "map %u opcode %02x: %s and %s overlap", map, op,
                              c[i]->name, c[j]->name);
                }
            }
        }
    }
}

Test(x86_decode, relative_targets)
{
    /* x86_decode_bytes places the instruction at EIP 0. */
    static const uint8_t jmp8[] = {0xeb, 0xfe};
    X86Insn in;
    if (x86_decode_bytes(jmp8, sizeof jmp8, true, &in) != X86_DECODE_OK)
        cr_skip_test("no JMP rel8 line yet");
    cr_assert_eq(in.op[0].imm, 0);
    static const uint8_t jmp16[] = {0xe9, 0xfd, 0xff}; /* 16-bit: jmp -3 from 3 = 0 */
    cr_assert_eq(x86_decode_bytes(jmp16, sizeof jmp16, false, &in), X86_DECODE_OK);
    cr_assert_eq(in.op[0].imm, 0);
    static const uint8_t jmp16w[] = {0xe9, 0xf0, 0xff}; /* wraps at 64 KiB */
    cr_assert_eq(x86_decode_bytes(jmp16w, sizeof jmp16w, false, &in), X86_DECODE_OK);
    cr_assert_eq(in.op[0].imm, 0xfff3);
}
