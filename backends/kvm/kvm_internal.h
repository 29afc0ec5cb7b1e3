/*
 * Shared between the KVM accelerator's files only: the VM (memory slots,
 * vCPUs) and the x86 state transfer (kvm_x86.c).
 */
#ifndef DOPPEL_KVM_INTERNAL_H
#define DOPPEL_KVM_INTERNAL_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "backends/kvm/kvm.h"
#include "core/machine.h"

/* Memory slots we ever use at once: every RAM and ROM section of the
 * flat view (a PC has a few dozen with its shadowed BIOS areas). */
#define KVM_MAX_SLOTS 256

/* MSRs moved between X86CPU and the vCPU (kvm_x86.c's table, filtered by
 * what KVM_GET_MSR_INDEX_LIST offers). */
#define KVM_X86_MAX_MSRS 40

typedef struct KvmSlot {
    uint64_t gpa, size;
    uint8_t *hva;
    uint32_t flags; /* KVM_MEM_READONLY */
    bool used;
} KvmSlot;

/* The vCPU state in KVM's layout: what KVM_GET_* returned, or what
 * X86CPU converts to. */
typedef struct KvmX86State {
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    struct kvm_fpu fpu;
    struct kvm_debugregs dbg;
    uint64_t msr[KVM_X86_MAX_MSRS]; /* in the order of KvmState.msr_index */
    uint64_t tsc_offset;            /* X86CPU.tsc_offset matching the vCPU's TSC */
} KvmX86State;

typedef struct KvmState KvmState;

typedef struct KvmVcpu {
    KvmState *kvm;
    CPUState *cpu;
    int fd;
    struct kvm_run *run;
    timer_t kick_timer; /* one-shot: ends KVM_RUN at the next deadline */
    bool has_kick_timer;
    /* got: the vCPU as last read or written; synced_as: X86CPU converted
     * right after that, so a difference between it and X86CPU now means
     * doppel changed the state (reset, loader, debugger) and must push it.
     * Nothing is known before the first push (synced false). */
    KvmX86State got, synced_as;
    bool synced;
    bool complete_io;   /* the last exit was I/O or MMIO: finish it before reading state */
    bool reset_pending; /* triple fault without a board reset hook: reset after the sync */
    /* Guest debugging (kvm_debug.c): KVM_SET_GUEST_DEBUG is in force;
     * stepping off the breakpoint the cpu was resumed at. */
    bool debug_on, debug_step_off;
} KvmVcpu;

struct KvmState {
    Machine *m;
    int fd;    /* /dev/kvm */
    int vm_fd; /* KVM_CREATE_VM */
    size_t run_size;
    bool cpu_host; /* -cpu host: KVM_GET_SUPPORTED_CPUID */
    KvmSlot slots[KVM_MAX_SLOTS];
    bool listening; /* memory listener installed on m->as */
    uint32_t msr_index[KVM_X86_MAX_MSRS];
    unsigned nmsrs;
    KvmVcpu *vcpus[MACHINE_MAX_CPUS];
};

/* kvm_mem.c: make the memory slots match m->as's flat view; false (with a
 * printed line) if KVM refused one. */
bool kvm_mem_sync(KvmState *s);
/* The listener kvm_setup installs on m->as. */
void kvm_mem_changed(void *opaque, struct AddressSpace *as);

/* kvm_x86.c */
/* The MSRs of the transfer table KVM supports (KvmState.msr_index);
 * false with one line in err. */
bool kvm_x86_init(KvmState *s, char *err, size_t errlen);
/* CPUID for a new vCPU: doppel's model, or the host's with -cpu host. */
bool kvm_x86_init_vcpu(KvmVcpu *v, char *err, size_t errlen);
/* vCPU -> X86CPU. */
bool kvm_x86_get_state(KvmVcpu *v);
/* X86CPU -> vCPU, the parts doppel changed since the last sync. */
bool kvm_x86_put_state(KvmVcpu *v);

/* kvm_debug.c: the debugger's breakpoints, watchpoints and single step
 * (core/cpu_debug.h) as KVM guest debugging.  kvm_debug_update programs
 * them before KVM_RUN (false if KVM refused: the reason is printed once);
 * kvm_debug_exit handles KVM_EXIT_DEBUG: KVM_DEBUG_CONTINUE, or
 * EXCP_DEBUG with the stop reason recorded. */
enum { KVM_DEBUG_CONTINUE = -1 };
bool kvm_debug_update(KvmVcpu *v);
int kvm_debug_exit(KvmVcpu *v);
/* Whether KVM accepts guest debugging for cpu (tests skip without it);
 * false with the reason in why. */
bool kvm_debug_probe(CPUState *cpu, char *why, size_t len);
/* kvm.c: the vCPU of cpu, or NULL without kvm_setup. */
KvmVcpu *kvm_vcpu_of(CPUState *cpu);

#endif
