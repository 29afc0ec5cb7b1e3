/*
 * The S/370 and ESA/390 cpu's state description for snapshots
 * (s370_vmstate.c), named in s370_arch_ops.
 */
#ifndef DOPPEL_S370_VMSTATE_H
#define DOPPEL_S370_VMSTATE_H

#include "core/device.h"

#define S370_VMSTATE_VERSION 1
extern const VMStateField s370_vmstate_fields[];

#endif
