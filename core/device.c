/*
 * Device framework: the device class registry, typed properties, IRQ
 * lines, instance life cycle, and the state description walker.
 */
#include "core/device.h"

#include <stdlib.h>
#include <string.h>

#include "core/chardev.h"
#include "core/keyval.h"
#include "core/machine.h"

/* ---- IRQ lines ---- */

void irq_init(IrqLine *irq, void (*handler)(void *opaque, int n, int level), void *opaque, int n)
{
    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    irq->level = 0;
}

void irq_set(IrqLine *irq, int level)
{
    if (!irq) return;
    level = level != 0;
    if (irq->level == level) return;
    irq->level = level;
    if (irq->handler) irq->handler(irq->opaque, irq->n, level);
}

void irq_pulse(IrqLine *irq)
{
    irq_set(irq, 1);
    irq_set(irq, 0);
}

/* ---- class registry ---- */

#define DEVICE_REGISTRY_MAX 256

static const DeviceClass *device_registry[DEVICE_REGISTRY_MAX];
static int device_registry_count;

void device_register(const DeviceClass *dc)
{
    if (device_registry_count == DEVICE_REGISTRY_MAX) {
        fprintf(stderr, "doppel: device registry full (raise DEVICE_REGISTRY_MAX)\n");
        abort();
    }
    device_registry[device_registry_count++] = dc;
}

const DeviceClass *device_find_class(const char *name)
{
    for (int i = 0; i < device_registry_count; i++) {
        if (strcmp(device_registry[i]->name, name) == 0) return device_registry[i];
    }
    return NULL;
}

static int device_class_compare(const void *a, const void *b)
{
    const DeviceClass *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

void device_print_list(FILE *out)
{
    const DeviceClass *sorted[DEVICE_REGISTRY_MAX];
    int n = device_registry_count;
    memcpy(sorted, device_registry, (size_t)n * sizeof sorted[0]);
    qsort(sorted, (size_t)n, sizeof sorted[0], device_class_compare);
    fprintf(out, "Devices (* = board only, not for -device):\n");
    for (int i = 0; i < n; i++)
        fprintf(out, "%c %-20s %s\n", sorted[i]->user_creatable ? ' ' : '*', sorted[i]->name,
                sorted[i]->desc);
}

/* ---- properties ---- */

static const struct {
    const char *name;
    unsigned size; /* bytes of an integer field; 0 for others */
    uint64_t max;
} prop_types[] = {
    [PROP_BOOL] = {"bool", 0, 1},        [PROP_U8] = {"u8", 1, UINT8_MAX},
    [PROP_U16] = {"u16", 2, UINT16_MAX}, [PROP_U32] = {"u32", 4, UINT32_MAX},
    [PROP_U64] = {"u64", 8, UINT64_MAX}, [PROP_STRING] = {"string", 0, 0},
    [PROP_CHARDEV] = {"chardev", 0, 0},
};

static void store_uint(void *field, unsigned size, uint64_t v)
{
    switch (size) {
    case 1: *(uint8_t *)field = (uint8_t)v; break;
    case 2: *(uint16_t *)field = (uint16_t)v; break;
    case 4: *(uint32_t *)field = (uint32_t)v; break;
    default: *(uint64_t *)field = v; break;
    }
}

static uint64_t load_uint(const void *field, unsigned size)
{
    switch (size) {
    case 1: return *(const uint8_t *)field;
    case 2: return *(const uint16_t *)field;
    case 4: return *(const uint32_t *)field;
    default: return *(const uint64_t *)field;
    }
}

static const Property *prop_find(const DeviceClass *dc, const char *name)
{
    for (const Property *p = dc->props; p && p->name; p++) {
        if (strcmp(p->name, name) == 0) return p;
    }
    return NULL;
}

/* Parse value into the property field.  resolve: look chardev ids up
 * (false when only checking a spec before chardevs exist). */
static bool prop_parse(Device *dev, const Property *p, const char *value, bool resolve, char *err,
                       size_t errlen)
{
    void *field = (uint8_t *)dev + p->offset;
    const char *dname = dev->class->name;
    switch (p->type) {
    case PROP_BOOL: {
        bool b;
        if (!parse_bool(value, &b)) {
            snprintf(err, errlen, "property '%s' of '%s' expects on or off, got '%s'", p->name,
                     dname, value);
            return false;
        }
        *(bool *)field = b;
        return true;
    }
    case PROP_U8:
    case PROP_U16:
    case PROP_U32:
    case PROP_U64: {
        uint64_t v;
        if (!parse_u64(value, &v) || v > prop_types[p->type].max) {
            snprintf(err, errlen, "property '%s' of '%s' expects a number up to %llu, got '%s'",
                     p->name, dname, (unsigned long long)prop_types[p->type].max, value);
            return false;
        }
        store_uint(field, prop_types[p->type].size, v);
        return true;
    }
    case PROP_STRING:
        free(*(char **)field);
        *(char **)field = strdup(value);
        return true;
    case PROP_CHARDEV: {
        Chardev *chr = resolve ? chardev_find(value) : NULL;
        if (!*value || (resolve && !chr)) {
            snprintf(err, errlen, "property '%s' of '%s': no chardev '%s'", p->name, dname, value);
            return false;
        }
        *(Chardev **)field = chr;
        return true;
    }
    }
    return false;
}

static bool prop_set(Device *dev, const char *name, const char *value, bool resolve, char *err,
                     size_t errlen)
{
    const Property *p = prop_find(dev->class, name);
    if (!p) {
        snprintf(err, errlen, "device '%s' has no property '%s' (see -device %s,help)",
                 dev->class->name, name, dev->class->name);
        return false;
    }
    return prop_parse(dev, p, value, resolve, err, errlen);
}

bool device_set_prop(Device *dev, const char *name, const char *value, char *err, size_t errlen)
{
    return prop_set(dev, name, value, true, err, errlen);
}

bool device_get_prop(const Device *dev, const char *name, char *buf, size_t len)
{
    const Property *p = prop_find(dev->class, name);
    if (!p) return false;
    const void *field = (const uint8_t *)dev + p->offset;
    switch (p->type) {
    case PROP_BOOL: snprintf(buf, len, "%s", *(const bool *)field ? "on" : "off"); break;
    case PROP_STRING:
        snprintf(buf, len, "%s", *(char *const *)field ? *(char *const *)field : "");
        break;
    case PROP_CHARDEV: snprintf(buf, len, "%s", *(Chardev *const *)field ? "connected" : ""); break;
    default:
        snprintf(buf, len, "%llu", (unsigned long long)load_uint(field, prop_types[p->type].size));
        break;
    }
    return true;
}

bool device_print_props(const char *name, FILE *out)
{
    const DeviceClass *dc = device_find_class(name);
    if (!dc) return false;
    fprintf(out, "%s: %s\n", dc->name, dc->desc);
    if (!dc->props || !dc->props->name) fprintf(out, "  (no properties)\n");
    for (const Property *p = dc->props; p && p->name; p++) {
        char left[64], def[64] = "";
        snprintf(left, sizeof left, "%s=<%s>", p->name, prop_types[p->type].name);
        if (p->type == PROP_BOOL)
            snprintf(def, sizeof def, " (default %s)", p->def ? "on" : "off");
        else if (p->type == PROP_STRING && p->def_str)
            snprintf(def, sizeof def, " (default \"%s\")", p->def_str);
        else if (prop_types[p->type].size)
            snprintf(def, sizeof def, " (default %llu)", (unsigned long long)p->def);
        fprintf(out, "  %-24s %s%s\n", left, p->desc, def);
    }
    return true;
}

/* ---- instances ---- */

Device *device_create(Machine *m, const char *type)
{
    const DeviceClass *dc = device_find_class(type);
    if (!dc) return NULL;
    Device *dev = calloc(1, dc->instance_size);
    dev->class = dc;
    dev->machine = m;
    for (const Property *p = dc->props; p && p->name; p++) {
        void *field = (uint8_t *)dev + p->offset;
        if (p->type == PROP_STRING)
            *(char **)field = p->def_str ? strdup(p->def_str) : NULL;
        else if (p->type == PROP_BOOL)
            *(bool *)field = p->def != 0;
        else if (prop_types[p->type].size)
            store_uint(field, prop_types[p->type].size, p->def);
    }
    return dev;
}

/* Apply "name,prop=val,...,id=x" to a new device; resolve as in prop_parse. */
static Device *device_from_spec(Machine *m, const char *spec, bool resolve, char *err,
                                size_t errlen)
{
    KeyValList l;
    keyval_split(spec, &l);
    const char *type = l.items[0].value ? keyval_get(&l, "driver") : l.items[0].key;
    const DeviceClass *dc = type ? device_find_class(type) : NULL;
    Device *dev = NULL;
    if (!type)
        snprintf(err, errlen, "missing device name (see -device help)");
    else if (!dc)
        snprintf(err, errlen, "unknown device '%s' (see -device help)", type);
    else if (!dc->user_creatable)
        snprintf(err, errlen, "device '%s' is placed by the board, not -device", type);
    else
        dev = device_create(m, type);
    for (int i = 0; dev && i < l.n; i++) {
        const KeyVal *kv = &l.items[i];
        bool ok = true;
        if (i == 0 && !kv->value) continue;
        if (!kv->value) {
            snprintf(err, errlen, "expected prop=value, got '%s'", kv->key);
            ok = false;
        } else if (strcmp(kv->key, "id") == 0) {
            free(dev->id);
            dev->id = strdup(kv->value);
        } else if (strcmp(kv->key, "driver") != 0) {
            ok = prop_set(dev, kv->key, kv->value, resolve, err, errlen);
        }
        if (!ok) {
            device_free(dev);
            dev = NULL;
        }
    }
    keyval_free(&l);
    return dev;
}

bool device_check_spec(const char *spec, char *err, size_t errlen)
{
    Device *dev = device_from_spec(NULL, spec, false, err, errlen);
    device_free(dev);
    return dev != NULL;
}

bool device_create_from_spec(Machine *m, const char *spec)
{
    char err[256];
    Device *dev = device_from_spec(m, spec, true, err, sizeof err);
    if (!dev) {
        fprintf(stderr, "doppel: -device: %s\n", err);
        return false;
    }
    return device_realize(dev);
}

bool device_realize(Device *dev)
{
    const DeviceClass *dc = dev->class;
    if (dc->realize && !dc->realize(dev, dev->machine)) {
        device_free(dev);
        return false;
    }
    dev->realized = true;
    if (dev->machine) {
        Device **tail = &dev->machine->devices;
        while (*tail)
            tail = &(*tail)->next;
        *tail = dev;
    }
    device_reset(dev);
    return true;
}

void device_reset(Device *dev)
{
    if (dev->class->reset) dev->class->reset(dev);
}

void device_reset_all(Machine *m)
{
    for (Device *d = m->devices; d; d = d->next)
        device_reset(d);
}

void device_free(Device *dev)
{
    if (!dev) return;
    for (Device **p = dev->machine ? &dev->machine->devices : NULL; p && *p; p = &(*p)->next) {
        if (*p == dev) {
            *p = dev->next;
            break;
        }
    }
    if (dev->realized && dev->class->finalize) dev->class->finalize(dev);
    for (const Property *p = dev->class->props; p && p->name; p++) {
        if (p->type == PROP_STRING) free(*(char **)((uint8_t *)dev + p->offset));
    }
    free(dev->id);
    free(dev);
}

/* Newest first: a device may use what older ones made (a PCI function
 * its bus, a NIC its netdev), never the other way round. */
void device_free_all(Machine *m)
{
    while (m->devices) {
        Device *last = m->devices;
        while (last->next)
            last = last->next;
        device_free(last);
    }
}

void device_connect_irq(Device *dev, int n, IrqLine *line)
{
    if (n >= 0 && n < DEVICE_MAX_IRQ_OUT) dev->irq_out[n] = line;
}
