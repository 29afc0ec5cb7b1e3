/*
 * QMP, the QEMU Machine Protocol (blueprint §10), for scripts and test
 * harnesses: JSON objects over a chardev (-qmp unix:PATH,server,nowait or
 * tcp:...), in QEMU's shape so existing clients work:
 *
 *   <- {"QMP": {"version": {...}, "capabilities": []}}        greeting
 *   -> {"execute": "qmp_capabilities"}                         negotiation
 *   <- {"return": {}}
 *   -> {"execute": "query-status", "id": 7}
 *   <- {"return": {"status": "running", "running": true, "singlestep": false}, "id": 7}
 *   <- {"event": "STOP", "data": {}, "timestamp": {"seconds": s, "microseconds": us}}
 *   <- {"error": {"class": "CommandNotFound", "desc": "..."}}
 *
 * Parsing and dispatch (core/qmp_session.c) are free of machine state so
 * they can be fuzzed; the commands live in core/qmp_commands.c.
 *
 *     Qmp *q = qmp_create(m, o.qmp, err, sizeof err);   // NULL + err on error
 *     ...machine_run(m)...
 *     qmp_free(q);                                       // before machine_destroy
 */
#ifndef DOPPEL_QMP_H
#define DOPPEL_QMP_H

#include <stddef.h>

typedef struct Machine Machine;
typedef struct Chardev Chardev;
typedef struct Qmp Qmp;

/* NULL with err empty when spec is NULL or "none". */
Qmp *qmp_create(Machine *m, const char *spec, char *err, size_t errlen);
/* A QMP server on an open chardev (tests). */
Qmp *qmp_new(Machine *m, Chardev *chr);
void qmp_free(Qmp *q);

#endif
