/*
 * Debugging a guest under -accel kvm (core/cpu_debug.h): breakpoints and
 * watchpoints go to the debug registers through KVM_SET_GUEST_DEBUG with
 * KVM_GUESTDBG_USE_HW_BP (Linux api.rst "KVM_SET_GUEST_DEBUG"), single
 * step through KVM_GUESTDBG_SINGLESTEP, and KVM_EXIT_DEBUG comes back as
 * EXCP_DEBUG with the stop reason read from DR6 (SDM Vol 3 §18.2.3).
 * Guest memory is never patched.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "backends/kvm/kvm_internal.h"
#include "core/cpu_debug.h"
#include "core/cpu_loop.h"
#include "core/log.h"

/* DR7 fields of slot i (SDM Vol 3 §18.2.4): local enable, R/W, LEN. */
#define DR7_L(i)          (1ull << (2 * (i)))
#define DR7_RW_SHIFT(i)   (16 + 4 * (i))
#define DR7_LEN_SHIFT(i)  (18 + 4 * (i))
#define DR7_RW_EXEC       0ull
#define DR7_RW_WRITE      1ull
#define DR7_RW_READ_WRITE 3ull /* x86 has no read-only data breakpoint */

static uint64_t dr7_len(uint64_t len)
{
    switch (len) {
    case 2: return 1;
    case 8: return 2;
    case 4: return 3;
    default: return 0;
    }
}

static bool kvm_debug_set(KvmVcpu *v, const struct kvm_guest_debug *dbg)
{
    if (ioctl(v->fd, KVM_SET_GUEST_DEBUG, dbg) == 0) return true;
    fprintf(stderr, "doppel: kvm: KVM_SET_GUEST_DEBUG: %s\n", strerror(errno));
    return false;
}

bool kvm_debug_update(KvmVcpu *v)
{
    CPUState *cpu = v->cpu;
    CpuDebugHw hw;
    bool want = cpu_debug_hw(cpu, &hw);
    if (!want) {
        v->debug_step_off = false;
        if (!v->debug_on) return true;
        v->debug_on = false;
        return kvm_debug_set(v, &(struct kvm_guest_debug){0});
    }
    struct kvm_guest_debug dbg = {.control = KVM_GUESTDBG_ENABLE};
    /* Resumed at a breakpoint: run that one instruction with the
     * breakpoints off, stepping, then program them (kvm_debug_exit). */
    uint64_t pc = cpu_debug_pc(cpu);
    v->debug_step_off = hw.resume_pc == pc && cpu_breakpoint_at(cpu, pc);
    cpu_debug_hw_resumed(cpu);
    if (hw.single_step || v->debug_step_off) dbg.control |= KVM_GUESTDBG_SINGLESTEP;
    if (!v->debug_step_off && hw.n) {
        dbg.control |= KVM_GUESTDBG_USE_HW_BP;
        uint64_t dr7 = 0;
        for (unsigned i = 0; i < hw.n; i++) {
            const CpuDebugHwSlot *s = &hw.slot[i];
            uint64_t rw = s->watch == 0             ? DR7_RW_EXEC
                          : s->watch == WATCH_WRITE ? DR7_RW_WRITE
                                                    : DR7_RW_READ_WRITE;
            dbg.arch.debugreg[i] = s->addr;
            dr7 |= DR7_L(i) | rw << DR7_RW_SHIFT(i) |
                   (s->watch ? dr7_len(s->len) : 0) << DR7_LEN_SHIFT(i);
        }
        dbg.arch.debugreg[7] = dr7;
    }
    v->debug_on = true;
    return kvm_debug_set(v, &dbg);
}

int kvm_debug_exit(KvmVcpu *v)
{
    CPUState *cpu = v->cpu;
    const struct kvm_debug_exit_arch *a = &v->run->debug.arch;
    CpuDebugHw hw;
    cpu_debug_hw(cpu, &hw);
    LOG_MASK(LOG_INT, "kvm: debug exit exception %u pc 0x%llx dr6 0x%llx\n", a->exception,
             (unsigned long long)a->pc, (unsigned long long)a->dr6);
    if (v->debug_step_off) {
        /* Off the breakpoint: now with every breakpoint in force. */
        v->debug_step_off = false;
        if (!hw.single_step) return kvm_debug_update(v) ? KVM_DEBUG_CONTINUE : EXCP_DEBUG;
    }
    for (unsigned i = 0; i < hw.n; i++) {
        if (!(a->dr6 & (1ull << i))) continue;
        const CpuDebugHwSlot *s = &hw.slot[i];
        CpuDebugStop stop = {.kind = DEBUG_STOP_BREAKPOINT, .addr = s->addr};
        if (s->watch)
            stop = (CpuDebugStop){.kind = DEBUG_STOP_WATCHPOINT,
                                  .addr = s->addr,
                                  .watch = (WatchKind)s->watch,
                                  .watch_addr = s->wp_addr};
        cpu_debug_set_stop(cpu, &stop);
        return EXCP_DEBUG;
    }
    /* Single step (DR6.BS), or a debug exception we cannot attribute. */
    cpu_debug_set_stop(cpu, &(CpuDebugStop){.kind = DEBUG_STOP_STEP, .addr = a->pc});
    return EXCP_DEBUG;
}

bool kvm_debug_probe(CPUState *cpu, char *why, size_t len)
{
    KvmVcpu *v = kvm_vcpu_of(cpu);
    if (!v) {
        snprintf(why, len, "no KVM vCPU");
        return false;
    }
    struct kvm_guest_debug dbg = {.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP};
    if (ioctl(v->fd, KVM_SET_GUEST_DEBUG, &dbg) != 0) {
        snprintf(why, len, "KVM_SET_GUEST_DEBUG: %s", strerror(errno));
        return false;
    }
    struct kvm_guest_debug off = {0};
    ioctl(v->fd, KVM_SET_GUEST_DEBUG, &off);
    v->debug_on = false;
    return true;
}
