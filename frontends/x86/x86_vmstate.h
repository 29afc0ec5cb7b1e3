/*
 * The x86 cpu's state description for snapshots (x86_vmstate.c), named in
 * x86_arch_ops.
 */
#ifndef DOPPEL_X86_VMSTATE_H
#define DOPPEL_X86_VMSTATE_H

#include "core/cpu.h"
#include "core/device.h"

#define X86_VMSTATE_VERSION 1
extern const VMStateField x86_vmstate_fields[];
void x86_vmstate_post_load(CPUState *cpu);

#endif
