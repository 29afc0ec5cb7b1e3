/*
 * x86 state between X86CPU and a KVM vCPU: general registers, segments
 * with their descriptor caches, control and debug registers, x87/SSE,
 * MSRs, and the CPUID the guest sees.  Linux's
 * Documentation/virt/kvm/api.rst defines the structures.
 *
 * Fields X86CPU does not hold (R8-R15 are held; the upper halves of
 * 32-bit fields in long mode, XMM8-15, CR8, the interrupt bitmap) keep
 * the vCPU's values when doppel pushes a change.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "backends/kvm/kvm_internal.h"
#include "core/log.h"
#include "core/options.h"
#include "frontends/x86/x86.h"
#include "frontends/x86/x86_internal.h"
#include "frontends/x86/x86_msr.h"

/* ---- MSRs ---- */

/* An MSR kept in an X86CPU field of width 4 or 8 bytes. */
typedef struct KvmMsrField {
    uint32_t index;
    uint16_t offset;
    uint8_t width;
} KvmMsrField;

#define MSR32(i, f)                                                                                \
    {                                                                                              \
        (i), offsetof(X86CPU, f), 4                                                                \
    }
#define MSR64(i, f)                                                                                \
    {                                                                                              \
        (i), offsetof(X86CPU, f), 8                                                                \
    }
#define MTRR_VAR(n)   MSR64(X86_MSR_MTRR_PHYSBASE0 + (n), mtrr_var[n])
#define MTRR_FIX4K(n) MSR64(X86_MSR_MTRR_FIX4K_C0000 + (n), mtrr_fixed[3 + (n)])

/* SDM Vol 4 table 2-2.  The TSC is not here: it is an offset from
 * virtual time in X86CPU (kvm_x86_tsc_*), EFER and APIC_BASE travel in
 * kvm_sregs. */
static const KvmMsrField kvm_x86_msr_fields[] = {
    MSR32(X86_MSR_SYSENTER_CS, sysenter_cs),
    MSR32(X86_MSR_SYSENTER_ESP, sysenter_esp),
    MSR32(X86_MSR_SYSENTER_EIP, sysenter_eip),
    MSR64(X86_MSR_PAT, pat),
    MSR64(X86_MSR_MISC_ENABLE, misc_enable),
    MSR64(X86_MSR_MTRR_DEF_TYPE, mtrr_def_type),
    MSR64(X86_MSR_MTRR_FIX64K_00000, mtrr_fixed[0]),
    MSR64(X86_MSR_MTRR_FIX16K_80000, mtrr_fixed[1]),
    MSR64(X86_MSR_MTRR_FIX16K_A0000, mtrr_fixed[2]),
    MTRR_FIX4K(0),
    MTRR_FIX4K(1),
    MTRR_FIX4K(2),
    MTRR_FIX4K(3),
    MTRR_FIX4K(4),
    MTRR_FIX4K(5),
    MTRR_FIX4K(6),
    MTRR_FIX4K(7),
    MTRR_VAR(0),
    MTRR_VAR(1),
    MTRR_VAR(2),
    MTRR_VAR(3),
    MTRR_VAR(4),
    MTRR_VAR(5),
    MTRR_VAR(6),
    MTRR_VAR(7),
    MTRR_VAR(8),
    MTRR_VAR(9),
    MTRR_VAR(10),
    MTRR_VAR(11),
    MTRR_VAR(12),
    MTRR_VAR(13),
    MTRR_VAR(14),
    MTRR_VAR(15),
};
#define KVM_X86_NFIELDS (sizeof kvm_x86_msr_fields / sizeof kvm_x86_msr_fields[0])
_Static_assert(KVM_X86_NFIELDS + 1 <= KVM_X86_MAX_MSRS, "KVM_X86_MAX_MSRS too small");

/* Slot of the TSC in KvmState.msr_index: always the last one. */
static unsigned kvm_x86_tsc_slot(const KvmState *s)
{
    return s->nmsrs - 1;
}

static const KvmMsrField *kvm_x86_msr_field(uint32_t index)
{
    for (size_t i = 0; i < KVM_X86_NFIELDS; i++)
        if (kvm_x86_msr_fields[i].index == index) return &kvm_x86_msr_fields[i];
    return NULL;
}

static uint64_t kvm_x86_field_get(const X86CPU *cpu, const KvmMsrField *f)
{
    const uint8_t *p = (const uint8_t *)cpu + f->offset;
    if (f->width == 4) {
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void kvm_x86_field_set(X86CPU *cpu, const KvmMsrField *f, uint64_t v)
{
    uint8_t *p = (uint8_t *)cpu + f->offset;
    if (f->width == 4) {
        uint32_t w = (uint32_t)v;
        memcpy(p, &w, 4);
    } else {
        memcpy(p, &v, 8);
    }
}

bool kvm_x86_init(KvmState *s, char *err, size_t errlen)
{
    struct kvm_msr_list probe = {.nmsrs = 0};
    if (ioctl(s->fd, KVM_GET_MSR_INDEX_LIST, &probe) < 0 && errno != E2BIG) {
        snprintf(err, errlen, "/dev/kvm: KVM_GET_MSR_INDEX_LIST: %s", strerror(errno));
        return false;
    }
    struct kvm_msr_list *list = calloc(1, sizeof(*list) + probe.nmsrs * sizeof(uint32_t));
    if (!list) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    list->nmsrs = probe.nmsrs;
    if (ioctl(s->fd, KVM_GET_MSR_INDEX_LIST, list) < 0) {
        snprintf(err, errlen, "/dev/kvm: KVM_GET_MSR_INDEX_LIST: %s", strerror(errno));
        free(list);
        return false;
    }
    bool has_tsc = false;
    s->nmsrs = 0;
    for (uint32_t i = 0; i < list->nmsrs; i++) {
        if (list->indices[i] == X86_MSR_TSC) has_tsc = true;
        if (kvm_x86_msr_field(list->indices[i])) s->msr_index[s->nmsrs++] = list->indices[i];
    }
    free(list);
    if (!has_tsc) {
        snprintf(err, errlen, "/dev/kvm: the TSC MSR cannot be saved");
        return false;
    }
    s->msr_index[s->nmsrs++] = X86_MSR_TSC;
    return true;
}

/* ---- CPUID ---- */

/* Leaf 1 ECX bits doppel's userspace local APIC does not provide (SDM
 * Vol 2 CPUID table 3-10): x2APIC (21) and the TSC-deadline timer (24). */
#define CPUID_1_ECX_X2APIC       (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)

static struct kvm_cpuid2 *kvm_x86_cpuid_alloc(unsigned n)
{
    struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(struct kvm_cpuid_entry2));
    if (c) c->nent = n;
    return c;
}

/* doppel's own model (frontends/x86/x86_cpuid.c): the basic and extended
 * ranges it reports, none with subleaves. */
static struct kvm_cpuid2 *kvm_x86_cpuid_model(X86CPU *cpu)
{
    uint32_t out[4], max_basic, max_ext;
    x86_cpuid(cpu, 0, 0, out);
    max_basic = out[0];
    x86_cpuid(cpu, 0x80000000u, 0, out);
    max_ext = out[0];
    unsigned n = max_basic + 1 + (max_ext - 0x80000000u + 1);
    struct kvm_cpuid2 *c = kvm_x86_cpuid_alloc(n);
    if (!c) return NULL;
    unsigned k = 0;
    for (uint32_t leaf = 0; leaf <= max_basic; leaf++)
        c->entries[k++].function = leaf;
    for (uint32_t leaf = 0x80000000u; leaf <= max_ext; leaf++)
        c->entries[k++].function = leaf;
    for (unsigned i = 0; i < n; i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[i];
        x86_cpuid(cpu, e->function, 0, out);
        e->eax = out[0];
        e->ebx = out[1];
        e->ecx = out[2];
        e->edx = out[3];
    }
    return c;
}

/* -cpu host: what KVM can virtualise, with this cpu's APIC ID and without
 * the in-kernel APIC's features. */
static struct kvm_cpuid2 *kvm_x86_cpuid_host(KvmVcpu *v)
{
    for (unsigned n = 64; n <= 4096; n *= 2) {
        struct kvm_cpuid2 *c = kvm_x86_cpuid_alloc(n);
        if (!c) return NULL;
        if (ioctl(v->kvm->fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
            uint32_t apic_id = (uint32_t)v->cpu->cpu_index;
            for (unsigned i = 0; i < c->nent; i++) {
                struct kvm_cpuid_entry2 *e = &c->entries[i];
                if (e->function == 1) {
                    e->ebx = (e->ebx & 0x00ffffffu) | (apic_id & 0xff) << 24;
                    e->ecx &= ~(CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE);
                }
                if (e->function == 0xb || e->function == 0x1f) e->edx = apic_id;
            }
            return c;
        }
        free(c);
        if (errno != E2BIG) return NULL;
    }
    return NULL;
}

bool kvm_x86_init_vcpu(KvmVcpu *v, char *err, size_t errlen)
{
    X86CPU *cpu = x86_cpu(v->cpu);
    struct kvm_cpuid2 *c = v->kvm->cpu_host ? kvm_x86_cpuid_host(v) : kvm_x86_cpuid_model(cpu);
    if (!c) {
        snprintf(err, errlen, "/dev/kvm: cannot build the CPUID table: %s", strerror(errno));
        return false;
    }
    int r = ioctl(v->fd, KVM_SET_CPUID2, c);
    free(c);
    if (r < 0) {
        snprintf(err, errlen, "/dev/kvm: KVM_SET_CPUID2: %s", strerror(errno));
        return false;
    }
    return true;
}

/* ---- segments ---- */

/* A 32-bit X86CPU field over a 64-bit vCPU one: the vCPU's value while
 * its low half is unchanged (long-mode upper bits survive a push). */
static uint64_t kvm_x86_merge32(uint64_t vcpu, uint32_t x86)
{
    return (uint32_t)vcpu == x86 ? vcpu : x86;
}

/* X86CPU keeps descriptor attributes in the VMX access-rights layout
 * (x86.h X86_SEGA_*); kvm_segment spells them out.  A segment that is not
 * present is "unusable" (SDM Vol 3 §24.4.1). */
static void kvm_x86_seg_to_kvm(const X86Segment *s, struct kvm_segment *k)
{
    k->base = s->base;
    k->limit = s->limit;
    k->selector = s->selector;
    k->type = s->attr & X86_SEGA_TYPE;
    k->s = (s->attr & X86_SEGA_S) != 0;
    k->dpl = (s->attr & X86_SEGA_DPL) >> X86_SEGA_DPL_SHIFT;
    k->present = (s->attr & X86_SEGA_P) != 0;
    k->avl = (s->attr & X86_SEGA_AVL) != 0;
    k->l = (s->attr & X86_SEGA_L) != 0;
    k->db = (s->attr & X86_SEGA_DB) != 0;
    k->g = (s->attr & X86_SEGA_G) != 0;
    k->unusable = !k->present;
}

static void kvm_x86_seg_from_kvm(X86Segment *s, const struct kvm_segment *k)
{
    s->base = k->base;
    s->limit = k->limit;
    s->selector = k->selector;
    bool present = k->present && !k->unusable;
    s->attr = (uint16_t)((k->type & X86_SEGA_TYPE) | (k->s ? X86_SEGA_S : 0) |
                         (k->dpl & 3) << X86_SEGA_DPL_SHIFT | (present ? X86_SEGA_P : 0) |
                         (k->avl ? X86_SEGA_AVL : 0) | (k->l ? X86_SEGA_L : 0) |
                         (k->db ? X86_SEGA_DB : 0) | (k->g ? X86_SEGA_G : 0));
}

/* kvm_segment members of the segment registers, in X86_SEG_* order. */
static struct kvm_segment *kvm_x86_sreg(struct kvm_sregs *sr, int seg)
{
    struct kvm_segment *const segs[X86_NUM_SEGS] = {&sr->es, &sr->cs, &sr->ss,
                                                    &sr->ds, &sr->fs, &sr->gs};
    return segs[seg];
}

/* kvm_regs members in general-register encoding order (RAX, RCX, ...). */
static __u64 *kvm_x86_gpr(struct kvm_regs *r, int n)
{
    __u64 *const gprs[16] = {&r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
                             &r->rsi, &r->rdi, &r->r8,  &r->r9,  &r->r10, &r->r11,
                             &r->r12, &r->r13, &r->r14, &r->r15};
    return gprs[n];
}

static bool kvm_x86_long_code(const X86CPU *cpu)
{
    return (cpu->efer & X86_EFER_LMA) && (cpu->segs[X86_SEG_CS].attr & X86_SEGA_L);
}

/* ---- X86CPU <-> KVM layout ---- */

/* out := base with every field X86CPU holds taken from cpu. */
static void kvm_x86_from_cpu(KvmState *s, X86CPU *cpu, const KvmX86State *base, KvmX86State *out)
{
    *out = *base;
    for (int i = 0; i < 16; i++)
        *kvm_x86_gpr(&out->regs, i) = cpu->regs[i];
    out->regs.rip = kvm_x86_long_code(cpu) ? cpu->common.pc - cpu->segs[X86_SEG_CS].base
                                           : kvm_x86_merge32(base->regs.rip, x86_get_eip(cpu));
    out->regs.rflags = kvm_x86_merge32(base->regs.rflags, x86_get_eflags(cpu));

    struct kvm_sregs *sr = &out->sregs;
    for (int seg = 0; seg < X86_NUM_SEGS; seg++)
        kvm_x86_seg_to_kvm(&cpu->segs[seg], kvm_x86_sreg(sr, seg));
    kvm_x86_seg_to_kvm(&cpu->ldtr, &sr->ldt);
    kvm_x86_seg_to_kvm(&cpu->tr, &sr->tr);
    sr->gdt.base = cpu->gdtr.base;
    sr->gdt.limit = (uint16_t)cpu->gdtr.limit;
    sr->idt.base = cpu->idtr.base;
    sr->idt.limit = (uint16_t)cpu->idtr.limit;
    sr->cr0 = kvm_x86_merge32(base->sregs.cr0, cpu->cr[0]);
    sr->cr2 = kvm_x86_merge32(base->sregs.cr2, cpu->cr[2]);
    sr->cr3 = kvm_x86_merge32(base->sregs.cr3, cpu->cr[3]);
    sr->cr4 = kvm_x86_merge32(base->sregs.cr4, cpu->cr[4]);
    sr->efer = cpu->efer;
    sr->apic_base = cpu->apic_base;

    /* FXSAVE layout (SDM Vol 1 §10.5.1): registers in stack order, the
     * abridged tag one bit per physical register, set when valid. */
    struct kvm_fpu *f = &out->fpu;
    for (int i = 0; i < 8; i++) {
        memset(f->fpr[i], 0, sizeof f->fpr[i]);
        memcpy(f->fpr[i], cpu->fpregs[(cpu->fpstt + (unsigned)i) & 7].bytes, 10);
    }
    f->fcw = cpu->fpuc;
    f->fsw = (uint16_t)((cpu->fpus & ~0x3800u) | (cpu->fpstt & 7) << 11);
    f->ftwx = 0;
    for (int i = 0; i < 8; i++)
        f->ftwx |= (uint8_t)((cpu->fptag[i] ? 0u : 1u) << i);
    f->last_opcode = cpu->fpop;
    f->last_ip = kvm_x86_merge32(base->fpu.last_ip, cpu->fpip);
    f->last_dp = kvm_x86_merge32(base->fpu.last_dp, cpu->fpdp);
    for (int i = 0; i < 8; i++)
        memcpy(f->xmm[i], cpu->xmm[i].b, 16);
    f->mxcsr = cpu->mxcsr;

    for (int i = 0; i < 4; i++)
        out->dbg.db[i] = kvm_x86_merge32(base->dbg.db[i], cpu->dr[i]);
    out->dbg.dr6 = kvm_x86_merge32(base->dbg.dr6, cpu->dr[6]);
    out->dbg.dr7 = kvm_x86_merge32(base->dbg.dr7, cpu->dr[7]);

    for (unsigned i = 0; i < kvm_x86_tsc_slot(s); i++) {
        const KvmMsrField *fd = kvm_x86_msr_field(s->msr_index[i]);
        uint64_t v = kvm_x86_field_get(cpu, fd);
        out->msr[i] = fd->width == 4 ? kvm_x86_merge32(base->msr[i], (uint32_t)v) : v;
    }
    out->tsc_offset = cpu->tsc_offset;
}

static void kvm_x86_to_cpu(KvmState *s, const KvmX86State *k, X86CPU *cpu)
{
    for (int i = 0; i < 16; i++)
        cpu->regs[i] = *kvm_x86_gpr((struct kvm_regs *)&k->regs, i);

    const struct kvm_sregs *sr = &k->sregs;
    for (int seg = 0; seg < X86_NUM_SEGS; seg++)
        kvm_x86_seg_from_kvm(&cpu->segs[seg], kvm_x86_sreg((struct kvm_sregs *)sr, seg));
    kvm_x86_seg_from_kvm(&cpu->ldtr, &sr->ldt);
    kvm_x86_seg_from_kvm(&cpu->tr, &sr->tr);
    cpu->gdtr = (X86TableReg){.base = sr->gdt.base, .limit = sr->gdt.limit};
    cpu->idtr = (X86TableReg){.base = sr->idt.base, .limit = sr->idt.limit};
    cpu->cr[0] = (uint32_t)sr->cr0;
    cpu->cr[2] = (uint32_t)sr->cr2;
    cpu->cr[3] = (uint32_t)sr->cr3;
    cpu->cr[4] = (uint32_t)sr->cr4;
    cpu->efer = sr->efer;
    if (sr->apic_base != cpu->apic_base) {
        cpu->apic_base = sr->apic_base;
        /* The guest's WRMSR went to KVM: tell the board's local APIC. */
        if (cpu->apic_base_changed) cpu->apic_base_changed(cpu->apic_opaque, sr->apic_base);
    }
    /* EFLAGS last: x86_set_eflags recomputes the mode bits from CR0 and
     * the segments. */
    cpu->eflags = 2;
    x86_set_eflags(cpu, (uint32_t)k->regs.rflags, ~0u); /* all writable bits */
    cpu->common.pc = kvm_x86_long_code(cpu)
                         ? cpu->segs[X86_SEG_CS].base + k->regs.rip
                         : (uint32_t)(cpu->segs[X86_SEG_CS].base + (uint32_t)k->regs.rip);

    const struct kvm_fpu *f = &k->fpu;
    cpu->fpstt = (f->fsw >> 11) & 7;
    cpu->fpus = f->fsw & ~0x3800u;
    cpu->fpuc = f->fcw;
    for (int i = 0; i < 8; i++) {
        cpu->fptag[i] = !((f->ftwx >> i) & 1);
        X86Float80 *r = &cpu->fpregs[(cpu->fpstt + (unsigned)i) & 7];
        memset(r->bytes, 0, sizeof r->bytes);
        memcpy(r->bytes, f->fpr[i], 10);
    }
    cpu->fpop = f->last_opcode & 0x7ff;
    cpu->fpip = (uint32_t)f->last_ip;
    cpu->fpdp = (uint32_t)f->last_dp;
    for (int i = 0; i < 8; i++)
        memcpy(cpu->xmm[i].b, f->xmm[i], 16);
    cpu->mxcsr = f->mxcsr;

    for (int i = 0; i < 4; i++)
        cpu->dr[i] = (uint32_t)k->dbg.db[i];
    cpu->dr[6] = (uint32_t)k->dbg.dr6;
    cpu->dr[7] = (uint32_t)k->dbg.dr7;

    for (unsigned i = 0; i < kvm_x86_tsc_slot(s); i++)
        kvm_x86_field_set(cpu, kvm_x86_msr_field(s->msr_index[i]), k->msr[i]);
    /* The frontend's TSC is virtual ns + tsc_offset (x86_msr.c). */
    uint64_t virtual_ns = x86_rdtsc(cpu) - cpu->tsc_offset;
    cpu->tsc_offset = k->msr[kvm_x86_tsc_slot(s)] - virtual_ns;
    x86_update_hflags(cpu);
}

/* ---- ioctls ---- */

/* KVM_GET_MSRS / KVM_SET_MSRS of every slot of KvmState.msr_index. */
static bool kvm_x86_msrs_io(KvmVcpu *v, uint64_t *values, bool set, bool with_tsc)
{
    KvmState *s = v->kvm;
    struct {
        struct kvm_msrs head;
        struct kvm_msr_entry e[KVM_X86_MAX_MSRS];
    } buf;
    memset(&buf, 0, sizeof buf);
    unsigned n = with_tsc ? s->nmsrs : kvm_x86_tsc_slot(s);
    buf.head.nmsrs = n;
    for (unsigned i = 0; i < n; i++) {
        buf.e[i].index = s->msr_index[i];
        buf.e[i].data = values[i];
    }
    int r = ioctl(v->fd, set ? KVM_SET_MSRS : KVM_GET_MSRS, &buf);
    if (r != (int)n) {
        unsigned bad = r >= 0 && (unsigned)r < n ? buf.e[r].index : 0;
        fprintf(stderr, "doppel: kvm: %s: %s (MSR 0x%x)\n", set ? "KVM_SET_MSRS" : "KVM_GET_MSRS",
                r < 0 ? strerror(errno) : "refused", bad);
        return false;
    }
    if (!set)
        for (unsigned i = 0; i < n; i++)
            values[i] = buf.e[i].data;
    return true;
}

static bool kvm_x86_ioctl(KvmVcpu *v, unsigned long req, void *arg, const char *name)
{
    if (ioctl(v->fd, req, arg) == 0) return true;
    fprintf(stderr, "doppel: kvm: %s: %s\n", name, strerror(errno));
    return false;
}

bool kvm_x86_get_state(KvmVcpu *v)
{
    X86CPU *cpu = x86_cpu(v->cpu);
    KvmX86State *k = &v->got;
    bool ok = kvm_x86_ioctl(v, KVM_GET_REGS, &k->regs, "KVM_GET_REGS") &&
              kvm_x86_ioctl(v, KVM_GET_SREGS, &k->sregs, "KVM_GET_SREGS") &&
              kvm_x86_ioctl(v, KVM_GET_FPU, &k->fpu, "KVM_GET_FPU") &&
              kvm_x86_ioctl(v, KVM_GET_DEBUGREGS, &k->dbg, "KVM_GET_DEBUGREGS") &&
              kvm_x86_msrs_io(v, k->msr, false, true);
    if (!ok) return false;
    kvm_x86_to_cpu(v->kvm, k, cpu);
    k->tsc_offset = cpu->tsc_offset;
    kvm_x86_from_cpu(v->kvm, cpu, k, &v->synced_as);
    v->synced = true;
    return true;
}

#define KVM_X86_CHANGED(field)                                                                     \
    (!v->synced || memcmp(&now.field, &v->synced_as.field, sizeof now.field))

bool kvm_x86_put_state(KvmVcpu *v)
{
    X86CPU *cpu = x86_cpu(v->cpu);
    KvmX86State now;
    kvm_x86_from_cpu(v->kvm, cpu, &v->got, &now);
    bool ok = true;
    if (KVM_X86_CHANGED(sregs)) ok &= kvm_x86_ioctl(v, KVM_SET_SREGS, &now.sregs, "KVM_SET_SREGS");
    if (KVM_X86_CHANGED(regs)) ok &= kvm_x86_ioctl(v, KVM_SET_REGS, &now.regs, "KVM_SET_REGS");
    if (KVM_X86_CHANGED(fpu)) ok &= kvm_x86_ioctl(v, KVM_SET_FPU, &now.fpu, "KVM_SET_FPU");
    if (KVM_X86_CHANGED(dbg))
        ok &= kvm_x86_ioctl(v, KVM_SET_DEBUGREGS, &now.dbg, "KVM_SET_DEBUGREGS");
    bool tsc = !v->synced || now.tsc_offset != v->synced_as.tsc_offset;
    if (tsc) now.msr[kvm_x86_tsc_slot(v->kvm)] = x86_rdtsc(cpu);
    if (tsc || KVM_X86_CHANGED(msr)) ok &= kvm_x86_msrs_io(v, now.msr, true, tsc);
    if (!ok) return false;
    v->got = now;
    v->synced_as = now;
    v->synced = true;
    return true;
}
