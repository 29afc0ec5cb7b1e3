/*
 * s370_disas: the S/370 and ESA/390 disassembly (frontends/s370/s370_disas.c)
 * against GNU as.  Every instruction of the decode tables that gas knows
 * (all but the S/370-only ones) is built with every field nonzero, shown
 * as text, assembled back by s390x-linux-gnu-as, and shown again from the
 * assembled bytes: the instruction must be the same and the text too, so
 * an operand in the wrong place, of the wrong kind, missing or extra
 * fails.  The S/370-only instructions, which gas does not have, are
 * checked against texts written from the PoO.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontends/s370/s370_internal.h"

/* cmake/s370-guests.cmake defines them when the cross binutils are there. */
#ifndef S390_AS
#define S390_AS ""
#endif
#ifndef S390_OBJCOPY
#define S390_OBJCOPY ""
#endif

#define DISAS_STRIDE 8 /* bytes between the instructions in the test text */
#define DISAS_MAX    1024

typedef struct DisasCase {
    const S370InsnDef *def;
    uint32_t addr;
    uint8_t bytes[6];
    char text[96];
    bool in_file; /* gas has it */
} DisasCase;

/* The instruction of def with every operand field nonzero and distinct
 * from its neighbours, from 4, 8 and 12: gas refuses a register pair that
 * is not one (an odd general register; an FPR pair other than 0, 1, 4, 5,
 * 8, 9, 12, 13). */
static void disas_sample(const S370InsnDef *def, uint8_t out[6])
{
    static const uint8_t pattern[6] = {0, 0x48, 0xc4, 0x48, 0x8c, 0x4c};
    memcpy(out, pattern, 6);
    out[0] = (uint8_t)(def->key >> 8);
    /* The opcode's second part: the low nibble of byte 1 (keeping R1),
     * byte 1, or byte 5. */
    if (s370_opcode_key(out) != def->key)
        out[1] = (uint8_t)((pattern[1] & 0xf0) | (def->key & 0x0f));
    if (s370_opcode_key(out) != def->key) out[1] = (uint8_t)def->key;
    if (s370_opcode_key(out) != def->key) {
        out[1] = pattern[1];
        out[5] = (uint8_t)def->key;
    }
    cr_assert_eq(s370_opcode_key(out), def->key, "%s: no sample for key %04x", def->name, def->key);
}

/* An immediate operand shown in hex: a relative address (the others are
 * decimal). */
static bool disas_relative(const S370InsnDef *def, const char *operand)
{
    return (def->format == S370_FMT_RI || def->format == S370_FMT_RIL ||
            def->format == S370_FMT_RSI) &&
           !strncmp(operand, "0x", 2);
}

/* gas reads a relative operand given as a number as the byte offset from
 * the instruction: the listing shows the target, so write target - addr. */
static void disas_gas_line(const DisasCase *c, char *line, size_t len)
{
    const char *target = strrchr(c->text, ',');
    if (target && disas_relative(c->def, target + 1)) {
        unsigned long t = strtoul(target + 1, NULL, 16);
        int32_t offset = (int32_t)(uint32_t)(t - c->addr); /* targets wrap at 2^32 */
        snprintf(line, len, "%.*s,%d", (int)(target - c->text), c->text, (int)offset);
    } else {
        snprintf(line, len, "%s", c->text);
    }
}

static bool disas_tools_present(void)
{
    return access(S390_AS, X_OK) == 0 && access(S390_OBJCOPY, X_OK) == 0;
}

Test(s370_disas, every_instruction_gas_knows_assembles_back_to_itself, .timeout = 60)
{
    if (!disas_tools_present()) cr_skip_test("s390x-linux-gnu-as/objcopy not found");
    static DisasCase cases[DISAS_MAX];
    unsigned n = 0;
    for (unsigned g = 0; g < s370_group_count; g++)
        for (unsigned i = 0; i < s370_groups[g]->count; i++) {
            cr_assert_lt(n, DISAS_MAX);
            DisasCase *c = &cases[n];
            c->def = &s370_groups[g]->defs[i];
            c->addr = n * DISAS_STRIDE;
            disas_sample(c->def, c->bytes);
            cr_assert_eq(s370_disas_one(c->bytes, c->addr, c->text, sizeof c->text),
                         s370_insn_length(c->bytes[0]));
            c->in_file = c->def->archs & S370_IN_390; /* the S/370-only ones are below */
            n++;
        }

    char dir[] = "/tmp/doppel-disas-XXXXXX", src[64], obj[64], bin[64], cmd[512];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(src, sizeof src, "%s/t.s", dir);
    snprintf(obj, sizeof obj, "%s/t.o", dir);
    snprintf(bin, sizeof bin, "%s/t.bin", dir);
    FILE *f = fopen(src, "w");
    cr_assert_not_null(f);
    unsigned gas_line[DISAS_MAX] = {0}, line_no = 1;
    fprintf(f, "\t.text\n");
    for (unsigned i = 0; i < n; i++) {
        if (!cases[i].in_file) continue;
        char line[128];
        disas_gas_line(&cases[i], line, sizeof line);
        fprintf(f, "\t.org 0x%x\n\t%s\n", cases[i].addr, line);
        line_no += 2;
        gas_line[i] = line_no;
    }
    fclose(f);

    /* gas: -march=z900 has all of ESA/390 (and HFP, BFP). */
    snprintf(cmd, sizeof cmd, "'%s' -m31 -march=z900 -o '%s' '%s' 2>&1", S390_AS, obj, src);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char msg[512];
    unsigned errors = 0;
    while (fgets(msg, sizeof msg, p)) {
        unsigned at = 0;
        const char *colon = strstr(msg, "t.s:");
        if (colon) at = (unsigned)strtoul(colon + 4, NULL, 10);
        for (unsigned i = 0; i < n; i++)
            if (at && gas_line[i] == at)
                cr_log_error("%s: gas rejects \"%s\": %s", cases[i].def->name, cases[i].text, msg);
        errors += strstr(msg, "Error") != NULL;
    }
    cr_assert_eq(pclose(p), 0, "gas failed on %u lines (see above)", errors);

    snprintf(cmd, sizeof cmd, "'%s' -O binary -j .text '%s' '%s'", S390_OBJCOPY, obj, bin);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    static uint8_t image[DISAS_MAX * DISAS_STRIDE + 8];
    f = fopen(bin, "rb");
    cr_assert_not_null(f);
    size_t size = fread(image, 1, sizeof image, f);
    fclose(f);

    unsigned checked = 0, bad = 0;
    for (unsigned i = 0; i < n; i++) {
        const DisasCase *c = &cases[i];
        if (!c->in_file) continue;
        cr_assert_leq(c->addr + 6, size + 6);
        const uint8_t *back = image + c->addr;
        char again[96];
        s370_disas_one(back, c->addr, again, sizeof again);
        if (s370_opcode_key(back) != c->def->key || strcmp(again, c->text) != 0) {
            cr_log_error("%s: \"%s\" assembled back as \"%s\"", c->def->name, c->text, again);
            bad++;
        }
        checked++;
    }
    cr_log_info("s370_disas: %u instructions assembled back", checked);
    cr_assert_gt(checked, 300);
    cr_assert_eq(bad, 0, "%u instructions do not assemble back to themselves (see above)", bad);

    unlink(src), unlink(obj), unlink(bin), rmdir(dir);
}

/* What gas does not have: the S/370 I/O and storage-key instructions,
 * written as PoO-370 writes their operands, in the same syntax. */
Test(s370_disas, s370_only_instructions)
{
    static const struct {
        uint8_t bytes[6];
        const char *text;
    } known[] = {
        {{0x9c, 0x00, 0x10, 0x0c}, "sio     12(%r1)"},
        {{0x9c, 0x01, 0x00, 0x0c}, "siof    12"},
        {{0x9d, 0x00, 0x20, 0x0e}, "tio     14(%r2)"},
        {{0x9e, 0x00, 0x00, 0x0e}, "hio     14"},
        {{0x9f, 0x00, 0x00, 0x00}, "tch     0"},
        {{0xb2, 0x13, 0x30, 0x00}, "rrb     0(%r3)"},
        /* And what S/370 programs are made of, which capstone lacked. */
        {{0x05, 0xc0}, "balr    %r12,%r0"},
        {{0x47, 0xf0, 0xc0, 0x3e}, "bc      15,62(%r12)"},
        {{0x90, 0xec, 0xd0, 0x0c}, "stm     %r14,%r12,12(%r13)"},
        {{0x0a, 0x05}, "svc     5"},
        {{0xfa, 0x31, 0x10, 0x00, 0x20, 0x00}, "ap      0(4,%r1),0(2,%r2)"},
        {{0x68, 0x24, 0x10, 0x08}, "ld      %f2,8(%r4,%r1)"},
        {{0xa7, 0x84, 0x00, 0x08}, "brc     8,0x1010"},
        {{0x00, 0x00}, ".insn   0000"},
    };
    for (unsigned i = 0; i < sizeof known / sizeof known[0]; i++) {
        char text[96];
        unsigned len = s370_disas_one(known[i].bytes, 0x1000, text, sizeof text);
        cr_expect_eq(len, s370_insn_length(known[i].bytes[0]));
        cr_expect_str_eq(text, known[i].text);
    }
    /* A short buffer gets a terminated prefix. */
    char small[6];
    s370_disas_one(known[2].bytes, 0, small, sizeof small);
    cr_assert_str_eq(small, "tio");
}
