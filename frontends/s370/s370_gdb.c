/*
 * The S/370 family as gdb sees it: the "s390:31-bit" target description
 * (GDB manual, G.5.15 "S/390 and System z Features": org.gnu.gdb.s390.core,
 * .acr, .fpr) plus doppel's own feature with the control registers, the
 * whole PSW, the prefix and the timing registers, and the register
 * read/write in that order.  Values are big-endian.
 *
 * pswm/pswa are the two words of a 31-bit Linux PSW, which is what gdb's
 * s390 support reads its pc from (pswa with bit 0 masked off) and its
 * condition code from (pswm bits 18-19).  The real PSW of S/370 BC mode
 * keeps the ILC, condition code and program mask in its second word, so
 * pswa is synthesised in every mode: the addressing-mode bit in bit 0
 * (ESA/390 only) and the instruction address below it.  The PSW as the
 * machine would store it is the doppel register "psw".
 */
#include <string.h>

#include "frontends/s370/s370_internal.h"
#include "frontends/s370/s370_timer.h"

typedef enum S370GdbKind {
    GDB_PSWM,
    GDB_PSWA,
    GDB_GR,
    GDB_AR,
    GDB_FPC,
    GDB_FPR,
    GDB_CR,
    GDB_PSW,
    GDB_PREFIX,
    GDB_CPU_TIMER,
    GDB_CKC,
} S370GdbKind;

/* The register file in XML order: runs of registers of one kind. */
static const struct {
    S370GdbKind kind;
    uint8_t count, size;
} s370_gdb_runs[] = {
    {GDB_PSWM, 1, 4},   {GDB_PSWA, 1, 4},      {GDB_GR, 16, 4}, {GDB_AR, 16, 4},
    {GDB_FPC, 1, 4},    {GDB_FPR, 16, 8},      {GDB_CR, 16, 4}, {GDB_PSW, 1, 8},
    {GDB_PREFIX, 1, 4}, {GDB_CPU_TIMER, 1, 8}, {GDB_CKC, 1, 8},
};

/* Kind, index within its run, and size of register reg; false if none. */
static bool s370_gdb_lookup(int reg, S370GdbKind *kind, unsigned *index, unsigned *size)
{
    if (reg < 0) return false;
    unsigned r = (unsigned)reg;
    for (size_t i = 0; i < sizeof s370_gdb_runs / sizeof s370_gdb_runs[0]; i++) {
        if (r < s370_gdb_runs[i].count) {
            *kind = s370_gdb_runs[i].kind;
            *index = r;
            *size = s370_gdb_runs[i].size;
            return true;
        }
        r -= s370_gdb_runs[i].count;
    }
    return false;
}

_Static_assert(S370_GDB_NREGS == 2 + 16 + 16 + 1 + 16 + 16 + 4,
               "s370_gdb_runs and the count agree");

static void put_be(uint8_t *buf, uint64_t v, unsigned n)
{
    for (unsigned i = n; i-- > 0; v >>= 8)
        buf[i] = (uint8_t)v;
}

static uint64_t get_be(const uint8_t *buf, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = v << 8 | buf[i];
    return v;
}

uint32_t s370_gdb_pswa(const S370CPU *cpu)
{
    uint32_t amode = cpu->arch == S370_ARCH_390 && cpu->psw.amode31 ? 0x80000000u : 0;
    return amode | ((uint32_t)cpu->common.pc & s370_amask(cpu));
}

static uint64_t s370_gdb_value(S370CPU *cpu, S370GdbKind kind, unsigned i)
{
    uint8_t psw[8];
    switch (kind) {
    case GDB_PSWM: s370_psw_store(cpu, psw); return get_be(psw, 4);
    case GDB_PSWA: return s370_gdb_pswa(cpu);
    case GDB_GR: return s370_gr32(cpu, i);
    case GDB_AR: return cpu->ar[i];
    case GDB_FPC: return cpu->fpc;
    case GDB_FPR: return cpu->fpr[i];
    case GDB_CR: return cpu->cr[i];
    case GDB_PSW: s370_psw_store(cpu, psw); return get_be(psw, 8);
    case GDB_PREFIX: return cpu->prefix;
    case GDB_CPU_TIMER: return (uint64_t)s370_cpu_timer_get(cpu);
    case GDB_CKC: return cpu->ckc;
    }
    return 0;
}

int s370_gdb_read_reg(CPUState *c, uint8_t *buf, int reg)
{
    S370GdbKind kind;
    unsigned i, size;
    if (!s370_gdb_lookup(reg, &kind, &i, &size)) return 0;
    put_be(buf, s370_gdb_value(s370_cpu(c), kind, i), size);
    return (int)size;
}

/* Load a whole PSW image as LPSW would, refusing one the mode rejects:
 * the debugger must not leave the cpu with a PSW it cannot run. */
static bool s370_gdb_load_psw(S370CPU *cpu, uint64_t image)
{
    uint8_t psw[8];
    put_be(psw, image, 8);
    if (!s370_psw_image_valid(cpu, psw)) return false;
    s370_psw_decode(cpu, psw);
    return true;
}

/* pswa: the instruction address, and in ESA/390 the addressing mode. */
static void s370_gdb_set_pswa(S370CPU *cpu, uint32_t v)
{
    if (cpu->arch == S370_ARCH_390 && cpu->psw.amode31 != ((v & 0x80000000u) != 0)) {
        cpu->psw.amode31 = (v & 0x80000000u) != 0;
        cpu->common.vaddr_mask = s370_amask(cpu);
    }
    cpu->common.pc = v & s370_amask(cpu);
}

int s370_gdb_write_reg(CPUState *c, const uint8_t *buf, int reg)
{
    S370CPU *cpu = s370_cpu(c);
    S370GdbKind kind;
    unsigned i, size;
    if (!s370_gdb_lookup(reg, &kind, &i, &size)) return 0;
    const uint64_t v = get_be(buf, size);
    uint8_t psw[8];
    switch (kind) {
    case GDB_PSWM:
        /* The mask word over the PSW's own second word. */
        s370_psw_store(cpu, psw);
        if (!s370_gdb_load_psw(cpu, v << 32 | get_be(psw + 4, 4))) return 0;
        break;
    case GDB_PSWA: s370_gdb_set_pswa(cpu, (uint32_t)v); break;
    case GDB_GR: s370_set_gr32(cpu, i, (uint32_t)v); break;
    case GDB_AR: cpu->ar[i] = (uint32_t)v; break;
    case GDB_FPC: cpu->fpc = (uint32_t)v; break;
    case GDB_FPR: cpu->fpr[i] = v; break;
    case GDB_CR: {
        uint32_t cr0 = cpu->cr[0], cr1 = cpu->cr[1];
        cpu->cr[i] = (uint32_t)v;
        s370_control_regs_changed(cpu, cr0, cr1);
        break;
    }
    case GDB_PSW:
        if (!s370_gdb_load_psw(cpu, v)) return 0;
        break;
    case GDB_PREFIX:
        if (!s370_prefix_set(cpu, (uint32_t)v)) return 0;
        break;
    case GDB_CPU_TIMER: s370_cpu_timer_set(cpu, (int64_t)v); break;
    case GDB_CKC: s370_ckc_set(cpu, v); break;
    }
    return (int)size;
}

/* ---- the target description ---- */

#define REG(name, bits, type, group)                                                               \
    "<reg name=\"" name "\" bitsize=\"" #bits "\" type=\"" type "\" group=\"" group "\"/>"
/* Sixteen registers prefix0..prefix15.  clang-format keeps re-indenting
 * this list, so it is left as written. */
/* clang-format off */
#define REG16(prefix, bits, type, group)                                                           \
    REG(prefix "0", bits, type, group)  REG(prefix "1", bits, type, group)                         \
    REG(prefix "2", bits, type, group)  REG(prefix "3", bits, type, group)                         \
    REG(prefix "4", bits, type, group)  REG(prefix "5", bits, type, group)                         \
    REG(prefix "6", bits, type, group)  REG(prefix "7", bits, type, group)                         \
    REG(prefix "8", bits, type, group)  REG(prefix "9", bits, type, group)                         \
    REG(prefix "10", bits, type, group) REG(prefix "11", bits, type, group)                        \
    REG(prefix "12", bits, type, group) REG(prefix "13", bits, type, group)                        \
    REG(prefix "14", bits, type, group) REG(prefix "15", bits, type, group)
/* clang-format on */

const char s370_gdb_xml[] =
    "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
    "<target version=\"1.0\"><architecture>s390:31-bit</architecture>"
    "<feature name=\"org.gnu.gdb.s390.core\">" REG("pswm", 32, "uint32", "psw")
        REG("pswa", 32, "uint32", "psw") REG16(
            "r", 32, "uint32",
            "general") "</feature>"
                       "<feature name=\"org.gnu.gdb.s390.acr\">" REG16(
                           "acr", 32, "uint32",
                           "access") "</feature>"
                                     "<feature name=\"org.gnu.gdb.s390.fpr\">" REG(
                                         "fpc", 32, "uint32", "float")
                                         REG16("f", 64, "ieee_double",
                                               "float") "</feature>"
                                                        "<feature "
                                                        "name=\"org.doppel.s390.system\">" REG16(
                                                            "cr", 32, "uint32", "system")
                                                            REG("psw", 64, "uint64", "system") REG(
                                                                "prefix", 32, "uint32",
                                                                "system") REG("cputimer", 64,
                                                                              "int64", "system")
                                                                REG("ckc", 64, "uint64",
                                                                    "system") "</feature></target>";
