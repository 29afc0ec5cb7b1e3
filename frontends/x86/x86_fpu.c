/*
 * x87 state (see x86_fpu.h): stack, status and tag words, exceptions and
 * #MF, and the environment/state images in memory.
 *
 * Memory images are built in a local buffer and stored, or loaded whole
 * before any state changes, so a fault part way leaves the x87 state as
 * it was (ir/README.md "Precise faults").
 */
#include "frontends/x86/x86_fpu.h"

#include <string.h>

#include "frontends/x86/x86_internal.h"

static X86F80 f80_from_bytes(const uint8_t *b)
{
    X86F80 v;
    memcpy(&v.sig, b, 8);
    v.se = (uint16_t)(b[8] | b[9] << 8);
    return v;
}

static void f80_to_bytes(X86F80 v, uint8_t *b)
{
    memcpy(b, &v.sig, 8);
    b[8] = (uint8_t)v.se;
    b[9] = (uint8_t)(v.se >> 8);
}

X86F80 x86_fpu_reg(const X86CPU *cpu, unsigned phys)
{
    return f80_from_bytes(cpu->fpregs[phys & 7].bytes);
}

void x86_fpu_set_reg(X86CPU *cpu, unsigned phys, X86F80 v)
{
    f80_to_bytes(v, cpu->fpregs[phys & 7].bytes);
}

void x86_fpu_set_st(X86CPU *cpu, unsigned i, X86F80 v)
{
    unsigned p = x86_fpu_phys(cpu, i);
    x86_fpu_set_reg(cpu, p, v);
    cpu->fptag[p] = 0;
}

void x86_fpu_push(X86CPU *cpu, X86F80 v)
{
    cpu->fpstt = (cpu->fpstt - 1) & 7;
    x86_fpu_set_st(cpu, 0, v);
}

void x86_fpu_pop(X86CPU *cpu)
{
    cpu->fptag[x86_fpu_phys(cpu, 0)] = 1;
    cpu->fpstt = (cpu->fpstt + 1) & 7;
}

uint16_t x86_fpu_status(const X86CPU *cpu)
{
    uint16_t sw = cpu->fpus & (uint16_t) ~(X86_FPSW_TOP | X86_FPSW_B);
    if (sw & X86_FPSW_ES) sw |= X86_FPSW_B;
    return (uint16_t)(sw | (cpu->fpstt & 7) << X86_FPSW_TOP_SHIFT);
}

void x86_fpu_set_status(X86CPU *cpu, uint16_t sw)
{
    cpu->fpstt = (sw & X86_FPSW_TOP) >> X86_FPSW_TOP_SHIFT;
    cpu->fpus = sw & (uint16_t) ~(X86_FPSW_TOP | X86_FPSW_B);
}

static unsigned full_tag(const X86CPU *cpu, unsigned phys)
{
    if (cpu->fptag[phys]) return X86_FPTAG_EMPTY;
    switch (x86f80_classify(x86_fpu_reg(cpu, phys))) {
    case X86F80_NORMAL: return X86_FPTAG_VALID;
    case X86F80_ZERO: return X86_FPTAG_ZERO;
    default: return X86_FPTAG_SPECIAL;
    }
}

uint16_t x86_fpu_tag_word(const X86CPU *cpu)
{
    uint16_t tw = 0;
    for (unsigned i = 0; i < 8; i++)
        tw |= (uint16_t)(full_tag(cpu, i) << (2 * i));
    return tw;
}

void x86_fpu_set_tag_word(X86CPU *cpu, uint16_t tw)
{
    for (unsigned i = 0; i < 8; i++)
        cpu->fptag[i] = ((tw >> (2 * i)) & 3) == X86_FPTAG_EMPTY;
}

static void update_summary(X86CPU *cpu)
{
    if (cpu->fpus & ~cpu->fpuc & X86_FPE_ALL)
        cpu->fpus |= X86_FPSW_ES;
    else
        cpu->fpus &= (uint16_t)~X86_FPSW_ES;
}

void x86_fpu_set_control(X86CPU *cpu, uint16_t cw)
{
    cpu->fpuc = (uint16_t)((cw & 0x1f7f) | 0x40);
    update_summary(cpu);
}

void x86_fpu_record(X86CPU *cpu, unsigned exc)
{
    cpu->fpus |= (uint16_t)(exc & (X86_FPE_ALL | X86_FPE_SF));
    update_summary(cpu);
}

bool x86_fpu_stack_fault(X86CPU *cpu, bool overflow)
{
    x86_fpu_set_cc(cpu, X86_FPSW_C1, overflow ? X86_FPSW_C1 : 0);
    x86_fpu_record(cpu, X86_FPE_IE | X86_FPE_SF);
    return (cpu->fpuc & X86_FPE_IE) != 0;
}

void x86_fpu_check_pending(X86CPU *cpu)
{
    if ((cpu->fpus & X86_FPSW_ES) && (cpu->cr[0] & X86_CR0_NE))
        x86_raise_exception(cpu, X86_EXCP_MF);
}

void x86_fpu_update_pointers(X86CPU *cpu, uint16_t fop, bool has_mem, unsigned seg, uint32_t offset)
{
    cpu->fpop = fop & 0x7ff;
    cpu->fpip = x86_get_eip(cpu);
    cpu->fpcs = cpu->segs[X86_SEG_CS].selector;
    if (has_mem && seg < X86_NUM_SEGS) {
        cpu->fpdp = offset;
        cpu->fpds = cpu->segs[seg].selector;
    }
}

void x86_fpu_reset(X86CPU *cpu)
{
    cpu->fpuc = 0x037f;
    cpu->fpus = 0;
    cpu->fpstt = 0;
    memset(cpu->fptag, 1, sizeof(cpu->fptag));
    cpu->fpop = 0;
    cpu->fpip = cpu->fpdp = 0;
    cpu->fpcs = cpu->fpds = 0;
}

/* ---- memory images ---- */

static void load_bytes(X86CPU *cpu, uint32_t linear, uint8_t *buf, unsigned len)
{
    unsigned idx = x86_data_mmu_idx(cpu);
    for (unsigned i = 0; i < len; i += 2) {
        uint32_t v = x86_load_linear(cpu, linear + i, 2, idx);
        buf[i] = (uint8_t)v;
        buf[i + 1] = (uint8_t)(v >> 8);
    }
}

static void store_bytes(X86CPU *cpu, uint32_t linear, const uint8_t *buf, unsigned len)
{
    unsigned idx = x86_data_mmu_idx(cpu);
    for (unsigned i = 0; i < len; i += 2)
        x86_store_linear(cpu, linear + i, (uint32_t)(buf[i] | buf[i + 1] << 8), 2, idx);
}

static void put16(uint8_t *b, uint16_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *b, uint32_t v)
{
    put16(b, (uint16_t)v);
    put16(b + 2, (uint16_t)(v >> 16));
}

static uint16_t get16(const uint8_t *b)
{
    return (uint16_t)(b[0] | b[1] << 8);
}

static uint32_t get32(const uint8_t *b)
{
    return get16(b) | (uint32_t)get16(b + 2) << 16;
}

static unsigned env_size(unsigned opsize)
{
    return opsize == 4 ? 28 : 14;
}

/* SDM Vol 1 §8.1.10: real mode and vm86 store 20-bit (32-bit forms:
 * 32-bit) linear pointers, protected mode selector:offset. */
static void build_env(const X86CPU *cpu, uint8_t *b, unsigned opsize)
{
    bool prot = x86_protected(cpu);
    uint32_t ip = cpu->fpip, dp = cpu->fpdp;
    if (!prot) {
        ip += (uint32_t)cpu->fpcs << 4;
        dp += (uint32_t)cpu->fpds << 4;
    }
    if (opsize == 4) {
        memset(b, 0, 28);
        put32(b + 0, 0xffff0000u | cpu->fpuc);
        put32(b + 4, 0xffff0000u | x86_fpu_status(cpu));
        put32(b + 8, 0xffff0000u | x86_fpu_tag_word(cpu));
        if (prot) {
            put32(b + 12, ip);
            put32(b + 16, cpu->fpcs | (uint32_t)(cpu->fpop & 0x7ff) << 16);
            put32(b + 20, dp);
            put32(b + 24, 0xffff0000u | cpu->fpds);
        } else {
            put32(b + 12, 0xffff0000u | (ip & 0xffff));
            put32(b + 16, (ip >> 16) << 12 | (cpu->fpop & 0x7ff));
            put32(b + 20, 0xffff0000u | (dp & 0xffff));
            put32(b + 24, (dp >> 16) << 12);
        }
        return;
    }
    put16(b + 0, cpu->fpuc);
    put16(b + 2, x86_fpu_status(cpu));
    put16(b + 4, x86_fpu_tag_word(cpu));
    if (prot) {
        put16(b + 6, (uint16_t)ip);
        put16(b + 8, cpu->fpcs);
        put16(b + 10, (uint16_t)dp);
        put16(b + 12, cpu->fpds);
    } else {
        put16(b + 6, (uint16_t)ip);
        put16(b + 8, (uint16_t)(((ip >> 16) & 0xf) << 12 | (cpu->fpop & 0x7ff)));
        put16(b + 10, (uint16_t)dp);
        put16(b + 12, (uint16_t)(((dp >> 16) & 0xf) << 12));
    }
}

static void apply_env(X86CPU *cpu, const uint8_t *b, unsigned opsize)
{
    bool prot = x86_protected(cpu);
    if (opsize == 4) {
        x86_fpu_set_status(cpu, get16(b + 4));
        x86_fpu_set_tag_word(cpu, get16(b + 8));
        if (prot) {
            cpu->fpip = get32(b + 12);
            cpu->fpcs = get16(b + 16);
            cpu->fpop = (get32(b + 16) >> 16) & 0x7ff;
            cpu->fpdp = get32(b + 20);
            cpu->fpds = get16(b + 24);
        } else {
            cpu->fpip = get16(b + 12) | (get32(b + 16) >> 12 & 0xffff) << 16;
            cpu->fpop = get16(b + 16) & 0x7ff;
            cpu->fpdp = get16(b + 20) | (get32(b + 24) >> 12 & 0xffff) << 16;
            cpu->fpcs = cpu->fpds = 0;
        }
        x86_fpu_set_control(cpu, get16(b + 0));
        return;
    }
    x86_fpu_set_status(cpu, get16(b + 2));
    x86_fpu_set_tag_word(cpu, get16(b + 4));
    if (prot) {
        cpu->fpip = get16(b + 6);
        cpu->fpcs = get16(b + 8);
        cpu->fpdp = get16(b + 10);
        cpu->fpds = get16(b + 12);
    } else {
        cpu->fpip = get16(b + 6) | (uint32_t)(get16(b + 8) >> 12) << 16;
        cpu->fpop = get16(b + 8) & 0x7ff;
        cpu->fpdp = get16(b + 10) | (uint32_t)(get16(b + 12) >> 12) << 16;
        cpu->fpcs = cpu->fpds = 0;
    }
    x86_fpu_set_control(cpu, get16(b + 0));
}

void x86_fpu_stenv(X86CPU *cpu, uint32_t linear, unsigned opsize)
{
    uint8_t b[28];
    build_env(cpu, b, opsize);
    store_bytes(cpu, linear, b, env_size(opsize));
    /* SDM Vol 2 FSTENV: all exceptions masked afterwards. */
    cpu->fpuc |= X86_FPE_ALL;
    update_summary(cpu);
}

void x86_fpu_ldenv(X86CPU *cpu, uint32_t linear, unsigned opsize)
{
    uint8_t b[28];
    load_bytes(cpu, linear, b, env_size(opsize));
    apply_env(cpu, b, opsize);
}

void x86_fpu_fsave(X86CPU *cpu, uint32_t linear, unsigned opsize)
{
    uint8_t b[108];
    unsigned env = env_size(opsize);
    build_env(cpu, b, opsize);
    for (unsigned i = 0; i < 8; i++)
        f80_to_bytes(x86_fpu_st(cpu, i), b + env + 10 * i);
    store_bytes(cpu, linear, b, env + 80);
    x86_fpu_reset(cpu);
}

void x86_fpu_frstor(X86CPU *cpu, uint32_t linear, unsigned opsize)
{
    uint8_t b[108];
    unsigned env = env_size(opsize);
    load_bytes(cpu, linear, b, env + 80);
    apply_env(cpu, b, opsize);
    for (unsigned i = 0; i < 8; i++)
        x86_fpu_set_reg(cpu, x86_fpu_phys(cpu, i), f80_from_bytes(b + env + 10 * i));
}

void x86_fpu_fxsave(X86CPU *cpu, uint32_t linear)
{
    uint8_t b[512];
    if (linear & 15) x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    memset(b, 0, sizeof(b));
    put16(b + 0, cpu->fpuc);
    put16(b + 2, x86_fpu_status(cpu));
    for (unsigned i = 0; i < 8; i++)
        b[4] |= (uint8_t)((cpu->fptag[i] ? 0 : 1) << i);
    put16(b + 6, cpu->fpop);
    put32(b + 8, cpu->fpip);
    put16(b + 12, cpu->fpcs);
    put32(b + 16, cpu->fpdp);
    put16(b + 20, cpu->fpds);
    put32(b + 24, cpu->mxcsr);
    put32(b + 28, X86_MXCSR_MASK);
    for (unsigned i = 0; i < 8; i++)
        f80_to_bytes(x86_fpu_st(cpu, i), b + 32 + 16 * i);
    for (unsigned i = 0; i < 8; i++)
        memcpy(b + 160 + 16 * i, cpu->xmm[i].b, 16);
    store_bytes(cpu, linear, b, 288);
}

void x86_fpu_fxrstor(X86CPU *cpu, uint32_t linear)
{
    uint8_t b[288];
    if (linear & 15) x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    load_bytes(cpu, linear, b, sizeof(b));
    uint32_t mxcsr = get32(b + 24);
    if (mxcsr & ~X86_MXCSR_MASK) x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    x86_fpu_set_status(cpu, get16(b + 2));
    for (unsigned i = 0; i < 8; i++)
        cpu->fptag[i] = !((b[4] >> i) & 1);
    cpu->fpop = get16(b + 6) & 0x7ff;
    cpu->fpip = get32(b + 8);
    cpu->fpcs = get16(b + 12);
    cpu->fpdp = get32(b + 16);
    cpu->fpds = get16(b + 20);
    cpu->mxcsr = mxcsr;
    for (unsigned i = 0; i < 8; i++)
        x86_fpu_set_reg(cpu, x86_fpu_phys(cpu, i), f80_from_bytes(b + 32 + 16 * i));
    for (unsigned i = 0; i < 8; i++)
        memcpy(cpu->xmm[i].b, b + 160 + 16 * i, 16);
    x86_fpu_set_control(cpu, get16(b + 0));
}
