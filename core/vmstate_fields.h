/*
 * VMState table entries for fields the typed macros of core/device.h do
 * not take: signed and atomic integers and enums of an element's width,
 * and byte images of small aggregates (x87 registers, XMM registers).
 * Each checks the field's size at compile time.
 */
#ifndef DOPPEL_VMSTATE_FIELDS_H
#define DOPPEL_VMSTATE_FIELDS_H

#include <stddef.h>

#include "core/device.h"

/* Offset of f in S, failing to compile unless f is width bytes wide. */
#define VMSTATE_SIZED_OFFSET(S, f, width)                                                          \
    (offsetof(S, f) + 0 * sizeof(char[sizeof(((S *)0)->f) == (width) ? 1 : -1]))

/* A signed, atomic or enum field of 4 bytes. */
#define VMSTATE_I32(S, f)                                                                          \
    {                                                                                              \
#f, VMSTATE_SIZED_OFFSET(S, f, 4), VMS_U32, 1                                              \
    }
/* A signed field of 8 bytes. */
#define VMSTATE_I64(S, f)                                                                          \
    {                                                                                              \
#f, VMSTATE_SIZED_OFFSET(S, f, 8), VMS_U64, 1                                              \
    }
/* Any field as its bytes (arrays of byte-image registers). */
#define VMSTATE_BYTES(S, f)                                                                        \
    {                                                                                              \
#f, offsetof(S, f), VMS_BUFFER, sizeof(((S *)0)->f)                                        \
    }

#endif
