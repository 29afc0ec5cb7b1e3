/*
 * The KVM accelerator (-accel kvm): x86 guests run on the host's
 * /dev/kvm instead of the interpreter and the JIT.  The cpu loop calls
 * kvm_cpu_exec in place of the TB loop; devices stay in userspace (no
 * in-kernel irqchip): port and MMIO exits go through the cpu's I/O space
 * and its physical address space, interrupts come from the board's
 * interrupt controller through CPUState.interrupt_request and
 * X86CPU.intr_ack.
 *
 * State: between runs the X86CPU struct mirrors the vCPU (synchronised
 * after every kvm_cpu_exec), so info registers, -d cpu, the monitor and
 * the gdbstub read it as usual; whatever changes it (reset, loaders, the
 * debugger) is pushed to KVM before the next KVM_RUN.
 */
#ifndef DOPPEL_KVM_H
#define DOPPEL_KVM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/cpu.h"

struct Machine;

/* Open /dev/kvm, create the VM, its memory slots and one vCPU per cpu of
 * m (after the board's init).  False with one line in err ("/dev/kvm:
 * ..."); the caller prefixes "-accel kvm: ". */
bool kvm_setup(struct Machine *m, char *err, size_t errlen);
/* Close the VM (no-op without kvm_setup). */
void kvm_teardown(struct Machine *m);
/* Whether kvm_setup has run for m. */
bool kvm_enabled(struct Machine *m);
/* Run cpu until it halts, the event loop needs it back (a timer deadline,
 * at most KVM_MAX_SLICE_NS), exit_request is set or the machine quits.
 * Returns EXCP_HALTED or EXCP_INTERRUPT, with the X86CPU state synced. */
int kvm_cpu_exec(CPUState *cpu);

/* Longest time KVM_RUN runs before the event loop gets the host back. */
#define KVM_MAX_SLICE_NS 4000000

#endif
