/*
 * The state description walker: one traversal of a device's VMStateField
 * table, used to save, load and print device state.
 *
 * Saved format (little-endian):
 *   "DPVS" u32 format-version
 *   u8 len, class name   u32 class vmstate_version   u32 field count
 *   per field: u8 len, name   u8 type   u32 count   count elements
 * A VMS_TIMER element is i64 expiry on the timer's clock (-1: not pending)
 * and u64 arming sequence (core/clock.h), re-armed on load.
 * Field names travel with the data, so a build whose table differs rejects
 * the data by name instead of misreading it.  The same walker serves any
 * table (cpus, snapshots) through the _table functions.
 */
#include <string.h>

#include "core/bytes.h"
#include "core/clock.h"
#include "core/device.h"
#include "core/vmstate_check.h"

#define VMSTATE_MAGIC  "DPVS"
#define VMSTATE_FORMAT 1

/* Bytes an element occupies in the struct. */
static unsigned vms_elem_size(VMStateType t)
{
    switch (t) {
    case VMS_U16: return 2;
    case VMS_U32: return 4;
    case VMS_U64: return 8;
    case VMS_TIMER: return sizeof(Timer *);
    default: return 1; /* U8, BOOL, BUFFER bytes */
    }
}

/* Bytes an element occupies in the saved data. */
static unsigned vms_saved_size(VMStateType t)
{
    return t == VMS_TIMER ? 16 : vms_elem_size(t);
}

static uint64_t vms_get(const void *p, VMStateType t)
{
    switch (t) {
    case VMS_U16: return *(const uint16_t *)p;
    case VMS_U32: return *(const uint32_t *)p;
    case VMS_U64: return *(const uint64_t *)p;
    case VMS_BOOL: return *(const bool *)p;
    default: return *(const uint8_t *)p;
    }
}

static void vms_set(void *p, VMStateType t, uint64_t v)
{
    switch (t) {
    case VMS_U16: *(uint16_t *)p = (uint16_t)v; break;
    case VMS_U32: *(uint32_t *)p = (uint32_t)v; break;
    case VMS_U64: *(uint64_t *)p = v; break;
    case VMS_BOOL: *(bool *)p = v != 0; break;
    default: *(uint8_t *)p = (uint8_t)v; break;
    }
}

/* ---- the walker ---- */

typedef struct VMStateVisitor VMStateVisitor;
struct VMStateVisitor {
    /* Called once per field before its elements; false stops the walk. */
    bool (*field)(VMStateVisitor *v, const VMStateField *f);
    /* Called per element with its address in the device. */
    bool (*element)(VMStateVisitor *v, const VMStateField *f, uint32_t index, void *ptr);
    void (*field_end)(VMStateVisitor *v, const VMStateField *f);
};

static bool vmstate_walk(const VMStateField *fields, uint8_t *base, VMStateVisitor *v)
{
    for (const VMStateField *f = fields; f && f->name; f++) {
        if (v->field && !v->field(v, f)) return false;
        unsigned esize = vms_elem_size(f->type);
        for (uint32_t i = 0; i < f->count; i++) {
            if (!v->element(v, f, i, base + f->offset + (size_t)i * esize)) return false;
        }
        if (v->field_end) v->field_end(v, f);
    }
    return true;
}

static uint32_t vmstate_nfields(const VMStateField *fields)
{
    uint32_t n = 0;
    for (const VMStateField *f = fields; f && f->name; f++)
        n++;
    return n;
}

/* ---- writing: bytes past len are counted but dropped (sizing) ---- */

typedef struct VMStream {
    uint8_t *buf;
    size_t len, pos;
} VMStream;

static void put_bytes(VMStream *s, const void *p, size_t n)
{
    if (s->buf && s->pos + n <= s->len) memcpy(s->buf + s->pos, p, n);
    s->pos += n;
}

static void put_le(VMStream *s, uint64_t v, unsigned size)
{
    uint8_t b[8];
    for (unsigned i = 0; i < size; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    put_bytes(s, b, size);
}

static void put_name(VMStream *s, const char *name)
{
    size_t n = strlen(name);
    put_le(s, n, 1);
    put_bytes(s, name, n);
}

/* Compare a length-prefixed name in the stream with want. */
static bool get_name_is(ByteReader *r, const char *want)
{
    size_t n = (size_t)byte_reader_le(r, 1);
    const uint8_t *p = byte_reader_take(r, n);
    return p && n == strlen(want) && memcmp(p, want, n) == 0;
}

/* ---- save ---- */

typedef struct SaveVisitor {
    VMStateVisitor v;
    VMStream s;
} SaveVisitor;

static bool save_field(VMStateVisitor *v, const VMStateField *f)
{
    VMStream *s = &((SaveVisitor *)v)->s;
    put_name(s, f->name);
    put_le(s, f->type, 1);
    put_le(s, f->count, 4);
    return true;
}

static bool save_element(VMStateVisitor *v, const VMStateField *f, uint32_t i, void *ptr)
{
    VMStream *s = &((SaveVisitor *)v)->s;
    if (f->type == VMS_TIMER) {
        const Timer *t = *(Timer *const *)ptr;
        put_le(s, (uint64_t)(t ? timer_expire_ns(t) : -1), 8);
        /* The order only matters while armed. */
        put_le(s, t && timer_pending(t) ? timer_arm_seq(t) : 0, 8);
        return true;
    }
    put_le(s, vms_get(ptr, f->type), vms_elem_size(f->type));
    return true;
}

size_t vmstate_save_table(const char *name, uint32_t version, const VMStateField *fields,
                          const void *base, uint8_t *buf, size_t len)
{
    SaveVisitor sv = {{save_field, save_element, NULL}, {buf, len, 0}};
    put_bytes(&sv.s, VMSTATE_MAGIC, 4);
    put_le(&sv.s, VMSTATE_FORMAT, 4);
    put_name(&sv.s, name);
    put_le(&sv.s, version, 4);
    put_le(&sv.s, vmstate_nfields(fields), 4);
    /* The walker only reads through the pointer when saving. */
    vmstate_walk(fields, (uint8_t *)base, &sv.v);
    return sv.s.pos;
}

size_t vmstate_save(const Device *dev, uint8_t *buf, size_t len)
{
    const DeviceClass *dc = dev->class;
    return vmstate_save_table(dc->name, dc->vmstate_version, dc->vmstate, dev, buf, len);
}

/* ---- load: a checking pass, then an applying pass ---- */

typedef struct LoadVisitor {
    VMStateVisitor v;
    ByteReader r;
    bool apply;
    char *err;
    size_t errlen;
    const char *dname;
} LoadVisitor;

static bool load_field(VMStateVisitor *v, const VMStateField *f)
{
    LoadVisitor *lv = (LoadVisitor *)v;
    size_t at = lv->r.pos;
    bool same_name = get_name_is(&lv->r, f->name);
    uint8_t type = (uint8_t)byte_reader_le(&lv->r, 1);
    uint32_t count = (uint32_t)byte_reader_le(&lv->r, 4);
    if (lv->r.bad) {
        snprintf(lv->err, lv->errlen, "%s state: truncated at field '%s'", lv->dname, f->name);
        return false;
    }
    if (!same_name || type != f->type || count != f->count) {
        snprintf(lv->err, lv->errlen,
                 "%s state: layout differs at field '%s' (offset %zu): saved by another version",
                 lv->dname, f->name, at);
        return false;
    }
    return true;
}

/* A timer comes back armed at its saved expiry and place among equal
 * expiries, or disarmed. */
static bool load_timer(LoadVisitor *lv, const VMStateField *f, Timer *t)
{
    int64_t expire = (int64_t)byte_reader_le(&lv->r, 8);
    uint64_t seq = byte_reader_le(&lv->r, 8);
    if (lv->r.bad) return true; /* reported by the caller */
    if (!t && expire >= 0) {
        snprintf(lv->err, lv->errlen, "%s state: timer '%s' is pending but does not exist here",
                 lv->dname, f->name);
        return false;
    }
    if (!lv->apply || !t) return true;
    if (expire < 0)
        timer_del(t);
    else
        timer_mod_ordered(t, expire, seq);
    return true;
}

static bool load_element(VMStateVisitor *v, const VMStateField *f, uint32_t i, void *ptr)
{
    LoadVisitor *lv = (LoadVisitor *)v;
    uint64_t val = 0;
    if (f->type == VMS_TIMER) {
        if (!load_timer(lv, f, *(Timer **)ptr)) return false;
    } else {
        val = byte_reader_le(&lv->r, vms_saved_size(f->type));
    }
    if (lv->r.bad) {
        snprintf(lv->err, lv->errlen, "%s state: truncated in field '%s'", lv->dname, f->name);
        return false;
    }
    if (lv->apply && f->type != VMS_TIMER) vms_set(ptr, f->type, val);
    return true;
}

static bool load_pass(const char *name, uint32_t want_version, const VMStateField *fields,
                      void *base, const uint8_t *buf, size_t len, bool apply, char *err,
                      size_t errlen)
{
    LoadVisitor lv = {
        {load_field, load_element, NULL}, {buf, len, 0, false}, apply, err, errlen, name};
    const uint8_t *magic = byte_reader_take(&lv.r, 4);
    if (!magic || memcmp(magic, VMSTATE_MAGIC, 4) != 0 ||
        byte_reader_le(&lv.r, 4) != VMSTATE_FORMAT) {
        snprintf(err, errlen, "%s state: not device state data", name);
        return false;
    }
    if (!get_name_is(&lv.r, name)) {
        snprintf(err, errlen, "%s state: saved for another device type", name);
        return false;
    }
    uint32_t version = (uint32_t)byte_reader_le(&lv.r, 4);
    uint32_t nfields = (uint32_t)byte_reader_le(&lv.r, 4);
    if (lv.r.bad) {
        snprintf(err, errlen, "%s state: truncated header", name);
        return false;
    }
    if (version != want_version) {
        snprintf(err, errlen, "%s state: version %u, this build reads version %u", name, version,
                 want_version);
        return false;
    }
    if (nfields != vmstate_nfields(fields)) {
        snprintf(err, errlen, "%s state: %u fields saved, this build has %u", name, nfields,
                 vmstate_nfields(fields));
        return false;
    }
    if (!vmstate_walk(fields, (uint8_t *)base, &lv.v)) return false;
    if (lv.r.pos != len) {
        snprintf(err, errlen, "%s state: %zu bytes of trailing data", name, len - lv.r.pos);
        return false;
    }
    return true;
}

bool vmstate_check_table(const char *name, uint32_t version, const VMStateField *fields,
                         const void *base, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    /* The walker does not write through base when not applying. */
    return load_pass(name, version, fields, (void *)base, buf, len, false, err, errlen);
}

bool vmstate_load_table(const char *name, uint32_t version, const VMStateField *fields, void *base,
                        const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    if (!load_pass(name, version, fields, base, buf, len, false, err, errlen)) return false;
    load_pass(name, version, fields, base, buf, len, true, err, errlen);
    return true;
}

bool vmstate_check(const Device *dev, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    const DeviceClass *dc = dev->class;
    return vmstate_check_table(dc->name, dc->vmstate_version, dc->vmstate, dev, buf, len, err,
                               errlen);
}

bool vmstate_load(Device *dev, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    const DeviceClass *dc = dev->class;
    if (!vmstate_load_table(dc->name, dc->vmstate_version, dc->vmstate, dev, buf, len, err, errlen))
        return false;
    if (dc->post_load) dc->post_load(dev);
    return true;
}

/* ---- print: "name = 0x..", arrays as [a b c*n] with runs folded ---- */

typedef struct PrintVisitor {
    VMStateVisitor v;
    FILE *out;
    uint64_t run_value;
    uint32_t run_len;
} PrintVisitor;

static void print_run(PrintVisitor *pv, const VMStateField *f)
{
    if (!pv->run_len) return;
    fprintf(pv->out, "0x%0*llx", (int)vms_elem_size(f->type) * 2,
            (unsigned long long)pv->run_value);
    if (pv->run_len > 1) fprintf(pv->out, "*%u", pv->run_len);
}

static bool print_field(VMStateVisitor *v, const VMStateField *f)
{
    PrintVisitor *pv = (PrintVisitor *)v;
    fprintf(pv->out, "%s = %s", f->name, f->count > 1 ? "[" : "");
    pv->run_len = 0;
    return true;
}

static bool print_element(VMStateVisitor *v, const VMStateField *f, uint32_t i, void *ptr)
{
    PrintVisitor *pv = (PrintVisitor *)v;
    if (f->type == VMS_TIMER) {
        const Timer *t = *(Timer *const *)ptr;
        if (t && timer_pending(t))
            fprintf(pv->out, "expires at %lld ns", (long long)timer_expire_ns(t));
        else
            fputs("not pending", pv->out);
        return true;
    }
    uint64_t val = vms_get(ptr, f->type);
    if (pv->run_len && val == pv->run_value) {
        pv->run_len++;
        return true;
    }
    if (pv->run_len) {
        print_run(pv, f);
        fputc(' ', pv->out);
    }
    pv->run_value = val;
    pv->run_len = 1;
    return true;
}

static void print_field_end(VMStateVisitor *v, const VMStateField *f)
{
    PrintVisitor *pv = (PrintVisitor *)v;
    print_run(pv, f);
    fprintf(pv->out, "%s\n", f->count > 1 ? "]" : "");
}

void vmstate_print(const Device *dev, FILE *out)
{
    PrintVisitor pv = {{print_field, print_element, print_field_end}, out, 0, 0};
    vmstate_walk(dev->class->vmstate, (uint8_t *)dev, &pv.v);
}
