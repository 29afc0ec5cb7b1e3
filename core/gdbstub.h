/*
 * The gdbstub (blueprint §10): GDB's remote serial protocol on a chardev
 * (-gdb tcp::1234, -s; -S starts the machine stopped).  Registers come
 * from the frontend (ArchOps.gdb_read_reg/gdb_write_reg, gdb_num_regs,
 * gdb_target_xml served through qXfer:features:read), memory through the
 * guest's MMU (cpu_memory_rw_debug), breakpoints, watchpoints and steps
 * through core/cpu_debug.h, stops and resumes through core/runstate.h,
 * and 'monitor' commands (qRcmd) through the human monitor.  With a
 * replay (-icount rr=replay) it also answers reverse-step and
 * reverse-continue (bs, bc).
 *
 * The packet layer (framing, checksums, escapes, run-length decoding) is
 * core/gdb_packet.h, kept free of machine state so it can be fuzzed.
 *
 *     GdbStub *gdb = gdbstub_create(m, o.gdb, err, sizeof err);  // NULL + err
 *     ...machine_run(m)...
 *     gdbstub_free(gdb);                 // before machine_destroy
 */
#ifndef DOPPEL_GDBSTUB_H
#define DOPPEL_GDBSTUB_H

#include <stddef.h>
#include <stdint.h>

typedef struct Machine Machine;
typedef struct Chardev Chardev;
typedef struct GdbStub GdbStub;

/* The gdbstub the command line asks for: spec is -gdb's chardev ("tcp::1234",
 * "tcp:0.0.0.0:1234", "unix:path", "stdio"; a bare port number means
 * tcp::port as in QEMU; "none": no stub).  NULL with err empty when there
 * is none; NULL with one line in err (no "doppel:" prefix) on error. */
GdbStub *gdbstub_create(Machine *m, const char *spec, char *err, size_t errlen);
/* A stub on an open chardev (tests feed it with chardev_input). */
GdbStub *gdbstub_new(Machine *m, Chardev *chr);
void gdbstub_free(GdbStub *gdb);

#endif
