/*
 * Segments and descriptors (SDM Vol 3 §3.4, §5): descriptor-cache check
 * ranges, segment register loads with their protection checks, and the
 * far transfers JMP, CALL, RET and IRET through code segments, call
 * gates, task gates and TSS descriptors (SDM Vol 2 "Operation" of each).
 */
#include "core/log.h"
#include "frontends/x86/x86_sysrt.h"

/* ---- descriptor caches ---- */

void x86_seg_compute_checks(X86Segment *s, bool protected_rules)
{
    const uint16_t a = s->attr;
    s->read_lo = s->write_lo = 0;
    s->read_hi = s->write_hi = s->limit;
    if (!protected_rules) return; /* real mode and vm86: every access to the limit */
    if (!(a & X86_SEGA_P) || !(a & X86_SEGA_S)) { /* unusable (null) or system */
        s->read_lo = s->write_lo = 1;
        s->read_hi = s->write_hi = 0;
        return;
    }
    if (a & X86_SEGA_CODE) {
        /* Code: never writable; readable only with the R bit (§5.4). */
        s->write_lo = 1;
        s->write_hi = 0;
        if (!(a & X86_SEGA_WRITABLE)) {
            s->read_lo = 1;
            s->read_hi = 0;
        }
        return;
    }
    if (a & X86_SEGA_EXPAND_DOWN) {
        /* Expand-down: offsets above the limit up to 64 KiB or 4 GiB
         * by the B flag (§5.3). */
        uint32_t upper = (a & X86_SEGA_DB) ? UINT32_MAX : 0xffff;
        if (s->limit >= upper) {
            s->read_lo = s->write_lo = 1;
            s->read_hi = s->write_hi = 0;
        } else {
            s->read_lo = s->write_lo = s->limit + 1;
            s->read_hi = s->write_hi = upper;
        }
    }
    if (!(a & X86_SEGA_WRITABLE)) {
        s->write_lo = 1;
        s->write_hi = 0;
    }
}

void x86_segment_update_checks(X86CPU *cpu, X86Segment *s, int seg)
{
    (void)seg;
    x86_seg_compute_checks(s, x86_protected(cpu));
}

void x86_seg_from_desc(X86Segment *s, uint16_t selector, uint64_t desc)
{
    s->selector = selector;
    s->base = x86_desc_base(desc);
    s->limit = x86_desc_limit(desc);
    s->attr = x86_desc_attr(desc);
    x86_seg_compute_checks(s, true);
}

void x86_seg_vm86(X86Segment *s, uint16_t selector, unsigned dpl)
{
    s->selector = selector;
    s->base = (uint32_t)selector << 4;
    s->limit = 0xffff;
    s->attr = (uint16_t)(X86_SEGA_P | X86_SEGA_S | X86_SEGA_WRITABLE | X86_SEGA_ACCESSED |
                         dpl << X86_SEGA_DPL_SHIFT);
    x86_seg_compute_checks(s, false);
}

void x86_seg_real(X86Segment *s, uint16_t selector)
{
    s->selector = selector;
    s->base = (uint32_t)selector << 4;
    /* A cache left unusable by a null selector in protected mode becomes
     * a 64 KiB data segment again. */
    if (!(s->attr & X86_SEGA_P)) {
        s->limit = 0xffff;
        s->attr = X86_SEGA_P | X86_SEGA_S | X86_SEGA_WRITABLE | X86_SEGA_ACCESSED;
    }
}

void x86_seg_null(X86Segment *s, uint16_t selector)
{
    s->selector = selector;
    s->base = 0;
    s->limit = 0;
    s->attr = 0;
    x86_seg_compute_checks(s, true);
}

void x86_seg_set(X86CPU *cpu, int seg, const X86Segment *s)
{
    uint32_t eip = seg == X86_SEG_CS ? x86_get_eip(cpu) : 0;
    cpu->segs[seg] = *s;
    x86_update_hflags(cpu);
    if (seg == X86_SEG_CS) x86_set_eip(cpu, eip);
}

uint32_t x86_desc_addr(const X86CPU *cpu, uint16_t selector)
{
    const uint64_t base = (selector & 4) ? cpu->ldtr.base : cpu->gdtr.base;
    return (uint32_t)(base + (selector & ~7u));
}

bool x86_read_descriptor(X86CPU *cpu, uint16_t selector, uint64_t *desc)
{
    uint32_t limit;
    if (selector & 4) {
        if (!(cpu->ldtr.attr & X86_SEGA_P)) return false; /* no LDT loaded */
        limit = cpu->ldtr.limit;
    } else {
        limit = cpu->gdtr.limit;
    }
    if ((uint32_t)(selector & ~7u) + 7 > limit) return false;
    *desc = x86_load_linear64(cpu, x86_desc_addr(cpu, selector), X86_MMU_KERNEL);
    return true;
}

/* SDM Vol 3 §3.4.5.1: the processor sets the accessed bit when it loads
 * a segment register with the descriptor. */
void x86_desc_set_accessed(X86CPU *cpu, uint16_t selector, uint64_t desc)
{
    const uint8_t access = (uint8_t)(desc >> 40);
    if (!(access & X86_SEGA_S) || (access & X86_SEGA_ACCESSED)) return;
    x86_store_linear(cpu, x86_desc_addr(cpu, selector) + 5, access | X86_SEGA_ACCESSED, 1,
                     X86_MMU_KERNEL);
}

/* Read selector's descriptor or raise vector(selector). */
static uint64_t x86_fetch_descriptor(X86CPU *cpu, uint16_t selector, int vector, bool ext)
{
    uint64_t desc;
    if (!x86_read_descriptor(cpu, selector, &desc))
        x86_raise_exception_err(cpu, vector, x86_sel_error(selector, ext));
    return desc;
}

/* ---- MOV/POP Sreg, LDS... (SDM Vol 2 MOV "Operation", Vol 3 §5.4-5.5) ---- */

void x86_load_segment(X86CPU *cpu, int seg, uint16_t selector)
{
    X86Segment s;
    if (!x86_protected(cpu)) {
        if (cpu->eflags & X86_VM) {
            x86_seg_vm86(&s, selector, 3);
        } else {
            /* Real mode: only selector and base change; the cached limit
             * and attributes stay (what "unreal mode" relies on). */
            s = cpu->segs[seg];
            x86_seg_real(&s, selector);
        }
        x86_seg_set(cpu, seg, &s);
        return;
    }
    const unsigned cpl = x86_cpl(cpu), rpl = selector & 3u;
    const uint32_t err = x86_sel_error(selector, false);
    if (seg == X86_SEG_CS) x86_raise_exception(cpu, X86_EXCP_UD); /* MOV CS is invalid */
    if ((selector & ~3u) == 0) {
        if (seg == X86_SEG_SS) x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
        x86_seg_null(&s, selector);
        x86_seg_set(cpu, seg, &s);
        return;
    }
    uint64_t desc = x86_fetch_descriptor(cpu, selector, X86_EXCP_GP, false);
    uint16_t a = x86_desc_attr(desc);
    unsigned dpl = x86_attr_dpl(a);
    if (seg == X86_SEG_SS) {
        if (rpl != cpl || !(a & X86_SEGA_S) || (a & X86_SEGA_CODE) || !(a & X86_SEGA_WRITABLE) ||
            dpl != cpl)
            x86_raise_exception_err(cpu, X86_EXCP_GP, err);
        if (!(a & X86_SEGA_P)) x86_raise_exception_err(cpu, X86_EXCP_SS, err);
    } else {
        if (!(a & X86_SEGA_S) || ((a & X86_SEGA_CODE) && !(a & X86_SEGA_WRITABLE)))
            x86_raise_exception_err(cpu, X86_EXCP_GP, err);
        /* Data and nonconforming code: DPL >= max(CPL, RPL). */
        if (!x86_attr_is_conforming(a) && (dpl < cpl || dpl < rpl))
            x86_raise_exception_err(cpu, X86_EXCP_GP, err);
        if (!(a & X86_SEGA_P)) x86_raise_exception_err(cpu, X86_EXCP_NP, err);
    }
    x86_desc_set_accessed(cpu, selector, desc);
    x86_seg_from_desc(&s, selector, desc | X86_DESC_ACCESSED);
    x86_seg_set(cpu, seg, &s);
}

/* ---- privilege-level helpers shared with interrupts and tasks ---- */

void x86_tss_stack(X86CPU *cpu, unsigned dpl, bool ext, uint16_t *ss, uint32_t *esp)
{
    /* SDM Vol 3 §7.2.1 figure 7-2 and §7.6 figure 7-11: SS:ESP for
     * rings 0-2 at 4 + 8n (32-bit TSS), SS:SP at 2 + 4n (16-bit). */
    const bool tss32 = (cpu->tr.attr & 8) != 0;
    const unsigned size = tss32 ? 4 : 2;
    const uint32_t off = tss32 ? 4 + 8 * dpl : 2 + 4 * dpl;
    if (off + 2 * size - 1 > cpu->tr.limit)
        x86_raise_exception_err(cpu, X86_EXCP_TS, x86_sel_error(cpu->tr.selector, ext));
    const uint32_t base = (uint32_t)cpu->tr.base;
    *esp = x86_load_linear(cpu, base + off, size, X86_MMU_KERNEL);
    *ss = (uint16_t)x86_load_linear(cpu, base + off + size, 2, X86_MMU_KERNEL);
}

void x86_check_inner_ss(X86CPU *cpu, uint16_t ss, unsigned dpl, bool ext, X86Segment *out)
{
    /* SDM Vol 2 INT n / CALL "Operation": the new stack segment. */
    if ((ss & ~3u) == 0) x86_raise_exception_err(cpu, X86_EXCP_TS, ext ? 1 : 0);
    const uint32_t err = x86_sel_error(ss, ext);
    uint64_t desc = x86_fetch_descriptor(cpu, ss, X86_EXCP_TS, ext);
    uint16_t a = x86_desc_attr(desc);
    if ((ss & 3u) != dpl || x86_attr_dpl(a) != dpl || !(a & X86_SEGA_S) || (a & X86_SEGA_CODE) ||
        !(a & X86_SEGA_WRITABLE))
        x86_raise_exception_err(cpu, X86_EXCP_TS, err);
    if (!(a & X86_SEGA_P)) x86_raise_exception_err(cpu, X86_EXCP_SS, err);
    x86_desc_set_accessed(cpu, ss, desc);
    x86_seg_from_desc(out, ss, desc | X86_DESC_ACCESSED);
}

void x86_null_outer_data_segments(X86CPU *cpu)
{
    static const int segs[] = {X86_SEG_ES, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS};
    const unsigned cpl = x86_cpl(cpu);
    for (unsigned i = 0; i < 4; i++) {
        X86Segment *s = &cpu->segs[segs[i]];
        if (!(s->attr & X86_SEGA_P)) continue;
        if (!x86_attr_is_conforming(s->attr) && x86_attr_dpl(s->attr) < cpl) {
            X86Segment n;
            x86_seg_null(&n, 0);
            x86_seg_set(cpu, segs[i], &n);
        }
    }
}

void x86_check_eip(X86CPU *cpu, const X86Segment *cs, uint32_t eip)
{
    if (eip > cs->limit) x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
}

/* Load CS from a checked descriptor with RPL = cpl and jump to eip. */
static void x86_enter_code(X86CPU *cpu, uint16_t selector, uint64_t desc, unsigned cpl,
                           uint32_t eip)
{
    X86Segment cs;
    x86_seg_from_desc(&cs, (uint16_t)((selector & ~3u) | cpl), desc | X86_DESC_ACCESSED);
    x86_check_eip(cpu, &cs, eip);
    x86_desc_set_accessed(cpu, selector, desc);
    cpu->segs[X86_SEG_CS] = cs;
    x86_update_hflags(cpu);
    x86_set_eip(cpu, eip);
}

/* Real mode and vm86: CS = selector, base selector << 4. */
static void x86_real_jump(X86CPU *cpu, uint16_t selector, uint32_t eip)
{
    X86Segment cs = cpu->segs[X86_SEG_CS];
    if (cpu->eflags & X86_VM) {
        x86_seg_vm86(&cs, selector, 3);
    } else {
        x86_seg_real(&cs, selector);
    }
    cpu->segs[X86_SEG_CS] = cs;
    x86_update_hflags(cpu);
    x86_set_eip(cpu, eip);
}

/* The descriptor a far transfer names (the CS of JMP, CALL and RET, the
 * SS of a return to an outer level): a null selector is #GP(0). */
static uint64_t x86_fetch_far_descriptor(X86CPU *cpu, uint16_t selector)
{
    if ((selector & ~3u) == 0) x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    return x86_fetch_descriptor(cpu, selector, X86_EXCP_GP, false);
}

/* A code-segment target of JMP/CALL (direct or through a gate): the
 * checks of SDM Vol 2 JMP/CALL "Operation" for code segments; returns
 * the descriptor.  gate: through a call gate (DPL <= CPL allowed for
 * nonconforming code with CALL). */
static uint64_t x86_check_code_target(X86CPU *cpu, uint16_t selector, bool through_gate,
                                      bool is_call)
{
    const unsigned cpl = x86_cpl(cpu), rpl = selector & 3u;
    const uint32_t err = x86_sel_error(selector, false);
    uint64_t desc = x86_fetch_far_descriptor(cpu, selector);
    uint16_t a = x86_desc_attr(desc);
    unsigned dpl = x86_attr_dpl(a);
    if (!x86_attr_is_code(a)) x86_raise_exception_err(cpu, X86_EXCP_GP, err);
    if (x86_attr_is_conforming(a)) {
        if (dpl > cpl) x86_raise_exception_err(cpu, X86_EXCP_GP, err);
    } else if (through_gate) {
        if (is_call ? dpl > cpl : dpl != cpl) x86_raise_exception_err(cpu, X86_EXCP_GP, err);
    } else if (rpl > cpl || dpl != cpl) {
        x86_raise_exception_err(cpu, X86_EXCP_GP, err);
    }
    if (!(a & X86_SEGA_P)) x86_raise_exception_err(cpu, X86_EXCP_NP, err);
    return desc;
}

/* A gate or TSS reached by JMP/CALL: DPL >= max(CPL, RPL), present. */
static void x86_check_system_target(X86CPU *cpu, uint16_t selector, uint16_t attr)
{
    const uint32_t err = x86_sel_error(selector, false);
    unsigned dpl = x86_attr_dpl(attr);
    if (dpl < x86_cpl(cpu) || dpl < (selector & 3u)) x86_raise_exception_err(cpu, X86_EXCP_GP, err);
    if (!(attr & X86_SEGA_P)) x86_raise_exception_err(cpu, X86_EXCP_NP, err);
}

/* ---- JMP and CALL far: the target (SDM Vol 2 JMP, CALL "Operation") ---- */

/* Where a protected-mode JMP or CALL far goes: a code segment, reached
 * directly or through a call gate. */
typedef struct X86FarTarget {
    uint16_t selector;  /* the code segment */
    uint64_t desc;      /* its descriptor, checked */
    uint32_t eip;       /* the offset, or the gate's (16 bits for a 16-bit gate) */
    uint64_t gate;      /* the call gate's descriptor */
    unsigned gate_size; /* 2 or 4 through a call gate, 0 directly */
} X86FarTarget;

/* The code segment a protected-mode JMP (kind X86_TASK_JMP) or CALL
 * (X86_TASK_CALL) far to selector:offset reaches.  A task gate or an
 * available TSS switches tasks instead (returns false); any other system
 * descriptor is #GP. */
static bool x86_far_target(X86CPU *cpu, uint16_t selector, uint32_t offset, int kind,
                           uint32_t next_eip, X86FarTarget *t)
{
    const bool is_call = kind == X86_TASK_CALL;
    uint64_t desc = x86_fetch_far_descriptor(cpu, selector);
    uint16_t a = x86_desc_attr(desc);
    if (a & X86_SEGA_S) {
        *t = (X86FarTarget){selector, x86_check_code_target(cpu, selector, false, is_call), offset,
                            0, 0};
        return true;
    }
    switch (a & X86_SEGA_TYPE) {
    case X86_SYS_CALL16:
    case X86_SYS_CALL32:
        x86_check_system_target(cpu, selector, a);
        t->selector = x86_gate_selector(desc);
        t->gate = desc;
        t->gate_size = (a & 8) ? 4 : 2;
        t->eip = x86_gate_offset(desc);
        if (t->gate_size == 2) t->eip &= 0xffff;
        t->desc = x86_check_code_target(cpu, t->selector, true, is_call);
        return true;
    case X86_SYS_TASK:
        x86_check_system_target(cpu, selector, a);
        x86_task_switch_to(cpu, x86_gate_selector(desc), kind, false, next_eip);
        return false;
    case X86_SYS_TSS16_AVAIL:
    case X86_SYS_TSS32_AVAIL:
        x86_check_system_target(cpu, selector, a);
        x86_task_switch_to(cpu, selector, kind, false, next_eip);
        return false;
    default: x86_raise_exception_err(cpu, X86_EXCP_GP, x86_sel_error(selector, false));
    }
}

void x86_far_jump(X86CPU *cpu, uint16_t selector, uint32_t offset, uint32_t next_eip)
{
    if (!x86_protected(cpu)) {
        x86_real_jump(cpu, selector, offset);
        return;
    }
    X86FarTarget t;
    if (x86_far_target(cpu, selector, offset, X86_TASK_JMP, next_eip, &t))
        x86_enter_code(cpu, t.selector, t.desc, x86_cpl(cpu), t.eip);
}

/* ---- CALL far (SDM Vol 2 CALL, Vol 3 §5.8.5) ---- */

/* CALL through a call gate to a more privileged nonconforming segment:
 * the inner stack from the TSS, then SS, ESP, the parameters copied from
 * the caller's stack, CS and EIP pushed in the gate's size. */
static void x86_call_gate_inner(X86CPU *cpu, uint64_t gate, uint16_t target, uint64_t cdesc,
                                uint32_t eip, uint32_t next_eip)
{
    const unsigned dpl = x86_attr_dpl(x86_desc_attr(cdesc));
    const unsigned size = (x86_desc_attr(gate) & 8) ? 4 : 2;
    const unsigned nparams = (unsigned)(gate >> 32) & 0x1f;
    uint16_t ss_sel;
    uint32_t esp;
    x86_tss_stack(cpu, dpl, false, &ss_sel, &esp);
    X86Segment ss;
    x86_check_inner_ss(cpu, ss_sel, dpl, false, &ss);
    X86Stack old, st;
    x86_stack_current(cpu, &old);
    x86_stack_new(&st, &ss, esp, dpl, x86_sel_error(ss_sel, false));
    x86_stack_push(cpu, &st, cpu->segs[X86_SEG_SS].selector, size);
    x86_stack_push(cpu, &st, (uint32_t)cpu->regs[X86_ESP], size);
    for (unsigned i = nparams; i-- > 0;)
        x86_stack_push(cpu, &st, x86_stack_peek(cpu, &old, i * size, size), size);
    x86_stack_push(cpu, &st, cpu->segs[X86_SEG_CS].selector, size);
    x86_stack_push(cpu, &st, next_eip, size);
    X86Segment cs;
    x86_seg_from_desc(&cs, (uint16_t)((target & ~3u) | dpl), cdesc | X86_DESC_ACCESSED);
    x86_check_eip(cpu, &cs, eip);
    x86_desc_set_accessed(cpu, target, cdesc);
    cpu->segs[X86_SEG_CS] = cs;
    x86_stack_commit(cpu, &st, true); /* SS.DPL = the new CPL */
    x86_set_eip(cpu, eip);
}

/* Push the return address on the current stack, then enter the code. */
static void x86_call_same_level(X86CPU *cpu, uint16_t target, uint64_t cdesc, uint32_t eip,
                                unsigned size, uint32_t next_eip)
{
    X86Stack st;
    x86_stack_current(cpu, &st);
    x86_stack_push(cpu, &st, cpu->segs[X86_SEG_CS].selector, size);
    x86_stack_push(cpu, &st, next_eip, size);
    X86Segment cs;
    x86_seg_from_desc(&cs, (uint16_t)((target & ~3u) | x86_cpl(cpu)), cdesc | X86_DESC_ACCESSED);
    x86_check_eip(cpu, &cs, eip);
    x86_stack_commit(cpu, &st, false);
    x86_enter_code(cpu, target, cdesc, x86_cpl(cpu), eip);
}

void x86_far_call(X86CPU *cpu, uint16_t selector, uint32_t offset, unsigned opsize,
                  uint32_t next_eip)
{
    if (!x86_protected(cpu)) {
        X86Stack st;
        x86_stack_current(cpu, &st);
        x86_stack_push(cpu, &st, cpu->segs[X86_SEG_CS].selector, opsize);
        x86_stack_push(cpu, &st, next_eip, opsize);
        x86_stack_commit(cpu, &st, false);
        x86_real_jump(cpu, selector, offset);
        return;
    }
    X86FarTarget t;
    if (!x86_far_target(cpu, selector, offset, X86_TASK_CALL, next_eip, &t)) return;
    uint16_t ca = x86_desc_attr(t.desc);
    if (t.gate_size && !x86_attr_is_conforming(ca) && x86_attr_dpl(ca) < x86_cpl(cpu))
        x86_call_gate_inner(cpu, t.gate, t.selector, t.desc, t.eip, next_eip);
    else
        x86_call_same_level(cpu, t.selector, t.desc, t.eip, t.gate_size ? t.gate_size : opsize,
                            next_eip);
}

/* ---- RET far and IRET to protected mode ---- */

/* The CS of a return (SDM Vol 2 RET "Operation", protected mode). */
static uint64_t x86_check_return_cs(X86CPU *cpu, uint16_t selector)
{
    const unsigned cpl = x86_cpl(cpu), rpl = selector & 3u;
    const uint32_t err = x86_sel_error(selector, false);
    uint64_t desc = x86_fetch_far_descriptor(cpu, selector);
    uint16_t a = x86_desc_attr(desc);
    unsigned dpl = x86_attr_dpl(a);
    if (!x86_attr_is_code(a) || rpl < cpl) x86_raise_exception_err(cpu, X86_EXCP_GP, err);
    if (x86_attr_is_conforming(a) ? dpl > rpl : dpl != rpl)
        x86_raise_exception_err(cpu, X86_EXCP_GP, err);
    if (!(a & X86_SEGA_P)) x86_raise_exception_err(cpu, X86_EXCP_NP, err);
    return desc;
}

/* The outer SS of a return to privilege rpl. */
static void x86_check_return_ss(X86CPU *cpu, uint16_t ss, unsigned rpl, X86Segment *out)
{
    const uint32_t err = x86_sel_error(ss, false);
    uint64_t desc = x86_fetch_far_descriptor(cpu, ss);
    uint16_t a = x86_desc_attr(desc);
    if ((ss & 3u) != rpl || !(a & X86_SEGA_S) || (a & X86_SEGA_CODE) || !(a & X86_SEGA_WRITABLE) ||
        x86_attr_dpl(a) != rpl)
        x86_raise_exception_err(cpu, X86_EXCP_GP, err);
    if (!(a & X86_SEGA_P)) x86_raise_exception_err(cpu, X86_EXCP_SS, err);
    x86_desc_set_accessed(cpu, ss, desc);
    x86_seg_from_desc(out, ss, desc | X86_DESC_ACCESSED);
}

/* Return to cs_sel:eip with the stack st positioned after CS (and
 * EFLAGS for IRET); pops SS:ESP for an outer level.  flags_value/mask:
 * EFLAGS to set after CS is loaded (mask 0: none).  The CPL for the
 * EFLAGS rules is the one before the return (SDM Vol 2 IRET). */
static void x86_return_protected(X86CPU *cpu, X86Stack *st, uint16_t cs_sel, uint32_t eip,
                                 unsigned size, uint16_t pop_bytes, uint32_t flags_value,
                                 uint32_t flags_mask)
{
    uint64_t cdesc = x86_check_return_cs(cpu, cs_sel);
    const unsigned rpl = cs_sel & 3u;
    X86Segment cs;
    x86_seg_from_desc(&cs, cs_sel, cdesc | X86_DESC_ACCESSED);
    if (rpl == x86_cpl(cpu)) {
        x86_check_eip(cpu, &cs, eip);
        st->sp = (st->sp & ~st->mask) | ((st->sp + pop_bytes) & st->mask);
        x86_desc_set_accessed(cpu, cs_sel, cdesc);
        x86_stack_commit(cpu, st, false);
        cpu->segs[X86_SEG_CS] = cs;
        if (flags_mask) x86_set_eflags(cpu, flags_value, flags_mask);
        x86_update_hflags(cpu);
        x86_set_eip(cpu, eip);
        return;
    }
    /* Outer level: SS:ESP follow the parameters (SDM Vol 3 §5.8.6). */
    st->sp = (st->sp & ~st->mask) | ((st->sp + pop_bytes) & st->mask);
    uint32_t new_esp = x86_stack_pop(cpu, st, size);
    uint16_t new_ss = (uint16_t)x86_stack_pop(cpu, st, size);
    X86Segment ss;
    x86_check_return_ss(cpu, new_ss, rpl, &ss);
    x86_check_eip(cpu, &cs, eip);
    x86_desc_set_accessed(cpu, cs_sel, cdesc);
    if (flags_mask) x86_set_eflags(cpu, flags_value, flags_mask);
    cpu->segs[X86_SEG_CS] = cs;
    X86Stack outer;
    x86_stack_new(&outer, &ss, new_esp, rpl, 0);
    outer.sp = (outer.sp & ~outer.mask) | ((outer.sp + pop_bytes) & outer.mask);
    if (!(ss.attr & X86_SEGA_DB))
        outer.sp = ((uint32_t)cpu->regs[X86_ESP] & ~0xffffu) | (outer.sp & 0xffff);
    x86_stack_commit(cpu, &outer, true);
    x86_set_eip(cpu, eip);
    x86_null_outer_data_segments(cpu);
}

void x86_far_return(X86CPU *cpu, unsigned opsize, uint16_t pop_bytes)
{
    X86Stack st;
    x86_stack_current(cpu, &st);
    uint32_t eip = x86_stack_pop(cpu, &st, opsize);
    uint16_t cs = (uint16_t)x86_stack_pop(cpu, &st, opsize);
    if (opsize == 2) eip &= 0xffff;
    if (!x86_protected(cpu)) {
        st.sp = (st.sp & ~st.mask) | ((st.sp + pop_bytes) & st.mask);
        x86_stack_commit(cpu, &st, false);
        x86_real_jump(cpu, cs, eip);
        return;
    }
    x86_return_protected(cpu, &st, cs, eip, opsize, pop_bytes, 0, 0);
}

/* ---- IRET (SDM Vol 2 IRET "Operation") ---- */

/* EFLAGS bits IRET/POPF may change at the current CPL and IOPL (the
 * caller restricts to 16 bits for a 16-bit operand size). */
static uint32_t x86_iret_flags_mask(const X86CPU *cpu)
{
    uint32_t mask = X86_ARITH_FLAGS | X86_TF | X86_DF | X86_NT | X86_RF | X86_AC | X86_ID;
    const unsigned cpl = x86_cpl(cpu);
    const unsigned iopl = (cpu->eflags & X86_IOPL) >> X86_IOPL_SHIFT;
    if (cpl <= iopl) mask |= X86_IF;
    if (cpl == 0) mask |= X86_IOPL | X86_VIF | X86_VIP;
    return mask;
}

/* IRET from ring 0 to virtual-8086 mode: EFLAGS.VM in the popped image
 * (SDM Vol 2 IRET "RETURN-TO-VIRTUAL-8086-MODE"). */
static void x86_iret_to_vm86(X86CPU *cpu, X86Stack *st, uint16_t cs_sel, uint32_t eip,
                             uint32_t eflags)
{
    uint32_t esp = x86_stack_pop(cpu, st, 4);
    uint16_t sels[5]; /* SS ES DS FS GS */
    for (int i = 0; i < 5; i++)
        sels[i] = (uint16_t)x86_stack_pop(cpu, st, 4);
    x86_set_eflags(cpu, eflags, X86_EFLAGS_WRITABLE);
    static const int order[5] = {X86_SEG_SS, X86_SEG_ES, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS};
    for (int i = 0; i < 5; i++)
        x86_seg_vm86(&cpu->segs[order[i]], sels[i], 3);
    x86_seg_vm86(&cpu->segs[X86_SEG_CS], cs_sel, 3);
    cpu->regs[X86_ESP] = esp;
    x86_update_hflags(cpu);
    x86_set_eip(cpu, eip & 0xffff);
}

/* IRET in vm86 mode (SDM Vol 2 IRET; Vol 3 §20.2.7 and §20.4 with VME). */
static void x86_iret_vm86(X86CPU *cpu, X86Stack *st, unsigned opsize)
{
    const unsigned iopl = (cpu->eflags & X86_IOPL) >> X86_IOPL_SHIFT;
    uint32_t eip = x86_stack_pop(cpu, st, opsize);
    uint16_t cs = (uint16_t)x86_stack_pop(cpu, st, opsize);
    uint32_t flags = x86_stack_pop(cpu, st, opsize);
    if (iopl == 3) {
        uint32_t mask =
            X86_ARITH_FLAGS | X86_TF | X86_IF | X86_DF | X86_NT | X86_RF | X86_AC | X86_ID;
        if (opsize == 2) mask &= 0xffff;
        x86_stack_commit(cpu, st, false);
        x86_set_eflags(cpu, flags, mask);
    } else if (opsize == 2 && (cpu->cr[4] & X86_CR4_VME)) {
        /* VME: IF is virtualised as VIF; a pending virtual interrupt or
         * TF in the image faults (SDM Vol 3 §20.4.2). */
        if ((flags & X86_TF) || ((flags & X86_IF) && (cpu->eflags & X86_VIP)))
            x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
        uint32_t mask = (X86_ARITH_FLAGS | X86_DF | X86_NT) & 0xffff;
        uint32_t v = (flags & ~X86_VIF) | ((flags & X86_IF) ? X86_VIF : 0);
        x86_stack_commit(cpu, st, false);
        x86_set_eflags(cpu, v, mask | X86_VIF);
    } else {
        x86_raise_exception_err(cpu, X86_EXCP_GP, 0);
    }
    x86_real_jump(cpu, cs, opsize == 2 ? eip & 0xffff : eip);
}

void x86_iret(X86CPU *cpu, unsigned opsize, uint32_t next_eip)
{
    X86Stack st;
    x86_stack_current(cpu, &st);
    if (!(cpu->cr[0] & X86_CR0_PE)) {
        /* Real mode: every flag but VM, VIF, VIP (32-bit) may change. */
        uint32_t eip = x86_stack_pop(cpu, &st, opsize);
        uint16_t cs = (uint16_t)x86_stack_pop(cpu, &st, opsize);
        uint32_t flags = x86_stack_pop(cpu, &st, opsize);
        uint32_t mask = X86_EFLAGS_WRITABLE & ~(X86_VM | X86_VIF | X86_VIP);
        if (opsize == 2) mask &= 0xffff;
        x86_stack_commit(cpu, &st, false);
        x86_set_eflags(cpu, flags, mask);
        x86_real_jump(cpu, cs, opsize == 2 ? eip & 0xffff : eip);
        return;
    }
    if (cpu->eflags & X86_VM) {
        x86_iret_vm86(cpu, &st, opsize);
        return;
    }
    if (cpu->eflags & X86_NT) {
        /* Return from a nested task: the back link (SDM Vol 3 §7.4). */
        uint16_t link = (uint16_t)x86_load_linear(cpu, (uint32_t)cpu->tr.base, 2, X86_MMU_KERNEL);
        x86_task_switch_to(cpu, link, X86_TASK_IRET, false, next_eip);
        return;
    }
    uint32_t eip = x86_stack_pop(cpu, &st, opsize);
    uint16_t cs = (uint16_t)x86_stack_pop(cpu, &st, opsize);
    uint32_t flags = x86_stack_pop(cpu, &st, opsize);
    if (opsize == 4 && (flags & X86_VM) && x86_cpl(cpu) == 0) {
        x86_iret_to_vm86(cpu, &st, cs, eip, flags);
        return;
    }
    uint32_t mask = x86_iret_flags_mask(cpu);
    if (opsize == 2) {
        mask &= 0xffff;
        eip &= 0xffff;
    }
    x86_return_protected(cpu, &st, cs, eip, opsize, 0, flags, mask);
}
