/*
 * The I/O permission check of IN, OUT, INS and OUTS (SDM Vol 1 §19.5
 * "Protection of I/O Address Space"), shared by the system and string
 * instruction groups.
 */
#ifndef DOPPEL_X86_IO_H
#define DOPPEL_X86_IO_H

#include <stdint.h>

#include "frontends/x86/x86.h"

/* From a MAY_RAISE helper, before the access: in protected mode with
 * CPL > IOPL, and in virtual-8086 mode, every bit of the TSS I/O
 * permission bitmap covering port..port+size-1 must be clear, else #GP(0)
 * (SDM Vol 1 §19.5.2).  Real mode and sufficient privilege pass. */
void x86_check_io(X86CPU *cpu, uint16_t port, unsigned size);

#endif
