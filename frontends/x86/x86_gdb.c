/*
 * The x86 CPU as gdb sees it (GDB manual, G.5.4 "i386 Features"):
 * org.gnu.gdb.i386.core and .sse, and doppel's own feature with what a
 * firmware or kernel developer needs besides: the hidden bases of every
 * segment register (real-mode code runs with CS base != 0), the control
 * and debug registers, GDTR/IDTR, LDTR/TR.  fs_base and gs_base are not
 * in org.gnu.gdb.i386.segments: gdb 13 accepts that feature only for
 * amd64 (an i386 description with it fails an internal assertion).  Values are little-endian,
 * registers in XML order.
 *
 * Writes take the paths the instructions take (MOV to CRn/DRn: TLB
 * flushes, mode bits).  What the debugger cannot change safely is
 * refused (the write returns 0) unless it writes the value already
 * there, so a 'G' packet of unchanged values still succeeds: a CR value
 * MOV would #GP on, a protected-mode selector (its descriptor would have
 * to be loaded), LDTR and TR.
 */
#include <string.h>

#include "frontends/x86/x86_sysrt.h"

typedef enum X86GdbKind {
    GDB_GPR,
    GDB_EIP,
    GDB_EFLAGS,
    GDB_SELECTOR, /* index: X86_SEG_* */
    GDB_ST,
    GDB_FPU_CTL, /* fctrl fstat ftag fiseg fioff foseg fooff fop */
    GDB_XMM,
    GDB_MXCSR,
    GDB_SEG_BASE, /* index: X86_SEG_* */
    GDB_CR,       /* index: n of CRn */
    GDB_DR,       /* index: n of DRn */
    GDB_GDTR_BASE,
    GDB_GDTR_LIMIT,
    GDB_IDTR_BASE,
    GDB_IDTR_LIMIT,
    GDB_LDTR,
    GDB_TR,
} X86GdbKind;

/* gdb's orders where they differ from the cpu's. */
static const uint8_t gdb_core_segs[] = {X86_SEG_CS, X86_SEG_SS, X86_SEG_DS,
                                        X86_SEG_ES, X86_SEG_FS, X86_SEG_GS};
static const uint8_t gdb_fsgs[] = {X86_SEG_FS, X86_SEG_GS};
static const uint8_t gdb_crs[] = {0, 2, 3, 4};
static const uint8_t gdb_drs[] = {0, 1, 2, 3, 6, 7};
static const uint8_t gdb_other_bases[] = {X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS};

/* The register file in XML order: runs of one kind; map turns the
 * position in the run into the kind's index (NULL: the same). */
static const struct {
    X86GdbKind kind;
    uint8_t count, size;
    const uint8_t *map;
} x86_gdb_runs[] = {
    {GDB_GPR, 8, 4, NULL},          {GDB_EIP, 1, 4, NULL},
    {GDB_EFLAGS, 1, 4, NULL},       {GDB_SELECTOR, 6, 4, gdb_core_segs},
    {GDB_ST, 8, 10, NULL},          {GDB_FPU_CTL, 8, 4, NULL},
    {GDB_XMM, 8, 16, NULL},         {GDB_MXCSR, 1, 4, NULL},
    {GDB_SEG_BASE, 2, 4, gdb_fsgs}, {GDB_CR, 4, 4, gdb_crs},
    {GDB_DR, 6, 4, gdb_drs},        {GDB_GDTR_BASE, 1, 4, NULL},
    {GDB_GDTR_LIMIT, 1, 4, NULL},   {GDB_IDTR_BASE, 1, 4, NULL},
    {GDB_IDTR_LIMIT, 1, 4, NULL},   {GDB_LDTR, 1, 4, NULL},
    {GDB_TR, 1, 4, NULL},           {GDB_SEG_BASE, 4, 4, gdb_other_bases},
};

_Static_assert(X86_GDB_NREGS == 8 + 1 + 1 + 6 + 8 + 8 + 8 + 1 + 2 + 4 + 6 + 4 + 2 + 4,
               "x86_gdb_runs and the count agree");

static bool x86_gdb_lookup(int reg, X86GdbKind *kind, unsigned *index, unsigned *size)
{
    if (reg < 0) return false;
    unsigned r = (unsigned)reg;
    for (size_t i = 0; i < sizeof x86_gdb_runs / sizeof x86_gdb_runs[0]; i++) {
        if (r < x86_gdb_runs[i].count) {
            *kind = x86_gdb_runs[i].kind;
            *index = x86_gdb_runs[i].map ? x86_gdb_runs[i].map[r] : r;
            *size = x86_gdb_runs[i].size;
            return true;
        }
        r -= x86_gdb_runs[i].count;
    }
    return false;
}

/* The full x87 tag word (2 bits per physical register: 11 empty). */
static uint32_t x86_gdb_ftag(const X86CPU *cpu)
{
    uint32_t t = 0;
    for (int i = 0; i < 8; i++)
        if (cpu->fptag[i]) t |= 3u << (2 * i);
    return t;
}

static uint32_t x86_gdb_fpu_ctl(const X86CPU *cpu, unsigned i)
{
    const uint32_t fsw = (cpu->fpus & ~0x3800u) | (cpu->fpstt & 7) << 11;
    const uint32_t v[8] = {cpu->fpuc, fsw,       x86_gdb_ftag(cpu), cpu->fpcs,
                           cpu->fpip, cpu->fpds, cpu->fpdp,         cpu->fpop};
    return v[i];
}

static void x86_gdb_set_fpu_ctl(X86CPU *cpu, unsigned i, uint32_t v)
{
    switch (i) {
    case 0: cpu->fpuc = (uint16_t)v; break;
    case 1:
        cpu->fpstt = (v >> 11) & 7;
        cpu->fpus = (uint16_t)(v & ~0x3800u);
        break;
    case 2:
        for (int r = 0; r < 8; r++)
            cpu->fptag[r] = ((v >> (2 * r)) & 3) == 3;
        break;
    case 3: cpu->fpcs = (uint16_t)v; break;
    case 4: cpu->fpip = v; break;
    case 5: cpu->fpds = (uint16_t)v; break;
    case 6: cpu->fpdp = v; break;
    default: cpu->fpop = (uint16_t)(v & 0x7ff); break;
    }
}

/* A 32-bit register's value (all kinds but ST and XMM). */
static uint32_t x86_gdb_value32(X86CPU *cpu, X86GdbKind kind, unsigned i)
{
    switch (kind) {
    case GDB_GPR: return (uint32_t)cpu->regs[i];
    case GDB_EIP: return x86_get_eip(cpu);
    case GDB_EFLAGS: return x86_get_eflags(cpu);
    case GDB_SELECTOR: return cpu->segs[i].selector;
    case GDB_FPU_CTL: return x86_gdb_fpu_ctl(cpu, i);
    case GDB_MXCSR: return cpu->mxcsr;
    case GDB_SEG_BASE: return (uint32_t)cpu->segs[i].base;
    case GDB_CR: return cpu->cr[i];
    case GDB_DR: return cpu->dr[i];
    case GDB_GDTR_BASE: return (uint32_t)cpu->gdtr.base;
    case GDB_GDTR_LIMIT: return cpu->gdtr.limit;
    case GDB_IDTR_BASE: return (uint32_t)cpu->idtr.base;
    case GDB_IDTR_LIMIT: return cpu->idtr.limit;
    case GDB_LDTR: return cpu->ldtr.selector;
    case GDB_TR: return cpu->tr.selector;
    case GDB_ST:
    case GDB_XMM: break;
    }
    return 0;
}

int x86_gdb_read_reg(CPUState *c, uint8_t *buf, int reg)
{
    X86CPU *cpu = x86_cpu(c);
    X86GdbKind kind;
    unsigned i, size;
    if (!x86_gdb_lookup(reg, &kind, &i, &size)) return 0;
    if (kind == GDB_ST)
        memcpy(buf, cpu->fpregs[(cpu->fpstt + i) & 7].bytes, 10);
    else if (kind == GDB_XMM)
        memcpy(buf, cpu->xmm[i].b, 16);
    else {
        uint32_t v = x86_gdb_value32(cpu, kind, i);
        memcpy(buf, &v, 4); /* the host is little-endian (ir/README.md) */
    }
    return (int)size;
}

/* A selector from the debugger: in real and vm86 mode the base follows
 * it (SDM Vol 3 §20.1.1); in protected mode the descriptor would have to
 * be loaded and checked, which is the program's business. */
static bool x86_gdb_set_selector(X86CPU *cpu, unsigned seg, uint16_t sel)
{
    X86Segment *s = &cpu->segs[seg];
    if (sel == s->selector) return true;
    if ((cpu->cr[0] & X86_CR0_PE) && !(cpu->eflags & X86_VM)) return false;
    x86_load_segment_cache(cpu, (int)seg, sel, (uint64_t)sel << 4, s->limit, s->attr);
    return true;
}

/* Returns false to refuse the write. */
static bool x86_gdb_set32(X86CPU *cpu, X86GdbKind kind, unsigned i, uint32_t v)
{
    switch (kind) {
    case GDB_GPR: cpu->regs[i] = v; return true;
    case GDB_EIP: x86_set_eip(cpu, v); return true;
    case GDB_EFLAGS: x86_set_eflags(cpu, v, X86_EFLAGS_WRITABLE); return true;
    case GDB_SELECTOR: return x86_gdb_set_selector(cpu, i, (uint16_t)v);
    case GDB_FPU_CTL: x86_gdb_set_fpu_ctl(cpu, i, v); return true;
    case GDB_MXCSR: cpu->mxcsr = v; return true;
    case GDB_SEG_BASE: {
        /* The hidden base: linear addresses move, EIP stays. */
        const X86Segment *s = &cpu->segs[i];
        x86_load_segment_cache(cpu, (int)i, s->selector, v, s->limit, s->attr);
        return true;
    }
    case GDB_CR: return v == cpu->cr[i] || x86_write_cr(cpu, i, v);
    case GDB_DR: x86_write_dr(cpu, i, v); return true;
    case GDB_GDTR_BASE: cpu->gdtr.base = v; return true;
    case GDB_GDTR_LIMIT: cpu->gdtr.limit = v & 0xffff; return true;
    case GDB_IDTR_BASE: cpu->idtr.base = v; return true;
    case GDB_IDTR_LIMIT: cpu->idtr.limit = v & 0xffff; return true;
    case GDB_LDTR: return v == cpu->ldtr.selector;
    case GDB_TR: return v == cpu->tr.selector;
    case GDB_ST:
    case GDB_XMM: break;
    }
    return false;
}

int x86_gdb_write_reg(CPUState *c, const uint8_t *buf, int reg)
{
    X86CPU *cpu = x86_cpu(c);
    X86GdbKind kind;
    unsigned i, size;
    if (!x86_gdb_lookup(reg, &kind, &i, &size)) return 0;
    if (kind == GDB_ST) {
        memcpy(cpu->fpregs[(cpu->fpstt + i) & 7].bytes, buf, 10);
    } else if (kind == GDB_XMM) {
        memcpy(cpu->xmm[i].b, buf, 16);
    } else {
        uint32_t v;
        memcpy(&v, buf, 4);
        if (!x86_gdb_set32(cpu, kind, i, v)) return 0;
    }
    return (int)size;
}

#define REG(name, bits, type, group)                                                               \
    "<reg name=\"" name "\" bitsize=\"" #bits "\" type=\"" type "\" group=\"" group "\"/>"

/* In the order of x86_gdb_runs. */
const char x86_gdb_xml[] =
    "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
    "<target version=\"1.0\"><architecture>i386</architecture>"
    "<feature name=\"org.gnu.gdb.i386.core\">"
    "<flags id=\"i386_eflags\" size=\"4\">"
    "<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>"
    "<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>"
    "<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>"
    "<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>"
    "<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>"
    "<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>"
    "<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>"
    "<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>"
    "<field name=\"ID\" start=\"21\" end=\"21\"/></flags>"
    "<reg name=\"eax\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"ecx\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"edx\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"ebx\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"esp\" bitsize=\"32\" type=\"data_ptr\"/>"
    "<reg name=\"ebp\" bitsize=\"32\" type=\"data_ptr\"/>"
    "<reg name=\"esi\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"edi\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"eip\" bitsize=\"32\" type=\"code_ptr\"/>"
    "<reg name=\"eflags\" bitsize=\"32\" type=\"i386_eflags\"/>"
    "<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "</feature><feature name=\"org.gnu.gdb.i386.sse\">"
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
    "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
    "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
    "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
    "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
    "<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
    "<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>"
    "<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>"
    "<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/>"
    "</union>"
    "<flags id=\"i386_mxcsr\" size=\"4\">"
    "<field name=\"IE\" start=\"0\" end=\"0\"/><field name=\"DE\" start=\"1\" end=\"1\"/>"
    "<field name=\"ZE\" start=\"2\" end=\"2\"/><field name=\"OE\" start=\"3\" end=\"3\"/>"
    "<field name=\"UE\" start=\"4\" end=\"4\"/><field name=\"PE\" start=\"5\" end=\"5\"/>"
    "<field name=\"DAZ\" start=\"6\" end=\"6\"/><field name=\"IM\" start=\"7\" end=\"7\"/>"
    "<field name=\"DM\" start=\"8\" end=\"8\"/><field name=\"ZM\" start=\"9\" end=\"9\"/>"
    "<field name=\"OM\" start=\"10\" end=\"10\"/><field name=\"UM\" start=\"11\" end=\"11\"/>"
    "<field name=\"PM\" start=\"12\" end=\"12\"/><field name=\"FZ\" start=\"15\" end=\"15\"/>"
    "</flags>"
    "<reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\" group=\"vector\"/>"
    "<reg name=\"xmm1\" bitsize=\"128\" type=\"vec128\" group=\"vector\"/>"
    "<reg name=\"xmm2\" bitsize=\"128\" type=\"vec128\" group=\"vector\"/>"
    "<reg name=\"xmm3\" bitsize=\"128\" type=\"vec128\" group=\"vector\"/>"
    "<reg name=\"xmm4\" bitsize=\"128\" type=\"vec128\" group=\"vector\"/>"
    "<reg name=\"xmm5\" bitsize=\"128\" type=\"vec128\" group=\"vector\"/>"
    "<reg name=\"xmm6\" bitsize=\"128\" type=\"vec128\" group=\"vector\"/>"
    "<reg name=\"xmm7\" bitsize=\"128\" type=\"vec128\" group=\"vector\"/>"
    "<reg name=\"mxcsr\" bitsize=\"32\" type=\"i386_mxcsr\" group=\"vector\"/>"
    "</feature><feature name=\"org.doppel.x86.system\">" REG("fs_base", 32, "uint32", "system")
        REG("gs_base", 32, "uint32", "system") REG("cr0", 32, "uint32", "system")
            REG("cr2", 32, "uint32", "system") REG("cr3", 32, "uint32", "system")
                REG("cr4", 32, "uint32", "system") REG("dr0", 32, "uint32", "system")
                    REG("dr1", 32, "uint32", "system") REG("dr2", 32, "uint32", "system")
                        REG("dr3", 32, "uint32", "system") REG("dr6", 32, "uint32", "system")
                            REG("dr7", 32, "uint32", "system")
                                REG("gdtr_base", 32, "data_ptr", "system") REG("gdtr_limit", 32,
                                                                               "uint32", "system")
                                    REG("idtr_base", 32, "data_ptr", "system")
                                        REG("idtr_limit", 32, "uint32", "system")
                                            REG("ldtr", 32, "uint32", "system")
                                                REG("tr", 32, "uint32", "system")
                                                    REG("es_base", 32, "uint32", "system")
                                                        REG("cs_base", 32, "uint32", "system")
                                                            REG("ss_base", 32, "uint32", "system")
                                                                REG("ds_base", 32, "uint32",
                                                                    "system") "</feature></target>";
